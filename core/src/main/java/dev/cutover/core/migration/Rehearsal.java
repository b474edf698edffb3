package dev.cutover.core.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.internal.AtomicFiles;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.core.spi.DownloadedBackup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MigrationPlan#rehearse()}: every PostgreSQL move done as the plan says, but with the source live (no
 * maintenance, no fence: nothing on the source changes) and into a scratch database
 * ({@code <target handle>-rehearsal}, created when missing, replaced when it holds an earlier rehearsal), each
 * phase timed, the result kept in {@code <workDirectory>/rehearsal.json} for the next plan to show. Writes no
 * journal: the migration itself is not started.
 */
final class Rehearsal {
  private static final Logger log = LoggerFactory.getLogger(Rehearsal.class);
  static final String FILE = "rehearsal.json";

  private final MigrationPlan plan;
  private final Wiring wiring;
  private final MigrationListener listener;
  private final List<RehearsalReport.Phase> phases = new ArrayList<>();

  private Rehearsal(MigrationPlan plan) {
    this.plan = plan;
    this.wiring = plan.wiring();
    this.listener = MigrationListener.safe(wiring.listener());
  }

  static RehearsalReport run(MigrationPlan plan) {
    List<RehearsalReport.Move> moves = new ArrayList<>();
    try (Tunnels tunnels = new Tunnels(plan.wiring().target(), plan.wiring().redactor())) {
      for (PostgresMove m : plan.dataMoves(PostgresMove.class)) {
        moves.add(new Rehearsal(plan).move(m, tunnels));
      }
    }
    RehearsalReport report = new RehearsalReport(plan.wiring().clock().instant(), plan.fingerprint(), moves);
    write(plan.workDirectory().resolve(FILE), report);
    log.debug("{}", report.render().strip()); // the caller prints the report it gets back, as with a run's report
    return report;
  }

  private RehearsalReport.Move move(PostgresMove m, Tunnels tunnels) {
    String scratch = m.targetHandle() + "-rehearsal";
    timed("create-database", false, () -> {
      wiring.target().ensureDatabase(scratch, m.target());
      return null;
    });
    PgConnection target = timed("tunnel", false, () -> tunnels.to(scratch).connection());
    RestoreResult result;
    long bytes;
    if (m.direct()) {
      PgConnection source = wiring.source().directConnection(m.source());
      wiring.redactor().register(source.password());
      result = timed("copy", true, () -> wiring.mover().copyDirect(source, target, true, CopyJournal.inMemory(), listener));
      bytes = m.source().dataSizeBytes();
    } else {
      BackupRef ref = timed("capture", true, () -> wiring.source().captureBackup(m.source().attachmentName(), listener));
      Dumps dumps = new Dumps(plan.workDirectory());
      DownloadedBackup dl;
      if (m.restoresWhileDownloading(wiring.mover())) {
        // as the run does it: one phase, the restore reading the archive as its bytes arrive
        Path file = dumps.inPlaceFile(m, ref);
        OverlapRestore.Download download = OverlapRestore.Download.start("cutover-rehearsal-download-" + m.id(),
            () -> wiring.source().downloadInPlace(ref, file, listener));
        try {
          result = timed("restore while downloading", true, () -> {
            RestoreResult r = wiring.mover().restoreWhileDownloading(file, download.future, target, m.strategy(),
                true, plan.options().jobs(), CopyJournal.inMemory(), listener);
            download.future.join();
            return r;
          });
          dl = download.future.join();
        } finally {
          // a download that failed or was stopped leaves a partial file: deleted even when dumps are kept
          if (download.stop().isPresent() || !plan.options().keepDump()) {
            deleteQuietly(file);
          }
        }
      } else {
        DownloadedBackup whole = timed("download", true, () -> wiring.source().download(ref, dumps.directory(), listener));
        try {
          result = timed("restore", true, () -> wiring.mover().restore(whole.file(), target, m.strategy(), true,
              plan.options().jobs(), listener));
        } finally {
          if (!plan.options().keepDump()) {
            deleteQuietly(whole.file());
          }
        }
        dl = whole;
      }
      bytes = dl.sizeBytes();
    }
    Optional<PgConnection> source = wiring.source().databaseUrl(m.source().attachmentName()).flatMap(url -> {
      wiring.redactor().register(url);
      try {
        return Optional.of(PgConnection.parse(url));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    });
    VerificationReport v = timed("verify", true, () -> {
      source.ifPresent(src -> wiring.mover().copyDatabaseSettings(src, target));
      return source.isPresent() ? wiring.mover().verify(target, source.get(), result)
          : wiring.mover().verify(target, result);
    });
    tunnels.close(scratch);
    String verification = v.passed() ? v.checks().size() + " checks passed against the " + v.against()
        : "mismatches against the " + v.against() + " (a source written to during the rehearsal differs; the real run"
        + " fences writes first)";
    return new RehearsalReport.Move(m.id(), m.strategy().name(), scratch, phases, result.totalRows(), bytes,
        v.passed(), wiring.redactor().redact(verification));
  }

  private <T> T timed(String phase, boolean inDowntime, Supplier<T> work) {
    Instant start = wiring.clock().instant();
    T value = work.get();
    phases.add(new RehearsalReport.Phase(phase, Duration.between(start, wiring.clock().instant()), inDowntime));
    return value;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("Could not delete the rehearsal's dump {}: {}", file, e.getMessage());
    }
  }

  /** The last rehearsal kept in {@code workDirectory}, when there is a readable one. */
  static Optional<RehearsalReport> read(Path workDirectory) {
    Path file = workDirectory.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> m = JsonMapping.PRETTY.readValue(AtomicFiles.read(file), JsonMapping.MAP);
      List<RehearsalReport.Move> moves = new ArrayList<>();
      for (Object o : (List<?>) m.get("moves")) {
        Map<?, ?> mv = (Map<?, ?>) o;
        List<RehearsalReport.Phase> phases = ((List<?>) mv.get("phases")).stream().map(p -> (Map<?, ?>) p)
            .map(p -> new RehearsalReport.Phase((String) p.get("name"), Duration.ofMillis(((Number) p.get("millis"))
                .longValue()), (Boolean) p.get("inDowntime"))).toList();
        moves.add(new RehearsalReport.Move((String) mv.get("id"), (String) mv.get("strategy"),
            (String) mv.get("scratchDatabase"), phases, ((Number) mv.get("rows")).longValue(),
            ((Number) mv.get("bytes")).longValue(), (Boolean) mv.get("verified"), (String) mv.get("verification")));
      }
      return Optional.of(new RehearsalReport(Instant.parse((String) m.get("at")), (String) m.get("planFingerprint"),
          moves));
    } catch (IOException | RuntimeException e) {
      log.warn("Ignoring the unreadable rehearsal {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }

  private static void write(Path file, RehearsalReport r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", r.at().toString());
    m.put("planFingerprint", r.planFingerprint());
    m.put("estimatedDowntimeMillis", r.estimatedDowntime().toMillis());
    m.put("moves", r.moves().stream().map(mv -> {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("id", mv.id());
      o.put("strategy", mv.strategy());
      o.put("scratchDatabase", mv.scratchDatabase());
      o.put("phases", mv.phases().stream().map(p -> Map.of("name", p.name(), "millis", p.took().toMillis(),
          "inDowntime", p.inDowntime())).toList());
      o.put("rows", mv.rows());
      o.put("bytes", mv.bytes());
      o.put("verified", mv.verified());
      o.put("verification", mv.verification());
      return o;
    }).toList());
    try {
      Files.createDirectories(file.getParent());
      AtomicFiles.write(file, JsonMapping.PRETTY.writeValueAsString(m), "rehearse");
    } catch (IOException e) {
      throw new MigrationException("rehearse", "rehearse: cannot write " + file + " (" + e.getMessage() + ")", false, e);
    }
  }
}
