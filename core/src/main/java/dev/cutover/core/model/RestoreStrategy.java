package dev.cutover.core.model;

/** How a backup is restored into the target database. */
public enum RestoreStrategy {
  /** As the guide does: {@code pg_restore -f -} to SQL, then {@code psql}, errors classified. */
  GUIDE_SQL,
  /** {@code pg_restore --no-owner --no-acl -j N -d}. Needs a {@code pg_restore} as new as the archive. */
  PG_RESTORE,
  /** {@code pg_dump | pg_restore} with no file in between; needs the source to be reachable. */
  STREAM,
  /** The SDK's own engine: reads the archive in Java, restores over JDBC in parallel. No client tools needed. */
  PARALLEL
}
