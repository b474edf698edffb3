package dev.cutover.aptible;

import java.util.Objects;

/**
 * One entry of {@code aptible db:versions}.
 *
 * @param type e.g. {@code postgresql}
 * @param version e.g. {@code 16}
 * @param isDefault whether {@code db:create} picks it when no version is given
 */
public record DatabaseVersion(String type, String version, boolean isDefault) {
  public DatabaseVersion {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(version, "version");
  }
}
