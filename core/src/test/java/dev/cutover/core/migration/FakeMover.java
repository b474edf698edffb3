package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.core.spi.DatabaseMover;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Restores the fake dump format ({@code table=rows} lines) into an in-memory "target database" that
 * appends rows like a real COPY would, so a second restore without replacing duplicates rows.
 */
final class FakeMover implements DatabaseMover {
  final Faults faults;
  final FakeSource source;
  final Map<String, Long> targetRows = new LinkedHashMap<>();
  final List<Boolean> replaceFlags = new ArrayList<>();
  final List<Integer> jobsSeen = new ArrayList<>();
  /** Thrown from restore after half the tables were written, when set: simulates a killed JVM. */
  Error crashDuringRestore;
  boolean corruptVerification;
  /** Thrown from copyDirect after two tables were copied and journalled, when set: simulates a killed JVM. */
  Error crashDuringCopy;
  final List<List<String>> copiedPerCall = new ArrayList<>();
  /** Called with each write-counter read's number (1, 2, ...) before it reads: a test writes into the source there. */
  java.util.function.IntConsumer beforeWriteCounters = n -> { };
  int writeCounterReads;
  /** Ignores the source and the archive, as a mover that only counts rows would. */
  boolean countsOnly;
  /** Whether it says PARALLEL restores while downloading, as PgMigrator does; false: a mover keeping the waiting default. */
  boolean overlaps = true;

  FakeMover(Faults faults, FakeSource source) {
    this.faults = faults;
    this.source = source;
  }

  @Override
  public boolean restoresWhileDownloading(RestoreStrategy strategy) {
    return overlaps && strategy == RestoreStrategy.PARALLEL;
  }

  @Override
  public ArchiveSummary inspect(Path archive) {
    faults.call("inspect");
    Map<String, Long> tables = read(archive);
    return new ArchiveSummary("1.15", "gzip", "16.4", "16.4", "d1", sizeOf(archive), List.copyOf(tables.keySet()),
        List.of("plpgsql"), List.of("public"), tables.size() * 3, 0);
  }

  @Override
  public void checkCanRestore(dev.cutover.core.model.PostgresInfo source, RestoreStrategy strategy) {
    faults.call("checkCanRestore");
  }

  @Override
  public void checkCanRestore(ArchiveSummary archive, RestoreStrategy strategy) {
    faults.call("checkCanRestore");
  }

  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      MigrationListener listener) {
    faults.calls.add("restore");
    replaceFlags.add(replaceExisting);
    if (!targetRows.isEmpty()) {
      if (!replaceExisting) {
        throw new MigrationException("restore", "restore: the target database is not empty (" + targetRows.keySet()
            + "); pass replaceExisting to replace it", false, null);
      }
      targetRows.clear();
    }
    Map<String, Long> tables = read(archive);
    int i = 0;
    for (Map.Entry<String, Long> e : tables.entrySet()) {
      targetRows.merge(e.getKey(), e.getValue(), Long::sum);
      if (++i == tables.size() / 2 + 1) {
        if (crashDuringRestore != null) {
          Error crash = crashDuringRestore;
          crashDuringRestore = null;
          throw crash;
        }
        if (faults.shouldFail("restore")) {
          throw new MigrationException("restore", "restore: injected failure after " + i + " tables", true, null);
        }
      }
    }
    return new RestoreResult(strategy, Duration.ofMillis(5), tables, Map.of("role does not exist", 2),
        List.of("grants to role u1 dropped (no such role on the target)"));
  }

  /** Records the parallelism asked for, then restores as above. */
  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, MigrationListener listener) {
    jobsSeen.add(jobs);
    return restore(archive, target, strategy, replaceExisting, listener);
  }

  @Override
  public void checkCanCopyDirect(PgConnection sourceDb) {
    faults.call("checkCanCopyDirect");
  }

  /**
   * Copies {@link FakeSource#tables} into the target table by table, appending a {@code TABLE DATA} entry as
   * each "commits", and skipping the tables {@code journal} already holds (checking their rows, as the real
   * mover does). {@link #copiedPerCall} records which tables each call copied.
   */
  @Override
  public RestoreResult copyDirect(PgConnection sourceDb, PgConnection target, boolean replaceExisting,
      CopyJournal journal, MigrationListener listener) {
    faults.calls.add("copyDirect");
    replaceFlags.add(replaceExisting);
    Map<String, Long> done = new LinkedHashMap<>();
    journal.entries().forEach(e -> done.put(e.item().substring("TABLE DATA ".length()), e.rows()));
    if (done.isEmpty() && !targetRows.isEmpty()) {
      if (!replaceExisting) {
        throw new MigrationException("restore", "restore: the target database is not empty", false, null);
      }
      targetRows.clear();
    }
    done.forEach((t, n) -> {
      if (!n.equals(targetRows.get(t))) {
        throw new MigrationException("restore", "restore: " + t + " no longer holds what the journal says", false, null);
      }
    });
    List<String> copied = new ArrayList<>();
    copiedPerCall.add(copied);
    int i = 0;
    for (Map.Entry<String, Long> e : source.tables.entrySet()) {
      if (done.containsKey(e.getKey())) {
        continue;
      }
      targetRows.put(e.getKey(), e.getValue());
      journal.append(new CopyJournal.Entry("TABLE DATA " + e.getKey(), e.getValue(), ""));
      copied.add(e.getKey());
      if (++i == 2 && crashDuringCopy != null) {
        Error crash = crashDuringCopy;
        crashDuringCopy = null;
        throw crash;
      }
    }
    return new RestoreResult(RestoreStrategy.DIRECT, Duration.ofMillis(5), source.tables, Map.of(), List.of());
  }

  @Override
  public Map<String, String> copyDatabaseSettings(PgConnection sourceDb, PgConnection target) {
    faults.call("copyDatabaseSettings");
    return Map.of("search_path", "public");
  }

  /** The request of the last verification. */
  VerificationRequest lastVerification;

  @Override
  public VerificationReport verify(PgConnection target, PgConnection sourceDb, RestoreResult restored) {
    return verify(VerificationRequest.of(target).source(sourceDb).restored(restored));
  }

  @Override
  public VerificationReport verify(PgConnection target, RestoreResult restored) {
    return verify(VerificationRequest.of(target).restored(restored));
  }

  /**
   * Compares the in-memory target with the fake source table by table, as a content digest would:
   * live-source evidence when the request has a source, archive evidence when it has only an archive,
   * counts only otherwise. {@link #corruptVerification} makes every table's target differ.
   */
  @Override
  public VerificationReport verify(VerificationRequest request) {
    faults.call("verify");
    lastVerification = request;
    VerificationReport.Evidence evidence = countsOnly ? VerificationReport.Evidence.COUNTS_ONLY
        : request.source().isPresent() ? VerificationReport.Evidence.LIVE_SOURCE
        : request.archive().isPresent() ? VerificationReport.Evidence.BACKUP_ARCHIVE : VerificationReport.Evidence.COUNTS_ONLY;
    List<VerificationReport.Check> checks = new ArrayList<>();
    List<VerificationReport.TableCheck> tables = new ArrayList<>();
    source.tables.forEach((t, n) -> {
      long actual = corruptVerification ? n - 1 : targetRows.getOrDefault(t, 0L);
      checks.add(new VerificationReport.Check("rows", t, Long.toString(n), Long.toString(actual)));
      VerificationReport.Digest digest = !evidence.provesContent() ? VerificationReport.Digest.NOT_COMPARED
          : actual == n ? VerificationReport.Digest.MATCH : VerificationReport.Digest.MISMATCH;
      if (evidence.provesContent()) {
        checks.add(new VerificationReport.Check("content", t, "digest " + n, "digest " + actual));
      }
      tables.add(new VerificationReport.TableCheck(t, "table", n, actual, digest, Duration.ofMillis(3)));
    });
    return new VerificationReport(evidence, checks, tables, List.of("grant SELECT on public.orders to analyst (no such role on the target)"),
        evidence == VerificationReport.Evidence.LIVE_SOURCE ? List.of() : List.of("extension versions (an archive does not record them)"),
        Duration.ofMillis(12));
  }

  /** The source tables' rows as rows inserted, no flush delay: a changed table shows as written. */
  @Override
  public Optional<dev.cutover.core.model.WriteCounters> writeCounters(PgConnection database) {
    faults.call("writeCounters");
    beforeWriteCounters.accept(++writeCounterReads);
    Map<String, dev.cutover.core.model.WriteCounters.TableWrites> t = new LinkedHashMap<>();
    source.tables.forEach((name, rows) -> t.put(name, new dev.cutover.core.model.WriteCounters.TableWrites(rows, 0, 0)));
    return Optional.of(new dev.cutover.core.model.WriteCounters("d1", java.time.Instant.now(), 2L * writeCounterReads, "",
        t, List.of(), Duration.ZERO));
  }

  private static Map<String, Long> read(Path archive) {
    Map<String, Long> tables = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(archive)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          tables.put(line.substring(0, eq), Long.parseLong(line.substring(eq + 1)));
        }
      }
    } catch (IOException e) {
      throw new MigrationException("restore", "restore: cannot read " + archive, false, e);
    }
    return tables;
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }
}
