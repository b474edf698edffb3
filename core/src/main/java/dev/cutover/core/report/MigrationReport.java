package dev.cutover.core.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.core.MigrationException;
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
 * The record of one migration, as filed for change control: every step with its duration and
 * outcome, the downtime window, the verification table, which config vars were copied (names only)
 * and skipped (with why), add-ons not migrated, DNS records to change, follow-ups, tool versions
 * and the dump's SHA-256. It never holds a secret value.
 *
 * <p>Immutable. {@link #toJson()} and {@link #toMarkdown()} render it; {@link #write(Path, Path)}
 * writes both atomically. Built by the pipeline through {@link #builder()}.
 */
public final class MigrationReport {
  /** How the migration ended (so far). */
  public enum Outcome {
    /** Every step is done; the source stays in maintenance until DNS is switched. */
    COMPLETED,
    /** A step failed; {@code resume()} continues from it. */
    FAILED,
    /** Rolled back: maintenance is off, the source is primary again, target resources are left in place. */
    ROLLED_BACK
  }

  /**
   * One step as it ended.
   *
   * @param number the step's number in the pipeline (1 to 14)
   * @param step its name, e.g. {@code restore}
   * @param status how it ended
   * @param duration time spent in its last attempt
   * @param attempts how many times it was started
   * @param summary what it did, or the (redacted) failure message
   */
  public record StepOutcome(int number, String step, StepStatus status, Duration duration, int attempts,
      String summary) {
    public StepOutcome {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(summary, "summary");
    }
  }

  /**
   * A config var and why it was treated as it was. Never a value.
   *
   * @param name the variable's name
   * @param reason why it was skipped or flagged
   */
  public record ConfigEntry(String name, String reason) {
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
   * @param value e.g. {@code elb-env-123.aptible.in}
   */
  public record DnsRecord(String hostname, String type, String value) {
    public DnsRecord {
      Objects.requireNonNull(hostname, "hostname");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(value, "value");
    }
  }

  private final String migrationId;
  private final String source;
  private final String target;
  private final Outcome outcome;
  private final String summary;
  private final boolean sourceInMaintenance;
  private final List<StepOutcome> steps;
  private final Instant downtimeStart;
  private final Instant downtimeEnd;
  private final VerificationReport verification;
  private final List<String> configCopied;
  private final List<ConfigEntry> configFlagged;
  private final List<ConfigEntry> configSkipped;
  private final List<AddonEntry> addonsNotMigrated;
  private final List<DnsRecord> dnsRecords;
  private final List<String> followUps;
  private final Map<String, String> toolVersions;
  private final String dumpSha256;
  private final List<String> targetResources;
  private final Instant generatedAt;

  private MigrationReport(Builder b) {
    migrationId = Objects.requireNonNull(b.migrationId, "migrationId");
    source = Objects.requireNonNull(b.source, "source");
    target = Objects.requireNonNull(b.target, "target");
    outcome = Objects.requireNonNull(b.outcome, "outcome");
    summary = Objects.requireNonNull(b.summary, "summary");
    sourceInMaintenance = b.sourceInMaintenance;
    steps = List.copyOf(b.steps);
    downtimeStart = b.downtimeStart;
    downtimeEnd = b.downtimeEnd;
    verification = b.verification;
    configCopied = List.copyOf(b.configCopied);
    configFlagged = List.copyOf(b.configFlagged);
    configSkipped = List.copyOf(b.configSkipped);
    addonsNotMigrated = List.copyOf(b.addonsNotMigrated);
    dnsRecords = List.copyOf(b.dnsRecords);
    followUps = List.copyOf(b.followUps);
    toolVersions = Map.copyOf(b.toolVersions);
    dumpSha256 = b.dumpSha256;
    targetResources = List.copyOf(b.targetResources);
    generatedAt = Objects.requireNonNull(b.generatedAt, "generatedAt");
  }

  /** A builder; used by the pipeline, and by tests that need a report. */
  public static Builder builder() {
    return new Builder();
  }

  /** The migration's id, as in the journal. */
  public String migrationId() {
    return migrationId;
  }

  /** The source app's name. */
  public String source() {
    return source;
  }

  /** The target as {@code environment/app}. */
  public String target() {
    return target;
  }

  /** How the migration ended (so far). */
  public Outcome outcome() {
    return outcome;
  }

  /** One line on how it ended and what to do next. */
  public String summary() {
    return summary;
  }

  /** Whether the source app is in maintenance mode as this report is written. */
  public boolean sourceInMaintenance() {
    return sourceInMaintenance;
  }

  /** Every step, in pipeline order. */
  public List<StepOutcome> steps() {
    return steps;
  }

  /** The step named {@code name}. */
  public Optional<StepOutcome> step(String name) {
    return steps.stream().filter(s -> s.step().equals(name)).findFirst();
  }

  /** When maintenance went on: the start of the downtime. */
  public Optional<Instant> downtimeStart() {
    return Optional.ofNullable(downtimeStart);
  }

  /** When the data was verified and the app deployed: the end of the downtime. */
  public Optional<Instant> downtimeEnd() {
    return Optional.ofNullable(downtimeEnd);
  }

  /** The downtime window's length, once it has ended. */
  public Optional<Duration> downtime() {
    return downtimeStart == null || downtimeEnd == null
        ? Optional.empty() : Optional.of(Duration.between(downtimeStart, downtimeEnd));
  }

  /** The verification of the restored data, once it ran. */
  public Optional<VerificationReport> verification() {
    return Optional.ofNullable(verification);
  }

  /** Names of the config vars copied to the target (including the flagged ones). */
  public List<String> configCopied() {
    return configCopied;
  }

  /** Copied config vars that point at a source add-on, with which. */
  public List<ConfigEntry> configFlagged() {
    return configFlagged;
  }

  /** Config vars not copied, with why. */
  public List<ConfigEntry> configSkipped() {
    return configSkipped;
  }

  /** Add-ons of the source the migration did not move, with what to do. */
  public List<AddonEntry> addonsNotMigrated() {
    return addonsNotMigrated;
  }

  /** DNS records to change so traffic reaches the target. */
  public List<DnsRecord> dnsRecords() {
    return dnsRecords;
  }

  /** Things to do by hand, in order. */
  public List<String> followUps() {
    return followUps;
  }

  /** Versions of the tools and servers involved, e.g. {@code pg_dump -> 16.4}. */
  public Map<String, String> toolVersions() {
    return toolVersions;
  }

  /** The SHA-256 of the dump that was restored. */
  public Optional<String> dumpSha256() {
    return Optional.ofNullable(dumpSha256);
  }

  /** What exists on the target (app, database, endpoints), left in place even after a rollback. */
  public List<String> targetResources() {
    return targetResources;
  }

  /** When this report was made. */
  public Instant generatedAt() {
    return generatedAt;
  }

  /** The report as pretty-printed JSON. */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("migrationId", migrationId);
    m.put("source", source);
    m.put("target", target);
    m.put("outcome", outcome.name());
    m.put("summary", summary);
    m.put("sourceInMaintenance", sourceInMaintenance);
    m.put("generatedAt", generatedAt.toString());
    List<Map<String, Object>> stepList = new ArrayList<>();
    for (StepOutcome s : steps) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("number", s.number());
      sm.put("step", s.step());
      sm.put("status", s.status().name());
      sm.put("durationMillis", s.duration().toMillis());
      sm.put("attempts", s.attempts());
      sm.put("summary", s.summary());
      stepList.add(sm);
    }
    m.put("steps", stepList);
    Map<String, Object> dt = new LinkedHashMap<>();
    dt.put("start", downtimeStart == null ? null : downtimeStart.toString());
    dt.put("end", downtimeEnd == null ? null : downtimeEnd.toString());
    dt.put("durationMillis", downtime().map(Duration::toMillis).orElse(null));
    m.put("downtime", dt);
    if (verification != null) {
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("against", verification.against());
      vm.put("passed", verification.passed());
      vm.put("checks", verification.checks().stream().map(c -> {
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("kind", c.kind());
        cm.put("name", c.name());
        cm.put("expected", c.expected());
        cm.put("actual", c.actual());
        cm.put("ok", c.ok());
        return cm;
      }).toList());
      m.put("verification", vm);
    } else {
      m.put("verification", null);
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("copied", configCopied);
    config.put("flagged", configFlagged.stream().map(e -> Map.of("name", e.name(), "reason", e.reason())).toList());
    config.put("skipped", configSkipped.stream().map(e -> Map.of("name", e.name(), "reason", e.reason())).toList());
    m.put("config", config);
    m.put("addonsNotMigrated", addonsNotMigrated.stream().map(a -> {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("name", a.name());
      am.put("service", a.service());
      am.put("plan", a.plan());
      am.put("action", a.action());
      return am;
    }).toList());
    m.put("dnsRecords", dnsRecords.stream().map(d -> Map.of("hostname", d.hostname(), "type", d.type(),
        "value", d.value())).toList());
    m.put("targetResources", targetResources);
    m.put("followUps", followUps);
    m.put("toolVersions", new java.util.TreeMap<>(toolVersions));
    m.put("dumpSha256", dumpSha256);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n";
    } catch (JsonProcessingException e) {
      throw new MigrationException("report", "report: cannot render JSON (" + e.getOriginalMessage() + ")", false, e);
    }
  }

  /** The report as Markdown, for humans and change-control tickets. */
  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Migration report: ").append(source).append(" → ").append(target).append("\n\n");
    md.append("- Migration: `").append(migrationId).append("`\n");
    md.append("- Outcome: **").append(outcome).append("**: ").append(summary).append("\n");
    md.append("- Source in maintenance: ").append(sourceInMaintenance ? "yes" : "no").append("\n");
    md.append("- Generated: ").append(generatedAt).append("\n\n");

    md.append("## Steps\n\n| # | step | status | attempts | duration | summary |\n|---|---|---|---|---|---|\n");
    for (StepOutcome s : steps) {
      md.append("| ").append(s.number()).append(" | ").append(s.step()).append(" | ").append(s.status())
          .append(" | ").append(s.attempts()).append(" | ").append(human(s.duration())).append(" | ")
          .append(cell(s.summary())).append(" |\n");
    }
    md.append("\n## Downtime\n\n");
    md.append("- Maintenance on: ").append(downtimeStart == null ? "never" : downtimeStart.toString()).append("\n");
    md.append("- Verified and deployed: ").append(downtimeEnd == null ? "not yet" : downtimeEnd.toString()).append("\n");
    md.append("- Window: ").append(downtime().map(MigrationReport::human).orElse("not closed")).append("\n");

    md.append("\n## Verification\n\n");
    if (verification == null) {
      md.append("Not run.\n");
    } else {
      md.append("Compared with the ").append(verification.against()).append(": ")
          .append(verification.passed() ? "**passed**" : "**FAILED**").append(" (")
          .append(verification.checks().size()).append(" checks)\n\n");
      md.append("| kind | name | expected | actual | ok |\n|---|---|---|---|---|\n");
      verification.checks().forEach(c -> md.append("| ").append(c.kind()).append(" | ").append(cell(c.name()))
          .append(" | ").append(cell(c.expected())).append(" | ").append(cell(c.actual())).append(" | ")
          .append(c.ok() ? "yes" : "**NO**").append(" |\n"));
    }

    md.append("\n## Config vars\n\nCopied (names only): ")
        .append(configCopied.isEmpty() ? "none" : "`" + String.join("`, `", configCopied) + "`").append("\n\n");
    if (!configFlagged.isEmpty()) {
      md.append("Copied but pointing at a source add-on (review):\n\n");
      configFlagged.forEach(e -> md.append("- `").append(e.name()).append("`: ").append(e.reason()).append("\n"));
      md.append("\n");
    }
    md.append("Not copied:\n\n");
    if (configSkipped.isEmpty()) {
      md.append("- none\n");
    }
    configSkipped.forEach(e -> md.append("- `").append(e.name()).append("`: ").append(e.reason()).append("\n"));

    md.append("\n## Add-ons not migrated\n\n");
    if (addonsNotMigrated.isEmpty()) {
      md.append("None.\n");
    }
    addonsNotMigrated.forEach(a -> md.append("- `").append(a.name()).append("` (").append(a.plan()).append("): ")
        .append(a.action()).append("\n"));

    md.append("\n## DNS records to change\n\n");
    if (dnsRecords.isEmpty()) {
      md.append("None.\n");
    } else {
      md.append("| hostname | type | value |\n|---|---|---|\n");
      dnsRecords.forEach(d -> md.append("| ").append(d.hostname()).append(" | ").append(d.type()).append(" | ")
          .append(d.value()).append(" |\n"));
    }
    md.append("\n## Resources on the target\n\n");
    if (targetResources.isEmpty()) {
      md.append("None yet.\n");
    }
    targetResources.forEach(r -> md.append("- ").append(r).append("\n"));
    md.append("\n## Follow-ups\n\n");
    if (followUps.isEmpty()) {
      md.append("None.\n");
    }
    for (int i = 0; i < followUps.size(); i++) {
      md.append(i + 1).append(". ").append(followUps.get(i)).append("\n");
    }
    md.append("\n## Tool versions\n\n");
    new java.util.TreeMap<>(toolVersions).forEach((k, v) -> md.append("- ").append(k).append(": ").append(v)
        .append("\n"));
    md.append("\n## Dump\n\n- SHA-256: ").append(dumpSha256 == null ? "none" : "`" + dumpSha256 + "`").append("\n");
    return md.toString();
  }

  /**
   * Writes {@link #toJson()} to {@code jsonFile} and {@link #toMarkdown()} to {@code markdownFile},
   * each atomically (temporary file, fsync, rename). Blocks.
   *
   * @throws MigrationException when a file cannot be written
   */
  public void write(Path jsonFile, Path markdownFile) {
    AtomicFiles.write(jsonFile, toJson(), "report");
    AtomicFiles.write(markdownFile, toMarkdown(), "report");
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
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
    return "MigrationReport[" + migrationId + ", " + source + " -> " + target + ", " + outcome + ", "
        + steps.size() + " steps, downtime " + downtime().map(MigrationReport::human).orElse("open") + "]";
  }

  /** Builds a {@link MigrationReport}. Not thread-safe. Every list is copied on {@link #build()}. */
  public static final class Builder {
    private String migrationId;
    private String source;
    private String target;
    private Outcome outcome;
    private String summary = "";
    private boolean sourceInMaintenance;
    private final List<StepOutcome> steps = new ArrayList<>();
    private Instant downtimeStart;
    private Instant downtimeEnd;
    private VerificationReport verification;
    private final List<String> configCopied = new ArrayList<>();
    private final List<ConfigEntry> configFlagged = new ArrayList<>();
    private final List<ConfigEntry> configSkipped = new ArrayList<>();
    private final List<AddonEntry> addonsNotMigrated = new ArrayList<>();
    private final List<DnsRecord> dnsRecords = new ArrayList<>();
    private final List<String> followUps = new ArrayList<>();
    private final Map<String, String> toolVersions = new LinkedHashMap<>();
    private String dumpSha256;
    private final List<String> targetResources = new ArrayList<>();
    private Instant generatedAt;

    private Builder() {}

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

    /** Adds a step, in pipeline order. */
    public Builder step(StepOutcome value) {
      steps.add(value);
      return this;
    }

    /** Sets the downtime window: maintenance on, then verified and deployed (or maintenance off). */
    public Builder downtime(Optional<Instant> start, Optional<Instant> end) {
      this.downtimeStart = start.orElse(null);
      this.downtimeEnd = end.orElse(null);
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

    /** Sets when the report was made (required). */
    public Builder generatedAt(Instant at) {
      this.generatedAt = at;
      return this;
    }

    /** @throws NullPointerException when id, source, target, outcome or generatedAt is missing */
    public MigrationReport build() {
      return new MigrationReport(this);
    }
  }
}
