package dev.cutover.core.report;

import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.internal.AtomicFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The record of one migration, as filed for change control: its whole history (every attempt with
 * who ran it from which host, every downtime window, every failure and rollback, taken from the
 * append-only event log), every step with its start, end and outcome, the verification table,
 * which config vars were copied (names only) and skipped (with why), add-ons not migrated, DNS
 * records to change (one per domain, each to its own endpoint), what exists on the target,
 * follow-ups, tool versions, the deployed revision, the approved plan's fingerprint and the dump's
 * SHA-256. It never holds a secret value.
 *
 * <p>Immutable. {@link #toJson()} and {@link #toMarkdown()} render it; {@link #write(Path, Path)}
 * writes both atomically. Built by the migration engine through {@link #builder()}.
 */
public final class MigrationReport {
  /** How the migration ended (so far). */
  public enum Outcome {
    /** Every step is done; the source stays in maintenance until DNS is switched. */
    COMPLETED,
    /** A step failed; {@code resume()} continues from it. */
    FAILED,
    /** Rolled back: the source is primary again; what remains on the target is listed. */
    ROLLED_BACK
  }

  /**
   * One step as it stands.
   *
   * @param number the step's number in the pipeline (1 to 14)
   * @param step its name, e.g. {@code restore}
   * @param status how it stands
   * @param duration time spent in its last attempt
   * @param attempts how many times it was started
   * @param summary what it did, or the (redacted) failure message
   * @param startedAt when its last attempt started
   * @param finishedAt when its last attempt ended
   */
  public record StepOutcome(int number, String step, StepStatus status, Duration duration, int attempts,
      String summary, Optional<Instant> startedAt, Optional<Instant> finishedAt) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public StepOutcome {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(finishedAt, "finishedAt");
    }
  }

  /**
   * One run, resume or rollback of the migration, from the event log.
   *
   * @param number 1 for the first, then one more for each
   * @param command {@code run}, {@code resume} or {@code rollback}
   * @param operator who ran it, {@code user@host}
   * @param startedAt when it started
   * @param endedAt when it ended; empty while it runs, or when its process was killed
   * @param outcome {@code COMPLETED}, {@code FAILED}, {@code CANCELLED}, {@code ROLLED_BACK},
   *     {@code RUNNING}, or {@code KILLED} (a later attempt found it gone)
   * @param planFingerprint the fingerprint of the plan it ran
   */
  public record Attempt(int number, String command, String operator, Instant startedAt, Optional<Instant> endedAt,
      String outcome, String planFingerprint) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public Attempt {
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(operator, "operator");
      Objects.requireNonNull(startedAt, "startedAt");
      Objects.requireNonNull(endedAt, "endedAt");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(planFingerprint, "planFingerprint");
    }
  }

  /**
   * A time the source was in maintenance mode for this migration.
   *
   * @param start maintenance on
   * @param end the app deployed on the target, or maintenance off (a rollback); empty while open
   * @param endedBy what ended it ({@code deployed}, {@code maintenance off}), or {@code open}
   */
  public record DowntimeWindow(Instant start, Optional<Instant> end, String endedBy) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public DowntimeWindow {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(endedBy, "endedBy");
    }

    /** The window's length, once it has ended. */
    public Optional<Duration> length() {
      return end.map(e -> Duration.between(start, e));
    }
  }

  /**
   * A step that failed.
   *
   * @param attempt the attempt it failed in
   * @param step the step
   * @param at when
   * @param message the (redacted) failure message
   */
  public record Failure(int attempt, String step, Instant at, String message) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public Failure {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A rollback: what it undid and what it left on the target.
   *
   * @param attempt the attempt it was
   * @param at when it finished
   * @param operator who ran it, {@code user@host}
   * @param undone what it did, in order
   * @param remaining what remains on the target afterwards
   */
  public record Rollback(int attempt, Instant at, String operator, List<String> undone, List<String> remaining) {
    /** Validates the components and copies the lists. */
    public Rollback {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(operator, "operator");
      undone = List.copyOf(undone);
      remaining = List.copyOf(remaining);
    }
  }

  /**
   * A config var and why it was treated as it was. Never a value.
   *
   * @param name the variable's name
   * @param reason why it was skipped or flagged
   */
  public record ConfigEntry(String name, String reason) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public ConfigEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * An add-on the migration did not move.
   *
   * @param name add-on name
   * @param service e.g. {@code scheduler}
   * @param plan e.g. {@code scheduler:standard}
   * @param action what to do by hand
   */
  public record AddonEntry(String name, String service, String plan, String action) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public AddonEntry {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(action, "action");
    }
  }

  /**
   * A DNS record the user must change to send traffic to the target.
   *
   * @param hostname e.g. {@code www.example.com}
   * @param type e.g. {@code CNAME}
   * @param value e.g. {@code elb-env-123.aptible.in}, the endpoint serving that hostname
   */
  public record DnsRecord(String hostname, String type, String value) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public DnsRecord {
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  final Builder b;

  private MigrationReport(Builder b) {
    Objects.requireNonNull(b.migrationId, "migrationId");
    Objects.requireNonNull(b.source, "source");
    Objects.requireNonNull(b.target, "target");
    Objects.requireNonNull(b.outcome, "outcome");
    Objects.requireNonNull(b.generatedAt, "generatedAt");
    this.b = b.copy();
  }

  /** A builder; used by the migration engine, and by tests that need a report. */
  public static Builder builder() {
    return new Builder();
  }

  /** The migration's id, as in the journal. */
  public String migrationId() {
    return b.migrationId;
  }

  /** The source app's name. */
  public String source() {
    return b.source;
  }

  /** The target as {@code environment/app}. */
  public String target() {
    return b.target;
  }

  /** How the migration ended (so far). */
  public Outcome outcome() {
    return b.outcome;
  }

  /** One line on how it ended and what to do next. */
  public String summary() {
    return b.summary;
  }

  /** Whether the source app is in maintenance mode (for this migration) as this report is written. */
  public boolean sourceInMaintenance() {
    return b.sourceInMaintenance;
  }

  /** Who ran the latest attempt, {@code user@host}. */
  public String operator() {
    return b.operator;
  }

  /** The fingerprint of the plan the latest attempt ran (the approved one, when it was approved). */
  public String planFingerprint() {
    return b.planFingerprint;
  }

  /** What was deployed: the git commit pushed or the image reference. */
  public Optional<String> deployedRevision() {
    return Optional.ofNullable(b.deployedRevision);
  }

  /** Every step, in pipeline order. */
  public List<StepOutcome> steps() {
    return b.steps;
  }

  /** The step named {@code name}. */
  public Optional<StepOutcome> step(String name) {
    return b.steps.stream().filter(s -> s.step().equals(name)).findFirst();
  }

  /** Every attempt, oldest first. */
  public List<Attempt> attempts() {
    return b.attempts;
  }

  /** Every downtime window, oldest first. */
  public List<DowntimeWindow> downtimeWindows() {
    return b.windows;
  }

  /** Every failure, oldest first. */
  public List<Failure> failures() {
    return b.failures;
  }

  /** Every rollback, oldest first. */
  public List<Rollback> rollbacks() {
    return b.rollbacks;
  }

  /** The start of the latest downtime window (maintenance on). */
  public Optional<Instant> downtimeStart() {
    return b.windows.isEmpty() ? Optional.empty() : Optional.of(b.windows.get(b.windows.size() - 1).start());
  }

  /** The end of the latest downtime window (deployed, or maintenance off). */
  public Optional<Instant> downtimeEnd() {
    return b.windows.isEmpty() ? Optional.empty() : b.windows.get(b.windows.size() - 1).end();
  }

  /** The latest downtime window's length, once it has ended. */
  public Optional<Duration> downtime() {
    return b.windows.isEmpty() ? Optional.empty() : b.windows.get(b.windows.size() - 1).length();
  }

  /** The verification of the restored data, once it ran. */
  public Optional<VerificationReport> verification() {
    return Optional.ofNullable(b.verification);
  }

  /** Names of the config vars copied to the target (including the flagged ones). */
  public List<String> configCopied() {
    return b.configCopied;
  }

  /** Copied config vars that point at a source add-on, with which. */
  public List<ConfigEntry> configFlagged() {
    return b.configFlagged;
  }

  /** Config vars not copied, with why. */
  public List<ConfigEntry> configSkipped() {
    return b.configSkipped;
  }

  /** Add-ons of the source the migration did not move, with what to do. */
  public List<AddonEntry> addonsNotMigrated() {
    return b.addonsNotMigrated;
  }

  /** DNS records to change so traffic reaches the target: one per domain; none after a rollback. */
  public List<DnsRecord> dnsRecords() {
    return b.dnsRecords;
  }

  /**
   * What the repository preparation found, as the plan listed it: blocking problems, warnings (the app
   * runs, but differently from Heroku) and notes (what the preparation did, steps left to the user).
   *
   * @return the findings, blocking ones first
   */
  public List<String> repositoryFindings() {
    return b.repositoryFindings;
  }

  /** Things to do by hand, in order. */
  public List<String> followUps() {
    return b.followUps;
  }

  /** Versions of the tools and servers involved, e.g. {@code pg_dump -> 16.4}. */
  public Map<String, String> toolVersions() {
    return b.toolVersions;
  }

  /** The SHA-256 of the dump that was restored. */
  public Optional<String> dumpSha256() {
    return Optional.ofNullable(b.dumpSha256);
  }

  /** What exists on the target (app, databases, endpoints, config), left in place even after a rollback. */
  public List<String> targetResources() {
    return b.targetResources;
  }

  /** The audit trail's state: where the event log is and whether its hash chain is intact. */
  public String auditTrail() {
    return b.auditTrail;
  }

  /** When this report was made. */
  public Instant generatedAt() {
    return b.generatedAt;
  }

  /** The report as pretty-printed JSON. */
  public String toJson() {
    return ReportJson.render(this);
  }

  /** The report as Markdown, for humans and change-control tickets. */
  public String toMarkdown() {
    return ReportMarkdown.render(this);
  }

  /**
   * Writes {@link #toJson()} to {@code jsonFile} and {@link #toMarkdown()} to {@code markdownFile},
   * each atomically (temporary file, fsync, rename). Blocks.
   *
   * @throws dev.cutover.core.MigrationException when a file cannot be written
   */
  public void write(Path jsonFile, Path markdownFile) {
    AtomicFiles.write(jsonFile, toJson(), "report");
    AtomicFiles.write(markdownFile, toMarkdown(), "report");
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + " ms";
    }
    if (ms < 60_000) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return d.toMinutes() + " min " + d.toSecondsPart() + " s";
  }

  @Override
  public String toString() {
    return "MigrationReport[" + b.migrationId + ", " + b.source + " -> " + b.target + ", " + b.outcome + ", "
        + b.steps.size() + " steps, " + b.attempts.size() + " attempts, downtime "
        + downtime().map(MigrationReport::human).orElse("open") + "]";
  }

  /** Builds a {@link MigrationReport}. Not thread-safe. Every list is copied on {@link #build()}. */
  public static final class Builder {
    String migrationId;
    String source;
    String target;
    Outcome outcome;
    String summary = "";
    boolean sourceInMaintenance;
    String operator = "unknown";
    String planFingerprint = "";
    String deployedRevision;
    List<StepOutcome> steps = new ArrayList<>();
    List<Attempt> attempts = new ArrayList<>();
    List<DowntimeWindow> windows = new ArrayList<>();
    List<Failure> failures = new ArrayList<>();
    List<Rollback> rollbacks = new ArrayList<>();
    VerificationReport verification;
    List<String> configCopied = new ArrayList<>();
    List<ConfigEntry> configFlagged = new ArrayList<>();
    List<ConfigEntry> configSkipped = new ArrayList<>();
    List<AddonEntry> addonsNotMigrated = new ArrayList<>();
    List<DnsRecord> dnsRecords = new ArrayList<>();
    List<String> followUps = new ArrayList<>();
    List<String> repositoryFindings = new ArrayList<>();
    Map<String, String> toolVersions = new LinkedHashMap<>();
    String dumpSha256;
    List<String> targetResources = new ArrayList<>();
    String auditTrail = "";
    Instant generatedAt;

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.migrationId = migrationId;
      c.source = source;
      c.target = target;
      c.outcome = outcome;
      c.summary = summary;
      c.sourceInMaintenance = sourceInMaintenance;
      c.operator = operator;
      c.planFingerprint = planFingerprint;
      c.deployedRevision = deployedRevision;
      c.steps = List.copyOf(steps);
      c.attempts = List.copyOf(attempts);
      c.windows = List.copyOf(windows);
      c.failures = List.copyOf(failures);
      c.rollbacks = List.copyOf(rollbacks);
      c.verification = verification;
      c.configCopied = List.copyOf(configCopied);
      c.configFlagged = List.copyOf(configFlagged);
      c.configSkipped = List.copyOf(configSkipped);
      c.addonsNotMigrated = List.copyOf(addonsNotMigrated);
      c.dnsRecords = List.copyOf(dnsRecords);
      c.followUps = List.copyOf(followUps);
      c.repositoryFindings = List.copyOf(repositoryFindings);
      c.toolVersions = Map.copyOf(toolVersions);
      c.dumpSha256 = dumpSha256;
      c.targetResources = List.copyOf(targetResources);
      c.auditTrail = auditTrail;
      c.generatedAt = generatedAt;
      return c;
    }

    /** Sets the migration id (required). */
    public Builder migrationId(String id) {
      this.migrationId = id;
      return this;
    }

    /** Sets the source app's name (required). */
    public Builder source(String app) {
      this.source = app;
      return this;
    }

    /** Sets the target as {@code environment/app} (required). */
    public Builder target(String environmentAndApp) {
      this.target = environmentAndApp;
      return this;
    }

    /** Sets the outcome and its one-line summary (required). */
    public Builder outcome(Outcome value, String oneLineSummary) {
      this.outcome = value;
      this.summary = oneLineSummary;
      return this;
    }

    /** Sets whether the source is in maintenance mode now. */
    public Builder sourceInMaintenance(boolean value) {
      this.sourceInMaintenance = value;
      return this;
    }

    /** Sets who ran the latest attempt, {@code user@host}. */
    public Builder operator(String value) {
      this.operator = Objects.requireNonNull(value, "value");
      return this;
    }

    /** Sets the fingerprint of the plan the latest attempt ran. */
    public Builder planFingerprint(String value) {
      this.planFingerprint = Objects.requireNonNull(value, "value");
      return this;
    }

    /** Sets what was deployed. */
    public Builder deployedRevision(String value) {
      this.deployedRevision = value;
      return this;
    }

    /** Adds a step, in pipeline order. */
    public Builder step(StepOutcome value) {
      steps.add(value);
      return this;
    }

    /** Adds an attempt, oldest first. */
    public Builder attempt(Attempt value) {
      attempts.add(value);
      return this;
    }

    /** Adds a downtime window, oldest first. */
    public Builder downtimeWindow(DowntimeWindow value) {
      windows.add(value);
      return this;
    }

    /** Adds a failure, oldest first. */
    public Builder failure(Failure value) {
      failures.add(value);
      return this;
    }

    /** Adds a rollback, oldest first. */
    public Builder rollback(Rollback value) {
      rollbacks.add(value);
      return this;
    }

    /** Sets the verification of the restored data. */
    public Builder verification(VerificationReport value) {
      this.verification = value;
      return this;
    }

    /** Adds names of config vars copied to the target. */
    public Builder configCopied(List<String> names) {
      configCopied.addAll(names);
      return this;
    }

    /** Adds copied config vars that point at a source add-on. */
    public Builder configFlagged(List<ConfigEntry> entries) {
      configFlagged.addAll(entries);
      return this;
    }

    /** Adds config vars not copied, with why. */
    public Builder configSkipped(List<ConfigEntry> entries) {
      configSkipped.addAll(entries);
      return this;
    }

    /** Adds an add-on that was not migrated. */
    public Builder addonNotMigrated(AddonEntry entry) {
      addonsNotMigrated.add(entry);
      return this;
    }

    /** Adds a DNS record to change. */
    public Builder dnsRecord(DnsRecord entry) {
      dnsRecords.add(entry);
      return this;
    }

    /** Adds a follow-up, in order. */
    public Builder followUp(String text) {
      followUps.add(text);
      return this;
    }

    /**
     * Adds a finding of the repository preparation, in the plan's order.
     *
     * @param text the finding, e.g. {@code WARNING Dockerfile:1 [PINNED_IMAGE] ...}
     * @return this builder
     */
    public Builder repositoryFinding(String text) {
      repositoryFindings.add(Objects.requireNonNull(text, "text"));
      return this;
    }

    /** Records a tool's version. */
    public Builder toolVersion(String tool, String version) {
      toolVersions.put(tool, version);
      return this;
    }

    /** Sets the SHA-256 of the restored dump. */
    public Builder dumpSha256(String hex) {
      this.dumpSha256 = hex;
      return this;
    }

    /** Adds a resource that exists on the target. */
    public Builder targetResource(String description) {
      targetResources.add(description);
      return this;
    }

    /** Sets the audit trail's state (event log and chain check). */
    public Builder auditTrail(String value) {
      this.auditTrail = Objects.requireNonNull(value, "value");
      return this;
    }

    /** Sets when the report was made (required). */
    public Builder generatedAt(Instant at) {
      this.generatedAt = at;
      return this;
    }

    /**
     * Builds the report.
     *
     * @return the immutable report
     * @throws NullPointerException when id, source, target, outcome or generatedAt is missing
     */
    public MigrationReport build() {
      return new MigrationReport(this);
    }
  }
}
