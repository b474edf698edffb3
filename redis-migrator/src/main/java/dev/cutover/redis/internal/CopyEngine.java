package dev.cutover.redis.internal;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Runs a copy: checks both servers, then walks each logical database with several
 * {@link CopyWorker}s, journalling a {@link RedisCopyState} as the watermark moves.
 */
public final class CopyEngine {
  private static final String STEP = "redis.copy";
  private static final long JOURNAL_EVERY_MS = 1000;
  private static final long PROGRESS_EVERY_MS = 500;

  private final Settings settings;
  private final Clock clock;

  /**
   * @param settings connections, batch sizes, timeouts
   * @param clock wall clock for the state's timestamps
   */
  public CopyEngine(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Connections, batch sizes and the timeout, as validated by the public builder. */
  public record Settings(int connections, int batchKeys, long batchBytes, Duration timeout) {}

  /** See {@code RedisMover.copy}. */
  public RedisCopyState copy(RedisConnection source, RedisConnection target, Optional<RedisCopyState> resumeFrom,
      boolean replaceExisting, Consumer<RedisCopyState> journal, MigrationListener listener) {
    CertificatePin sourcePin = new CertificatePin(source.certificatePin().isEmpty()
        ? resumeFrom.map(RedisCopyState::certificatePin).orElse("") : source.certificatePin());
    CertificatePin targetPin = new CertificatePin(target.certificatePin());
    List<Walk.Worker> workers = new ArrayList<>();
    try (Link scanner = Link.open(STEP, "source", source, sourcePin, settings.timeout());
        Link control = Link.open(STEP, "target", target, targetPin, settings.timeout())) {
      RedisServerInfo from = Info.read(scanner, sourcePin.pin());
      RedisServerInfo to = Info.read(control, targetPin.pin());
      checkTarget(from, to);
      RedisCopyState state = start(from, to, resumeFrom, replaceExisting, control, listener);
      for (RedisCopyState.Database d : state.databases()) {
        control.select(d.db());
        control.readSelect();
      }
      journal.accept(state);
      for (int i = 0; i < settings.connections(); i++) {
        workers.add(new CopyWorker(Link.open(STEP, "source", source, sourcePin, settings.timeout()),
            Link.open(STEP, "target", target, targetPin, settings.timeout()), settings.batchBytes()));
      }
      Progress progress = new Progress(state, from.keys(), journal, listener);
      try (Walk walk = new Walk(STEP, workers)) {
        workers.clear();
        for (RedisCopyState.Database d : state.databases()) {
          if (!d.done()) {
            walk.run(scanner, d.db(), d.cursor(), settings.batchKeys(), (cursor, done, tally) -> progress.advanced(
                new RedisCopyState.Database(d.db(), cursor, done, d.keys() + tally.keys(), d.bytes() + tally.bytes(),
                    d.expired() + tally.expired())));
          }
        }
      }
      RedisCopyState finished = progress.state.finishedAt(clock.millis());
      journal.accept(finished);
      progress.report(true);
      return finished;
    } finally {
      workers.forEach(Walk.Worker::close);
    }
  }

  private static void checkTarget(RedisServerInfo from, RedisServerInfo to) {
    if (Versions.compare(to.version(), from.version()) < 0) {
      throw new MigrationException(STEP, STEP + ": the target runs Redis " + to.version() + ", older than the source's "
          + from.version() + ": it cannot read the source's DUMP format. Create the target with version "
          + from.majorMinor() + " or newer", false, null);
    }
    if (to.maxmemoryBytes() > 0 && to.maxmemoryBytes() < from.usedMemoryBytes()) {
      throw new MigrationException(STEP, STEP + ": the target's maxmemory (" + mb(to.maxmemoryBytes()) + " MB) is"
          + " smaller than the memory the source uses (" + mb(from.usedMemoryBytes()) + " MB), so the copy would run"
          + " out of memory. Give the target a larger container, then copy", false, null);
    }
  }

  private RedisCopyState start(RedisServerInfo from, RedisServerInfo to, Optional<RedisCopyState> resumeFrom,
      boolean replaceExisting, Link control, MigrationListener listener) {
    List<RedisCopyState.Database> fresh = new ArrayList<>();
    from.keyspace().forEach((db, ks) -> fresh.add(new RedisCopyState.Database(db, "0", false, 0, 0, 0)));
    if (resumeFrom.isPresent()) {
      RedisCopyState previous = resumeFrom.get();
      if (previous.sourceRunId().equals(from.runId()) && previous.targetRunId().equals(to.runId())) {
        return previous;
      }
      warn(listener, "a server restarted since the copy began (run_id changed), so its SCAN cursors are void:"
          + " copying every database again from the start (keys already copied are replaced)");
      return new RedisCopyState(from.runId(), to.runId(), from.certificatePin(), previous.startedAtEpochMs(), 0, fresh);
    }
    if (to.keys() > 0) {
      if (!replaceExisting) {
        throw new MigrationException(STEP, STEP + ": the target Redis is not empty (" + to.keys() + " keys in "
            + to.keyspace().keySet().stream().map(db -> "db" + db).toList() + "). Copy into an empty database, or pass"
            + " replaceExisting to empty it first", false, null);
      }
      for (Map.Entry<Integer, RedisServerInfo.Keyspace> e : to.keyspace().entrySet()) {
        control.select(e.getKey());
        control.readSelect();
        control.call(Link.Cmd.FLUSHDB);
      }
      warn(listener, "emptied the target Redis (" + to.keys() + " keys) before copying, as asked (replaceExisting)");
    }
    return new RedisCopyState(from.runId(), to.runId(), from.certificatePin(), clock.millis(), 0, fresh);
  }

  private static void warn(MigrationListener listener, String message) {
    MigrationListener.safe(listener).warning(new MigrationEvent.Warning(STEP, java.time.Instant.now(), message));
  }

  private static long mb(long bytes) {
    return bytes / (1024 * 1024);
  }

  /** The state as the watermarks move; journals and reports at most every second / half second. */
  private final class Progress {
    private RedisCopyState state;
    private final long totalKeys;
    private final Consumer<RedisCopyState> journal;
    private final MigrationListener listener;
    private long journalledAt;
    private long reportedAt;

    Progress(RedisCopyState state, long totalKeys, Consumer<RedisCopyState> journal, MigrationListener listener) {
      this.state = state;
      this.totalKeys = totalKeys;
      this.journal = journal;
      this.listener = MigrationListener.safe(listener);
    }

    void advanced(RedisCopyState.Database db) {
      state = state.with(db);
      long now = clock.millis();
      if (db.done() || now - journalledAt >= JOURNAL_EVERY_MS) {
        journal.accept(state);
        journalledAt = now;
      }
      if (now - reportedAt >= PROGRESS_EVERY_MS) {
        report(false);
        reportedAt = now;
      }
    }

    void report(boolean end) {
      java.time.Instant at = clock.instant();
      listener.progress(new MigrationEvent.Progress(STEP, at, "keys", state.keys(), Math.max(totalKeys, state.keys())));
      listener.progress(new MigrationEvent.Progress(STEP, at, "bytes", state.bytes(), end ? state.bytes() : -1));
    }
  }

  @Override
  public String toString() {
    return "CopyEngine[" + settings + "]";
  }
}
