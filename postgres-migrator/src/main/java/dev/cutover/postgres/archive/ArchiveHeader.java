package dev.cutover.postgres.archive;

import java.time.LocalDateTime;
import java.util.Objects;

/**
 * The header of a custom-format ({@code pg_dump -Fc}) archive.
 *
 * @param versionMajor archive format major version (1)
 * @param versionMinor archive format minor version (14 for pg_dump 12-15, 15 for 16, 16 for 17 and 18)
 * @param versionRev archive format revision (0)
 * @param compression {@code none}, {@code gzip}, {@code lz4} or {@code zstd}
 * @param serverVersion the dumped server's {@code server_version}, e.g. {@code 15.18 (Debian 15.18-0+deb12u1)}
 * @param pgDumpVersion the version of the pg_dump that wrote the archive
 * @param database the dumped database's name
 * @param compressionLevel the zlib level stored by archives before 1.15 ({@code -1} default, {@code 0} none),
 *     or {@code -1} for 1.15+ archives, which store only the algorithm
 * @param intSize bytes per integer (4)
 * @param offSize bytes per file offset (8)
 * @param created when pg_dump started, in the dumping machine's local time zone (informational)
 */
public record ArchiveHeader(
    int versionMajor,
    int versionMinor,
    int versionRev,
    String compression,
    String serverVersion,
    String pgDumpVersion,
    String database,
    int compressionLevel,
    int intSize,
    int offSize,
    LocalDateTime created) {
  public ArchiveHeader {
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(pgDumpVersion, "pgDumpVersion");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(created, "created");
  }

  /** The format version as {@code pg_restore -l} prints it without the revision, e.g. {@code 1.15}. */
  public String version() {
    return versionMajor + "." + versionMinor;
  }

  /** Whether the format version is at least {@code major.minor}. */
  public boolean atLeast(int major, int minor) {
    return versionMajor > major || (versionMajor == major && versionMinor >= minor);
  }

  /** Whether table data and large objects are compressed. */
  public boolean compressed() {
    return !"none".equals(compression);
  }

  @Override
  public String toString() {
    return "archive " + version() + "-" + versionRev + " of " + database + " (pg_dump " + pgDumpVersion + ", server "
        + serverVersion + ", " + compression + ", " + created + ")";
  }
}
