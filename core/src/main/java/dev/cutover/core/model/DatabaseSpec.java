package dev.cutover.core.model;

import java.util.Objects;
import java.util.Optional;

/**
 * The Aptible database to create. Immutable; each {@code with}-style call returns a copy.
 *
 * <pre>{@code DatabaseSpec.postgresql("16").diskSizeGb(100).containerSizeMb(4096)}</pre>
 *
 * @param type Aptible database type, e.g. {@code postgresql}
 * @param version e.g. {@code 16}
 * @param diskSizeGb disk size in GB
 * @param containerSizeMb container memory in MB
 * @param handle the database handle, or empty for {@code <app>-db}
 */
public record DatabaseSpec(String type, String version, int diskSizeGb, int containerSizeMb, Optional<String> handle) {
  /** Aptible's defaults for {@code db:create}: 10 GB disk, 1024 MB container. */
  public static final int DEFAULT_DISK_GB = 10;
  /** Aptible's default container size in MB. */
  public static final int DEFAULT_CONTAINER_MB = 1024;

  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public DatabaseSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(handle, "handle");
  }

  /** A PostgreSQL database of {@code version} with Aptible's default sizes. */
  public static DatabaseSpec postgresql(String version) {
    return new DatabaseSpec("postgresql", version, DEFAULT_DISK_GB, DEFAULT_CONTAINER_MB, Optional.empty());
  }

  /** A copy with a disk of {@code gb} GB. */
  public DatabaseSpec diskSizeGb(int gb) {
    return new DatabaseSpec(type, version, gb, containerSizeMb, handle);
  }

  /** A copy with a container of {@code mb} MB. */
  public DatabaseSpec containerSizeMb(int mb) {
    return new DatabaseSpec(type, version, diskSizeGb, mb, handle);
  }

  /** A copy with the database handle {@code dbHandle}. */
  public DatabaseSpec handle(String dbHandle) {
    return new DatabaseSpec(type, version, diskSizeGb, containerSizeMb, Optional.of(dbHandle));
  }
}
