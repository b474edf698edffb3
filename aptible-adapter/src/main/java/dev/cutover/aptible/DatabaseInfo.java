package dev.cutover.aptible;

import java.util.Objects;

/**
 * An Aptible database as {@code aptible db:list} shows it (without its credentials).
 *
 * @param handle the database's handle
 * @param environment its environment's handle
 * @param type e.g. {@code postgresql}
 * @param version e.g. {@code 16}
 * @param status e.g. {@code provisioned}
 * @param diskSizeGb disk size in GB (0 when not reported)
 * @param containerSizeMb container memory in MB (0 when not reported)
 */
public record DatabaseInfo(String handle, String environment, String type, String version, String status,
    int diskSizeGb, int containerSizeMb) {
  public DatabaseInfo {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(status, "status");
  }
}
