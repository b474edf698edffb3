package dev.cutover.core.model;

import java.util.List;
import java.util.Objects;

/**
 * What a {@code pg_dump -Fc} archive holds, read from its header and table of contents.
 *
 * @param archiveVersion e.g. {@code 1.15}
 * @param compression e.g. {@code gzip}, {@code none}, {@code lz4}, {@code zstd}
 * @param serverVersion the source server's version string, e.g. {@code 16.4}
 * @param pgDumpVersion the pg_dump version that wrote it
 * @param database the source database name
 * @param sizeBytes the archive's size on disk
 * @param tables tables with data (schema-qualified)
 * @param extensions extension names
 * @param schemas schema names
 * @param entries number of TOC entries
 * @param largeObjects number of large objects
 */
public record ArchiveSummary(
    String archiveVersion,
    String compression,
    String serverVersion,
    String pgDumpVersion,
    String database,
    long sizeBytes,
    List<String> tables,
    List<String> extensions,
    List<String> schemas,
    int entries,
    int largeObjects) {
  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public ArchiveSummary {
    Objects.requireNonNull(archiveVersion, "archiveVersion");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(pgDumpVersion, "pgDumpVersion");
    Objects.requireNonNull(database, "database");
    tables = List.copyOf(tables);
    extensions = List.copyOf(extensions);
    schemas = List.copyOf(schemas);
  }

  @Override
  public String toString() {
    return "archive " + archiveVersion + " of database " + database + " (pg_dump " + pgDumpVersion + ", server "
        + serverVersion + ", " + compression + "): " + tables.size() + " tables, " + extensions.size()
        + " extensions, " + entries + " entries, " + sizeBytes + " bytes";
  }
}
