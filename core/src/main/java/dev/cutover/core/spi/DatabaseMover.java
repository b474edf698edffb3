package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.WriteCounters;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Moves and checks the data. Implemented by {@code PgMigrator}. */
public interface DatabaseMover {
  /** Reads an archive's header and table of contents, streaming. */
  ArchiveSummary inspect(Path archive);

  /**
   * Fails with a clear message, before any downtime, when {@code strategy} cannot restore
   * {@code archive} here (missing or too old client tools).
   */
  void checkCanRestore(ArchiveSummary archive, RestoreStrategy strategy);

  /**
   * Restores {@code archive} into {@code target}, which must be empty unless {@code replaceExisting}.
   */
  RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      MigrationListener listener);

  /**
   * Compares {@code target} with {@code source} when given, else with what {@code restored} counted.
   * Does not throw on mismatch: the report says.
   */
  VerificationReport verify(PgConnection target, Optional<PgConnection> source, RestoreResult restored);

  /**
   * Copies the source database's database-level settings ({@code ALTER DATABASE … SET}) to the
   * target, replacing the target's: a dump archive does not carry them. Idempotent. The default
   * copies nothing, for a mover that cannot reach the source directly.
   *
   * @return the settings applied, name to value
   */
  default Map<String, String> copyDatabaseSettings(PgConnection source, PgConnection target) {
    return Map.of();
  }

  /**
   * Reads {@code database}'s own write counters (commits, rows inserted, updated and deleted per
   * table), leaving out the session that reads them; {@link WriteCounters#since} compares two
   * snapshots. Read-only. The default reads nothing, for a mover that cannot reach the database.
   *
   * @param database the database to read, e.g. the source
   * @return the snapshot, or empty when this mover cannot read one
   */
  default Optional<WriteCounters> writeCounters(PgConnection database) {
    return Optional.empty();
  }
}
