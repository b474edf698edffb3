package dev.cutover.redis.internal;

import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.VerificationReport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Runs a verification: walks every logical database of the source (each key on the target, same
 * type, value and TTL) and then of the target (each key also on the source), with several
 * {@link VerifyWorker}s. Read-only on both servers.
 */
public final class VerifyEngine {
  private static final String STEP = "redis.verify";

  private final CopyEngine.Settings settings;
  private final Clock clock;

  /**
   * @param settings connections, batch sizes, timeouts
   * @param clock wall clock, for the duration of an unfinished copy
   */
  public VerifyEngine(CopyEngine.Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** See {@code RedisMover.verify}. */
  public VerificationReport verify(RedisConnection source, RedisConnection target, RedisCopyState copied) {
    CertificatePin sourcePin = new CertificatePin(source.certificatePin().isEmpty() ? copied.certificatePin()
        : source.certificatePin());
    CertificatePin targetPin = new CertificatePin(target.certificatePin());
    long started = clock.millis();
    long toleranceMs = copied.duration(started).toMillis() + VerifyWorker.SLACK_MS;
    Findings findings = new Findings();
    List<VerifyWorker> workers = new ArrayList<>();
    try (Link sourceScan = Link.open(STEP, "source", source, sourcePin, settings.timeout());
        Link targetScan = Link.open(STEP, "target", target, targetPin, settings.timeout())) {
      RedisServerInfo from = Info.read(sourceScan, sourcePin.pin());
      RedisServerInfo to = Info.read(targetScan, targetPin.pin());
      TreeSet<Integer> databases = new TreeSet<>(from.keyspace().keySet());
      databases.addAll(to.keyspace().keySet());
      for (int i = 0; i < settings.connections(); i++) {
        workers.add(new VerifyWorker(Link.open(STEP, "source", source, sourcePin, settings.timeout()),
            Link.open(STEP, "target", target, targetPin, settings.timeout()), findings, toleranceMs,
            settings.batchBytes()));
      }
      try (Walk walk = new Walk(STEP, workers)) {
        for (int db : databases) {
          workers.forEach(w -> w.walkSourceKeys(true));
          walk.run(sourceScan, db, "0", settings.batchKeys(), (cursor, done, tally) -> {});
          workers.forEach(w -> w.walkSourceKeys(false));
          walk.run(targetScan, db, "0", settings.batchKeys(), (cursor, done, tally) -> {});
        }
        workers.clear();
      }
      // DUMP payload digests of every key, read from the live source: content evidence, not counts
      return new VerificationReport(VerificationReport.Evidence.LIVE_SOURCE, findings.checks(databases), List.of(),
          List.of(), List.of(), java.time.Duration.ofMillis(Math.max(0, clock.millis() - started)));
    } finally {
      workers.forEach(VerifyWorker::close);
    }
  }

  @Override
  public String toString() {
    return "VerifyEngine[" + settings + "]";
  }
}
