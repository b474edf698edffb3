package dev.cutover.core.migration;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.WriteCounters;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.report.internal.AtomicFiles;
import dev.cutover.core.spi.RepoPreparation;
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
 * The durable state of one migration: written atomically at every step change so that a killed JVM
 * resumes at the first unfinished step. It is the current state only; the history (every attempt,
 * failure, downtime window and rollback) is in the append-only {@link EventLog} beside it, whose
 * last line's hash the journal keeps. Holds names, handles, timings and hashes, never a secret value.
 * Instants are ISO-8601 strings. Not thread-safe: only the lock holder's runner touches it.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
    isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
final class Journal {
  static final String FORMAT = "cutover-journal/2";

  /** One step's state. */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class StepState {
    StepStatus status = StepStatus.PENDING;
    int attempts;
    String startedAt;
    String finishedAt;
    long durationMillis;
    String summary = "";
    /** The run that set it RUNNING ({@code pid@host}, attempt n): named when another run finds it so. */
    String runner;
  }

  /** What one data move has done so far; reset when its data goes stale (a rollback). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class MoveState {
    String backupId;
    int backupNum;
    String dumpFile;
    String dumpSha256;
    long dumpSizeBytes;
    int recaptures;
    String archiveVersion;
    String archivePgDumpVersion;
    String archiveServerVersion;
    Map<String, Long> rowsRestored = new LinkedHashMap<>();
    Map<String, Integer> restoreExpectedErrors = new LinkedHashMap<>();
    List<String> restoreWarnings = new ArrayList<>();
    long restoreMillis;
    String restoredAt;
    int restoreAttempts;
    String verificationAgainst;
    /** The evidence's name ({@link VerificationReport.Evidence}); absent in journals that predate it. */
    String verificationEvidence;
    List<Map<String, String>> verificationChecks = new ArrayList<>();
    List<TableRow> verificationTables = new ArrayList<>();
    List<String> verificationExpectedLosses = new ArrayList<>();
    List<String> verificationNotProven = new ArrayList<>();
    long verificationMillis;
    String verifiedAt;
    /**
     * What a DIRECT copy, or a restore while downloading, finished, entry by entry as it committed (see
     * {@link MoveCopyJournal}); a resume skips it.
     */
    List<dev.cutover.core.spi.CopyJournal.Entry> copied = new ArrayList<>();
    /** The backup {@link #copied} was restored from (a restore while downloading); a resume from another backup starts over. */
    String copiedFromBackup;
    /** The backup whose download a restore while downloading started: when it fails again, a new backup is captured. */
    String downloadStarted;
    /** The app whose backups list holds {@link #backupId} (the database's owner): a resume downloads from it. */
    String backupApp;
    /** The source's write counters once the write fence proved the freeze; the verification compares with them. */
    Counters freezeBaseline;
    /** A Redis move's copy: its last checkpoint while it runs (where a resume starts), its result once finished. */
    dev.cutover.core.model.RedisCopyState redisCopy;

    void verification(VerificationReport report) {
      verificationAgainst = report.against();
      verificationEvidence = report.evidence().name();
      verificationChecks = new ArrayList<>();
      for (VerificationReport.Check c : report.checks()) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", c.kind());
        m.put("name", c.name());
        m.put("expected", c.expected());
        m.put("actual", c.actual());
        verificationChecks.add(m);
      }
      verificationTables = new ArrayList<>(report.tables().stream().map(t -> new TableRow(t.name(), t.kind(),
          t.expectedRows(), t.actualRows(), t.digest(), t.time().toMillis())).toList());
      verificationExpectedLosses = new ArrayList<>(report.expectedLosses());
      verificationNotProven = new ArrayList<>(report.notProven());
      verificationMillis = report.duration().toMillis();
    }

    Optional<VerificationReport> verification() {
      if (verificationAgainst == null) {
        return Optional.empty();
      }
      VerificationReport.Evidence evidence = verificationEvidence == null
          ? VerificationReport.Evidence.fromDescription(verificationAgainst)
          : VerificationReport.Evidence.valueOf(verificationEvidence);
      return Optional.of(new VerificationReport(evidence, verificationChecks.stream().map(m -> new VerificationReport.Check(
          m.get("kind"), m.get("name"), m.get("expected"), m.get("actual"))).toList(), verificationTables.stream()
          .map(t -> new VerificationReport.TableCheck(t.name(), t.kind(), t.expectedRows(), t.actualRows(), t.digest(),
              Duration.ofMillis(t.millis()))).toList(), verificationExpectedLosses, verificationNotProven,
          Duration.ofMillis(verificationMillis)));
    }
  }

  /** A {@link WriteCounters} snapshot as the journal keeps it (names and numbers only). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Counters {
    String database;
    String takenAt;
    long commits;
    String statsResetAt;
    /** Table to its rows inserted, updated, deleted. */
    Map<String, long[]> tables = new LinkedHashMap<>();
    List<String> otherSessions = new ArrayList<>();
    long flushDelayMillis;

    static Counters of(WriteCounters c) {
      Counters out = new Counters();
      out.database = c.database();
      out.takenAt = c.takenAt().toString();
      out.commits = c.commits();
      out.statsResetAt = c.statsResetAt();
      new java.util.TreeMap<>(c.tables()).forEach((t, w) -> out.tables.put(t, new long[] {w.inserted(), w.updated(),
          w.deleted()}));
      out.otherSessions = new ArrayList<>(c.otherSessions());
      out.flushDelayMillis = c.flushDelay().toMillis();
      return out;
    }

    WriteCounters toCounters() {
      Map<String, WriteCounters.TableWrites> t = new LinkedHashMap<>();
      tables.forEach((name, w) -> t.put(name, new WriteCounters.TableWrites(w[0], w[1], w[2])));
      return new WriteCounters(database, java.time.Instant.parse(takenAt), commits, statsResetAt, t, otherSessions,
          java.time.Duration.ofMillis(flushDelayMillis));
    }
  }

  /** One table's line of a verification: rows on both sides, how the content digests compared, how long it took. */
  record TableRow(String name, String kind, long expectedRows, long actualRows, VerificationReport.Digest digest,
      long millis) {}

  /** Something a step changed on the source, and how the rollback gives it back (see {@link Step#undo}). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Undo {
    String step;
    String key;
    String description;
    Map<String, String> params = new LinkedHashMap<>();
    String registeredAt;
    String doneAt;
  }

  /** An endpoint the run created: one per domain, each with its own DNS target. */
  record Endpoint(String service, String domain, String dnsTarget, boolean custom) {}

  String format = FORMAT;
  String migrationId;
  String identity;
  String source;
  String targetEnvironment;
  String targetApp;
  String databaseHandle;
  /** The target handles of the Redis moves, in plan order: a resume needs a Redis mover when not empty. */
  List<String> redisHandles = new ArrayList<>();
  String createdAt;
  String updatedAt;
  MigrationOptions options;
  int attempts;
  /** The fingerprint of the plan the last attempt ran: a resume with another plan logs what changed. */
  String lastFingerprint;
  Map<String, StepState> steps = new LinkedHashMap<>();
  Map<String, MoveState> moves = new LinkedHashMap<>();
  List<Undo> undo = new ArrayList<>();
  List<Endpoint> endpoints = new ArrayList<>();
  List<String> configSet = new ArrayList<>();
  /** The repository decision prepare-repo carried out: a resumed plan shows it, not the nothing left to write. */
  RepoPreparation.Preview repo;
  List<String> servicesScaled = new ArrayList<>();
  String deployedRevision;
  String maintenanceOnAt;
  String completedAt;
  String rolledBackAt;
  long eventLines;
  String eventHead;

  StepState step(MigrationStep step) {
    return steps.computeIfAbsent(step.id(), k -> new StepState());
  }

  MoveState move(String id) {
    return moves.computeIfAbsent(id, k -> new MoveState());
  }

  /** The first step that is not done or skipped. */
  Optional<MigrationStep> firstUnfinished() {
    for (MigrationStep s : MigrationStep.values()) {
      StepStatus st = step(s).status;
      if (st != StepStatus.DONE && st != StepStatus.SKIPPED) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether the source app is in maintenance mode because of this migration (a downtime window is open). */
  boolean inMaintenance() {
    return maintenanceOnAt != null;
  }

  /** Writes the journal atomically (temporary file, fsync, rename). */
  void save(Path file) {
    try {
      AtomicFiles.write(file, JsonMapping.PRETTY.writeValueAsString(this), "journal");
    } catch (JsonProcessingException e) {
      throw new MigrationException("journal", "journal: cannot render (" + e.getOriginalMessage() + ")", false, e);
    }
  }

  /** Whether a journal file exists at {@code file}. */
  static boolean exists(Path file) {
    return Files.isRegularFile(file);
  }

  /**
   * Reads the journal at {@code file}.
   *
   * @throws ValidationException when it is unreadable, corrupt, of another format or not a Cutover journal
   */
  static Journal load(Path file) {
    String text;
    try {
      text = AtomicFiles.read(file);
    } catch (IOException e) {
      throw problem(file, "cannot be read (" + e.getClass().getSimpleName() + ")", "check its permissions");
    }
    Journal j;
    try {
      j = JsonMapping.PRETTY.readValue(text, Journal.class);
    } catch (IOException e) {
      throw problem(file, "is corrupt: not valid journal JSON (" + firstLine(e.getMessage()) + ")",
          "restore it from a backup, or move it away to start a new migration after checking what exists on the target");
    }
    if (j != null && j.format != null && j.format.startsWith("cutover-journal/") && !FORMAT.equals(j.format)) {
      throw problem(file, "was written by another version of Cutover (format " + j.format + ", this one reads " + FORMAT
          + ")", "finish or roll back that migration with the version that started it");
    }
    if (j == null || !FORMAT.equals(j.format) || j.migrationId == null || j.identity == null) {
      throw problem(file, "is not a Cutover journal (format must be " + FORMAT + " with a migration id)",
          "pass the journal this migration wrote, or move this file away");
    }
    for (String id : j.steps.keySet()) {
      if (MigrationStep.byId(id).isEmpty()) {
        throw problem(file, "is corrupt: unknown step '" + id + "'", "restore it from a backup");
      }
    }
    j.options = j.options == null ? MigrationOptions.defaults() : j.options;
    return j;
  }

  static ValidationException problem(Path file, String what, String fix) {
    return new ValidationException("journal", List.of(new ValidationException.Problem("journal", file.toString(),
        what, fix)));
  }

  static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
