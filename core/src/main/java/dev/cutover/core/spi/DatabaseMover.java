package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
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
   * Restores {@code archive} as {@link #restore(Path, PgConnection, RestoreStrategy, boolean, MigrationListener)}
   * does, reading from the live {@code source}, when given, what an archive does not carry (the
   * versions of its extensions). The default ignores the source.
   *
   * @param archive the archive
   * @param target the empty target
   * @param strategy how to restore
   * @param replaceExisting whether to empty a non-empty target first
   * @param source the live source, or empty
   * @param listener progress
   * @return what the restore did
   */
  default RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      Optional<PgConnection> source, MigrationListener listener) {
    return restore(archive, target, strategy, replaceExisting, listener);
  }

  /**
   * Compares {@code target} with {@code source} when given, else with what {@code restored} counted.
   * Does not throw on mismatch: the report says.
   */
  VerificationReport verify(PgConnection target, Optional<PgConnection> source, RestoreResult restored);

  /**
   * Verifies {@code request.target()} against the live source when it can be reached, else against
   * the archive, and says in {@link VerificationReport#evidence()} which it was. Does not throw on a
   * mismatch: the report says. The default, for a mover that only counts, calls
   * {@link #verify(PgConnection, Optional, RestoreResult)} with the request's restore counts.
   *
   * @param request what to verify and against what
   * @return the report
   * @throws UnsupportedOperationException (default only) when the request has no restore counts
   */
  default VerificationReport verify(VerificationRequest request) {
    return verify(request.target(), request.source(), request.restored().orElseThrow(() ->
        new UnsupportedOperationException(getClass().getName() + " verifies only against restore counts: "
            + "give VerificationRequest.restored(result)")));
  }

  /**
   * Copies the source database's database-level settings ({@code ALTER DATABASE … SET}) to the
   * target, replacing the target's (a setting the restore derived is removed when the source has no
   * such setting), with what else only the live source can tell (the source role's settings, the
   * database comment, revocations from PUBLIC that an archive without privileges drops). Idempotent.
   * The default copies nothing, for a mover that cannot reach the source
   * directly.
   *
   * @return the settings applied, name to value
   */
  default Map<String, String> copyDatabaseSettings(PgConnection source, PgConnection target) {
    return Map.of();
  }
}
