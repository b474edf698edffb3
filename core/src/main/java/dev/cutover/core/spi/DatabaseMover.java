package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.core.model.WriteCounters;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/** Moves and checks the data. Implemented by {@code PgMigrator}. */
public interface DatabaseMover {
  /**
   * This mover working with {@code toolkit}'s redactor, process runner, clock and sleeper. A mover
   * found with {@link java.util.ServiceLoader} is given the run's toolkit this way, so it shares the
   * run's one redactor. The default returns this mover unchanged (it has no tools to share).
   */
  default DatabaseMover withToolkit(dev.cutover.core.Toolkit toolkit) {
    return this;
  }

  /** Reads an archive's header and table of contents, streaming. */
  ArchiveSummary inspect(Path archive);

  /**
   * Fails with a clear message, before any downtime, when {@code strategy} cannot restore
   * {@code archive} here (missing or too old client tools).
   */
  void checkCanRestore(ArchiveSummary archive, RestoreStrategy strategy);

  /**
   * Fails with a clear message, before any backup exists, when {@code strategy} cannot restore a
   * backup of the {@code source} database here. The mover knows which archive format a backup of
   * that server version will have (pg_dump writes the format of the server's major version), so no
   * caller keeps a copy of that table.
   *
   * @param source the source database (its version and size)
   * @param strategy how it will be restored
   */
  void checkCanRestore(dev.cutover.core.model.PostgresInfo source, RestoreStrategy strategy);

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
          getClass().getSimpleName() + " cannot set its parallelism per restore",
          "configure the data mover's parallelism where it is built, and leave jobs unset")));
    }
    return restore(archive, target, strategy, replaceExisting, listener);
  }

  /**
   * Restores {@code archive} as {@link #restore(Path, PgConnection, RestoreStrategy, boolean, int, MigrationListener)}
   * does, reading from the live {@code source} what an archive does not carry (the versions of its
   * extensions, and the revocations from PUBLIC of an archive made without privileges). Without a
   * reachable source, call the overload without it. The default ignores the source.
   *
   * @param archive the archive
   * @param target the empty target
   * @param strategy how to restore
   * @param replaceExisting whether to empty a non-empty target first
   * @param jobs parallel workers, 0 for the mover's own setting
   * @param source the live source, read, never written
   * @param listener progress
   * @return what the restore did
   */
  default RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, PgConnection source, MigrationListener listener) {
    return restore(archive, target, strategy, replaceExisting, jobs, listener);
  }

  /**
   * Whether {@link #restoreWhileDownloading(Path, CompletionStage, PgConnection, RestoreStrategy, boolean,
   * CopyJournal, MigrationListener) restoreWhileDownloading} with {@code strategy} starts on the first bytes
   * rather than waiting for the whole file. The plan decides from it where the backup is downloaded (by the
   * restore step, as it restores, or by the capture step before) and says so. The default, for a mover that
   * keeps the waiting default: false.
   *
   * @param strategy the move's strategy
   * @return whether the restore overlaps the download
   */
  default boolean restoresWhileDownloading(RestoreStrategy strategy) {
    return false;
  }

  /**
   * Restores {@code archive} while a downloader is still writing it, so that the restore ends shortly after
   * the download instead of starting after it. {@code downloaded} completes when the last byte is written
   * (or exceptionally when the download broke off: the restore then stops with that failure, and what
   * committed is in {@code journal}). {@code journal} works as for {@link #copyDirect}: with the progress of
   * an earlier attempt into {@code target} it continues that attempt, otherwise the target must be empty
   * unless {@code replaceExisting}. The default waits for the download and then calls {@link #restore}
   * (a mover that cannot read a growing file, or a strategy that cannot, does just that).
   *
   * @param archive the file the downloader writes
   * @param downloaded completes when the download is complete, exceptionally when it broke off
   * @param target the database to restore into
   * @param strategy how to restore
   * @param replaceExisting whether a fresh restore may empty a non-empty target first
   * @param journal where finished work is recorded, and read back on a re-run
   * @param listener progress and output
   * @return what was restored
   */
  default RestoreResult restoreWhileDownloading(Path archive, CompletionStage<?> downloaded, PgConnection target,
      RestoreStrategy strategy, boolean replaceExisting, CopyJournal journal, MigrationListener listener) {
    awaitDownload(archive, downloaded);
    return restore(archive, target, strategy, replaceExisting, listener);
  }

  /**
   * {@link #restoreWhileDownloading(Path, CompletionStage, PgConnection, RestoreStrategy, boolean, CopyJournal,
   * MigrationListener)} with {@code jobs} parallel workers, as
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, int, MigrationListener)} takes them. The default
   * waits for the download and calls that {@code restore}.
   *
   * @param archive the file the downloader writes
   * @param downloaded completes when the download is complete, exceptionally when it broke off
   * @param target the database to restore into
   * @param strategy how to restore
   * @param replaceExisting whether a fresh restore may empty a non-empty target first
   * @param jobs parallel workers, 0 for the mover's own setting
   * @param journal where finished work is recorded, and read back on a re-run
   * @param listener progress and output
   * @return what was restored
   */
  default RestoreResult restoreWhileDownloading(Path archive, CompletionStage<?> downloaded, PgConnection target,
      RestoreStrategy strategy, boolean replaceExisting, int jobs, CopyJournal journal, MigrationListener listener) {
    awaitDownload(archive, downloaded);
    return restore(archive, target, strategy, replaceExisting, jobs, listener);
  }

  /**
   * {@link #restoreWhileDownloading(Path, CompletionStage, PgConnection, RestoreStrategy, boolean, int, CopyJournal,
   * MigrationListener)} reading from the live {@code source} what an archive does not carry, as
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, int, PgConnection, MigrationListener)} does.
   * Without a reachable source, call the overload without it. The default waits for the download and calls
   * that {@code restore}.
   *
   * @param archive the file the downloader writes
   * @param downloaded completes when the download is complete, exceptionally when it broke off
   * @param target the database to restore into
   * @param strategy how to restore
   * @param replaceExisting whether a fresh restore may empty a non-empty target first
   * @param jobs parallel workers, 0 for the mover's own setting
   * @param source the live source, read, never written
   * @param journal where finished work is recorded, and read back on a re-run
   * @param listener progress and output
   * @return what was restored
   */
  default RestoreResult restoreWhileDownloading(Path archive, CompletionStage<?> downloaded, PgConnection target,
      RestoreStrategy strategy, boolean replaceExisting, int jobs, PgConnection source, CopyJournal journal,
      MigrationListener listener) {
    awaitDownload(archive, downloaded);
    return restore(archive, target, strategy, replaceExisting, jobs, source, listener);
  }

  private static void awaitDownload(Path archive, CompletionStage<?> downloaded) {
    try {
      downloaded.toCompletableFuture().join();
    } catch (CompletionException e) {
      throw new PgToolException("restore", "restore: the download of " + archive.getFileName() + " failed ("
          + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + ")", true, e.getCause());
    }
  }

  /**
   * Compares {@code target} with the live {@code source}. Does not throw on mismatch: the report says.
   *
   * @param target the restored database
   * @param source the live source
   * @param restored what the restore did
   * @return the report
   */
  VerificationReport verify(PgConnection target, PgConnection source, RestoreResult restored);

  /**
   * Compares {@code target} with what {@code restored} counted, when no source can be reached. Does
   * not throw on mismatch: the report says.
   *
   * @param target the restored database
   * @param restored what the restore did
   * @return the report
   */
  VerificationReport verify(PgConnection target, RestoreResult restored);

  /**
   * Verifies {@code request.target()} against the live source when it can be reached, else against
   * the archive, and says in {@link VerificationReport#evidence()} which it was. Does not throw on a
   * mismatch: the report says. The default, for a mover that only counts, calls
   * {@link #verify(PgConnection, PgConnection, RestoreResult)} (or, without a source,
   * {@link #verify(PgConnection, RestoreResult)}) with the request's restore counts.
   *
   * @param request what to verify and against what
   * @return the report
   * @throws UnsupportedOperationException (default only) when the request has no restore counts
   */
  default VerificationReport verify(VerificationRequest request) {
    RestoreResult restored = request.restored().orElseThrow(() ->
        new UnsupportedOperationException(getClass().getName() + " verifies only against restore counts: "
            + "give VerificationRequest.restored(result)"));
    return request.source().map(source -> verify(request.target(), source, restored))
        .orElseGet(() -> verify(request.target(), restored));
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

  /**
   * Fails with a clear message, before any downtime, when {@link RestoreStrategy#DIRECT} cannot copy from
   * {@code source} here (the source unreachable, client tools too old for it). The default says that this
   * mover cannot copy directly.
   *
   * @param source the database DIRECT would copy from
   * @throws PgToolException saying what is missing and which strategy works instead
   */
  default void checkCanCopyDirect(PgConnection source) {
    throw new PgToolException("restore.check", "restore.check: " + getClass().getSimpleName()
        + " cannot copy straight from the source database; use a strategy that restores a backup (PARALLEL)", false,
        null);
  }

  /**
   * Copies {@code source} straight into {@code target} ({@link RestoreStrategy#DIRECT}): every table from one
   * snapshot of the source, which is only read. {@code target} must be empty unless {@code replaceExisting}
   * or {@code journal} holds the progress of an earlier, interrupted copy into it: then what that attempt
   * finished is checked and skipped, and the rest is copied. Blocks until done.
   *
   * @param source the database to copy, only read
   * @param target the database to copy into
   * @param replaceExisting whether a fresh copy may empty a non-empty target first
   * @param journal where finished work is recorded as it commits, and read back on a re-run
   * @param listener progress and output
   * @return what was copied
   * @throws PgToolException when this mover cannot copy directly (the default) or the copy fails
   */
  default RestoreResult copyDirect(PgConnection source, PgConnection target, boolean replaceExisting,
      CopyJournal journal, MigrationListener listener) {
    checkCanCopyDirect(source);
    throw new IllegalStateException(getClass().getSimpleName() + ".checkCanCopyDirect accepted DIRECT but "
        + "copyDirect is not implemented");
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
