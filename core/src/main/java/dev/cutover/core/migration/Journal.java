package dev.cutover.core.migration;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.report.internal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The durable state of one migration: written atomically after every step change so that a killed
 * JVM resumes at the first unfinished step. Holds names, handles, timings and hashes, never a secret
 * value. Instants are ISO-8601 strings. Not thread-safe: only the pipeline's thread touches it.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
@JsonIgnoreProperties(ignoreUnknown = true)
final class Journal {
  static final String FORMAT = "cutover-journal/1";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

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
  }

  /** The options a resume needs to rebuild the same migration (no secrets: registry credentials are not kept). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  @JsonIgnoreProperties(ignoreUnknown = true)
  static final class Options {
    String restoreStrategy;
    String deployKind;
    String deployRepo;
    String deployBranch;
    String deploySshKey;
    String deployImage;
    String databaseType;
    String databaseVersion;
    int databaseDiskGb;
    int databaseContainerMb;
    String workDirectory;
    boolean keepDump;
    boolean replaceExisting;
    Map<String, Integer> containerSizeOverrides = new LinkedHashMap<>();
    int port;
  }

  String format = FORMAT;
  String migrationId;
  String fingerprint;
  String source;
  String targetEnvironment;
  String targetApp;
  String databaseHandle;
  String createdAt;
  String updatedAt;
  Options options = new Options();
  Map<String, StepState> steps = new LinkedHashMap<>();

  String maintenanceOnAt;
  String maintenanceOffAt;
  String deployedAt;
  String rolledBackAt;

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

  String verificationAgainst;
  List<Map<String, String>> verificationChecks = new ArrayList<>();

  List<String> configCopied = new ArrayList<>();
  Map<String, String> endpoints = new LinkedHashMap<>();
  List<String> repoChanges = new ArrayList<>();

  StepState step(MigrationStep step) {
    return steps.computeIfAbsent(step.id(), k -> new StepState());
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

  void verification(VerificationReport report) {
    verificationAgainst = report.against();
    verificationChecks = new ArrayList<>();
    for (VerificationReport.Check c : report.checks()) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("kind", c.kind());
      m.put("name", c.name());
      m.put("expected", c.expected());
      m.put("actual", c.actual());
      verificationChecks.add(m);
    }
  }

  Optional<VerificationReport> verification() {
    if (verificationAgainst == null) {
      return Optional.empty();
    }
    return Optional.of(new VerificationReport(verificationAgainst, verificationChecks.stream()
        .map(m -> new VerificationReport.Check(m.get("kind"), m.get("name"), m.get("expected"), m.get("actual")))
        .toList()));
  }

  /** Writes the journal atomically (temporary file, fsync, rename). */
  void save(Path file) {
    try {
      AtomicFiles.write(file, JSON.writeValueAsString(this), "journal");
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
   * @throws ValidationException when it is unreadable, corrupt or not a Cutover journal
   */
  static Journal load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw problem(file, "cannot be read (" + e.getClass().getSimpleName() + ")", "check its permissions");
    }
    Journal j;
    try {
      j = JSON.readValue(text, Journal.class);
    } catch (IOException e) {
      throw problem(file, "is corrupt: not valid journal JSON (" + firstLine(e.getMessage()) + ")",
          "restore it from a backup, or move it away to start a new migration after checking what exists on the target");
    }
    if (j == null || !FORMAT.equals(j.format) || j.migrationId == null || j.fingerprint == null) {
      throw problem(file, "is not a Cutover journal (format must be " + FORMAT + " with a migration id)",
          "pass the journal this migration wrote, or move this file away");
    }
    for (String id : j.steps.keySet()) {
      if (MigrationStep.byId(id).isEmpty()) {
        throw problem(file, "is corrupt: unknown step '" + id + "'", "restore it from a backup");
      }
    }
    return j;
  }

  static ValidationException problem(Path file, String what, String fix) {
    return new ValidationException("journal", List.of(new ValidationException.Problem("journal", file.toString(),
        what, fix)));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
