package dev.cutover.core.spi;

import java.util.Objects;

/**
 * A finished backup on the source platform.
 *
 * @param id e.g. {@code b012}
 * @param num the transfer number
 * @param sizeBytes its size as the platform reports it, or -1
 */
public record BackupRef(String id, int num, long sizeBytes) {
  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public BackupRef {
    Objects.requireNonNull(id, "id");
  }
}
