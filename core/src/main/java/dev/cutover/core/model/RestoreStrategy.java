package dev.cutover.core.model;

/** How the data reaches the target database: from a backup archive, or straight from the source. */
public enum RestoreStrategy {
  /** As the guide does: {@code pg_restore -f -} to SQL, then {@code psql}, errors classified. */
  GUIDE_SQL,
  /** {@code pg_restore --no-owner --no-acl -j N -d}. Needs a {@code pg_restore} as new as the archive. */
  PG_RESTORE,
  /** {@code pg_dump | pg_restore} with no file in between; needs the source to be reachable. */
  STREAM,
  /** The SDK's own engine: reads the archive in Java, restores over JDBC in parallel. No client tools needed. */
  PARALLEL,
  /**
   * The SDK's own engine straight from the source database, no backup and no file: every table from one
   * snapshot of the source, over several connection pairs. Needs the source to be reachable and a
   * {@code pg_dump} at least as new as the source server (for the schema).
   */
  DIRECT
}
