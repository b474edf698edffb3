package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import java.nio.file.Path;
import java.util.List;
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
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, MigrationListener)} with {@code jobs}
   * parallel workers for the strategies that run several ({@code PG_RESTORE}, {@code PARALLEL});
   * {@code jobs} 0 keeps the mover's own setting. The default accepts only 0: a mover that cannot
   * change its parallelism per restore refuses rather than ignore the request.
   *
   * @throws ValidationException when {@code jobs} is out of range or cannot be honoured
   */
  default RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, MigrationListener listener) {
    if (jobs != 0) {
      throw new ValidationException("restore", List.of(new ValidationException.Problem("jobs", Integer.toString(jobs),
          getClass().getSimpleName() + " cannot set its parallelism per restore", "configure the data mover's parallelism where it is built, and leave jobs unset")));
    }
    return restore(archive, target, strategy, replaceExisting, listener);
  }

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
}
