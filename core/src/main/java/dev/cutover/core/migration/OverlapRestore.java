package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The restore step of a move that {@link dev.cutover.core.spi.DatabaseMover#restoresWhileDownloading restores while downloading}:
 * the backup the capture step journalled is downloaded, on a thread of its own, into a file the mover
 * restores from as the bytes arrive ({@code DatabaseMover.restoreWhileDownloading}).
 *
 * <p>What the journal says at each point: every table the restore commits is journalled as it commits
 * ({@link MoveCopyJournal}, tied to the backup's id); the dump, its size and SHA-256 once the download ended
 * and passed its checks (and only then can the restore end); the restore once it ended. A failed download
 * stops the restore (the mover sees the failure), the partial file is deleted, and the download's own
 * failure is thrown. A resume downloads the same backup again and continues the restore from the journal
 * (finished tables are kept); with the whole dump already journalled it only restores. A backup that
 * cannot be downloaded again, or a dump gone since, makes it capture a new one and restore from scratch.
 */
final class OverlapRestore {
  private OverlapRestore() {}

  static String run(StepContext ctx, PostgresMove m) {
    Journal.MoveState state = ctx.move(m);
    Dumps dumps = ctx.dumps();
    boolean complete = Dumps.intact(state);
    // the backup the capture step journalled, or whose download an earlier attempt started
    boolean reuse = !complete && Dumps.canDownloadAgain(state);
    boolean again = reuse && state.backupId.equals(state.downloadStarted);
    if (!complete && !reuse) {
      Dumps.warnGone(ctx, state);
    }
    BackupRef ref = complete || reuse ? new BackupRef(state.backupId, state.backupNum, -1, state.backupApp)
        : dumps.backup(ctx, m);
    if (!complete && !reuse) {
      Dumps.recaptured(ctx, state, "backup " + ref.id() + " of " + m.id() + " captured; downloaded while restoring");
    }
    if (!Objects.equals(state.copiedFromBackup, ref.id())) {
      state.copied = new ArrayList<>();
      state.copiedFromBackup = ref.id();
    }
    MoveCopyJournal journal = new MoveCopyJournal(ctx, state);
    List<String> kept = journal.finishedTables();
    boolean resumed = !journal.entries().isEmpty();
    boolean replace = ctx.plan().options().replaceExisting() || state.restoreAttempts > 0;
    state.restoreAttempts++;
    ctx.save();
    if (resumed) {
      ctx.event("copy-resumed", Map.of("step", MigrationStep.RESTORE.id(), "move", m.id(), "entries",
          journal.entries().size(), "tables", kept));
    }
    Path file = complete ? Path.of(state.dumpFile) : dumps.inPlaceFile(m, ref);
    if (!complete) {
      dumps.removePartialDownloads(ctx, file);
      state.downloadStarted = ref.id();
      ctx.save();
    }
    ctx.event("restore-while-downloading", Map.of("step", MigrationStep.RESTORE.id(), "move", m.id(), "backup",
        ref.id(), "file", file.getFileName().toString(), "downloadComplete", complete));
    // the live source, when usable, gives what the archive lacks (extension versions, revocations from PUBLIC)
    Optional<PgConnection> source = SourceDatabase.of(ctx, m, MigrationStep.RESTORE, "restoring from the archive alone");
    PgConnection target = ctx.tunnels().to(m.targetHandle()).connection();
    // from here until the restore returns, the journal is written only under the copy journal's lock
    Download download = complete ? Download.done(new DownloadedBackup(file, state.dumpSizeBytes, state.dumpSha256))
        : Download.start("cutover-download-" + m.id(), () -> {
          // journalled by the download's thread as it ends, under the copy journal's lock
          DownloadedBackup dl = ctx.source().downloadInPlace(ref, file, ctx.listener());
          journal.locked(() -> {
            Dumps.downloaded(ctx, state, dl);
            ctx.event("download-finished", Map.of("step", MigrationStep.RESTORE.id(), "move", m.id(), "backup",
                ref.id(), "bytes", dl.sizeBytes(), "sha256", dl.sha256(), "tablesRestoredBefore",
                MoveCopyJournal.tables(state.copied).size()));
          });
          return dl;
        });
    RestoreResult result;
    try {
      int jobs = ctx.plan().options().jobs();
      result = source.isPresent()
          ? ctx.mover().restoreWhileDownloading(file, download.future, target, m.strategy(), replace, jobs,
              source.get(), journal, ctx.listener())
          : ctx.mover().restoreWhileDownloading(file, download.future, target, m.strategy(), replace, jobs, journal,
              ctx.listener());
      download.future.join();
    } catch (RuntimeException failure) {
      throw stopped(ctx, state, file, download, again, failure);
    }
    Dumps.inspected(ctx, state, file);
    RestoreStep.restored(ctx, state, result);
    DownloadedBackup dl = download.future.join();
    return result.totalRows() + " rows in " + result.rowsRestored().size() + " tables restored with "
        + result.strategy() + (complete ? " from the downloaded backup " : " while downloading backup ") + ref.id()
        + (ref.app().isEmpty() ? "" : " (listed on " + ref.app() + ")") + (again ? " again" : "") + " (" + dl.sizeBytes() + " bytes, SHA-256 " + dl.sha256() + ")" + (resumed ? " (" + kept.size()
        + " tables an earlier attempt finished were kept, not restored again)" : replace
        ? " (replacing what an earlier attempt wrote)" : "") + " in " + result.duration().toMillis() + " ms";
  }

  /**
   * After the restore or the download failed: the download stopped and its thread gone, an unfinished file
   * deleted, and the failure to throw, the download's own when it failed (the restore only stopped because
   * of it), with the restore's attached.
   */
  private static RuntimeException stopped(StepContext ctx, Journal.MoveState state, Path file, Download download,
      boolean again, RuntimeException failure) {
    // the mover learns of a broken download from the future, so when the download failed first it is done here
    boolean downloadFailedFirst = download.future.isCompletedExceptionally();
    Optional<RuntimeException> downloadFailure = download.stop();
    if (downloadFailure.isPresent()) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        failure.addSuppressed(e);
      }
    }
    if (!downloadFailedFirst || downloadFailure.isEmpty()) {
      return failure;
    }
    RuntimeException cause = downloadFailure.get();
    if (!(cause instanceof MigrationCancelledException)) {
      Dumps.downloadFailed(ctx, state, again);
    }
    if (cause != failure) {
      cause.addSuppressed(failure);
    }
    return cause;
  }

  /** A download on its own thread, read by a restore meanwhile (the restore step's, and a rehearsal's). */
  static final class Download {
    final CompletableFuture<DownloadedBackup> future;
    private final Thread thread;

    private Download(CompletableFuture<DownloadedBackup> future, Thread thread) {
      this.future = future;
      this.thread = thread;
    }

    static Download done(DownloadedBackup dl) {
      return new Download(CompletableFuture.completedFuture(dl), null);
    }

    /** Runs {@code work} on a daemon thread named {@code name}; {@link #future} completes with its outcome. */
    static Download start(String name, java.util.function.Supplier<DownloadedBackup> work) {
      CompletableFuture<DownloadedBackup> future = new CompletableFuture<>();
      Thread thread = new Thread(() -> {
        try {
          future.complete(work.get());
        } catch (Throwable t) {
          future.completeExceptionally(t);
        }
      }, name);
      thread.setDaemon(true);
      thread.start();
      return new Download(future, thread);
    }

    /** Interrupts the download if it still runs, waits for its thread to end, and returns its failure, if any. */
    Optional<RuntimeException> stop() {
      if (thread != null) {
        if (!future.isDone()) {
          thread.interrupt();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
          try {
            thread.join();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      try {
        future.join();
        return Optional.empty();
      } catch (CompletionException e) {
        return Optional.of(e.getCause() instanceof RuntimeException r ? r : e);
      } catch (java.util.concurrent.CancellationException e) {
        return Optional.of(e);
      }
    }
  }
}
