package dev.cutover.core.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.core.MigrationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a migration will do, computed by {@link Migration#plan()}: immutable, printable
 * ({@link #render()}, secrets masked; {@link #toJson()}), and executable ({@link #run()},
 * {@link #resume()}, {@link #rollback()}). The plan holds config var names, never values.
 *
 * <p>{@code run}, {@code resume} and {@code rollback} block on the calling thread; interrupting it
 * cancels the current step ({@link dev.cutover.core.MigrationCancelledException}) and a later
 * {@code resume()} continues there. One plan must not be run from two threads at once.
 */
public final class MigrationPlan {
  /**
   * What happens to one config var on the target. Values are never part of a plan.
   *
   * @param name the variable
   * @param action what happens to it
   * @param reason why
   */
  public record ConfigDecision(String name, Action action, String reason) {
    /** What happens to a config var. */
    public enum Action {
      /** Copied from the source. */
      COPY,
      /** Copied, but it points at a source add-on: the report flags it. */
      COPY_FLAGGED,
      /** Not copied. */
      SKIP,
      /** Set by the migration (DATABASE_URL, PORT). */
      SET
    }

    public ConfigDecision {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A target service from the source's formation.
   *
   * @param service process type, e.g. {@code web}
   * @param count containers (the dyno quantity)
   * @param dynoSize the source's dyno size
   * @param containerSizeMb the container size
   * @param command the command it runs
   * @param sizing how the size was chosen
   */
  public record ServicePlan(String service, int count, String dynoSize, int containerSizeMb, String command,
      String sizing) {
    public ServicePlan {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(dynoSize, "dynoSize");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(sizing, "sizing");
    }
  }

  /**
   * An HTTPS endpoint to create.
   *
   * @param service the service it serves
   * @param domains custom domains with managed TLS; empty for the default domain
   */
  public record EndpointPlan(String service, List<String> domains) {
    public EndpointPlan {
      Objects.requireNonNull(service, "service");
      domains = List.copyOf(domains);
    }
  }

  /**
   * What happens to one add-on.
   *
   * @param name add-on name
   * @param service e.g. {@code heroku-redis}
   * @param plan e.g. {@code heroku-redis:mini}
   * @param migrated whether the migration moves it
   * @param action what happens or what to do by hand
   */
  public record AddonDecision(String name, String service, String plan, boolean migrated, String action) {
    public AddonDecision {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(action, "action");
    }
  }

  /**
   * One step of the plan.
   *
   * @param step the step
   * @param willRun false when it is skipped (e.g. no database)
   * @param detail what it will do
   */
  public record PlannedStep(MigrationStep step, boolean willRun, String detail) {
    public PlannedStep {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(detail, "detail");
    }
  }

  private final Settings settings;
  private final AppInventory inventory;
  private final DatabaseSpec database;
  private final String databaseHandle;
  private final String fingerprint;
  private final List<ConfigDecision> config;
  private final List<ServicePlan> services;
  private final String releaseCommand;
  private final List<EndpointPlan> endpoints;
  private final List<AddonDecision> addons;
  private final List<RepoPreparation.Change> repoChanges;
  private final List<PlannedStep> steps;
  private final List<String> warnings;
  private final int port;
  private final Path journal;
  private final Path workDirectory;
  private final MigrationStep resumesAt;

  MigrationPlan(Settings settings, AppInventory inventory, DatabaseSpec database, String databaseHandle,
      String fingerprint, List<ConfigDecision> config, List<ServicePlan> services, String releaseCommand,
      List<EndpointPlan> endpoints, List<AddonDecision> addons, List<RepoPreparation.Change> repoChanges,
      List<PlannedStep> steps, List<String> warnings, int port, Path journal, Path workDirectory,
      Optional<MigrationStep> resumesAt) {
    this.settings = settings;
    this.inventory = inventory;
    this.database = database;
    this.databaseHandle = databaseHandle;
    this.fingerprint = fingerprint;
    this.config = List.copyOf(config);
    this.services = List.copyOf(services);
    this.releaseCommand = releaseCommand;
    this.endpoints = List.copyOf(endpoints);
    this.addons = List.copyOf(addons);
    this.repoChanges = List.copyOf(repoChanges);
    this.steps = List.copyOf(steps);
    this.warnings = List.copyOf(warnings);
    this.port = port;
    this.journal = journal;
    this.workDirectory = workDirectory;
    this.resumesAt = resumesAt.orElse(null);
  }

  /** The source app's name. */
  public String source() {
    return settings.source.name();
  }

  /** The target as {@code environment/app}. */
  public String target() {
    return settings.target.environment() + "/" + settings.target.handle();
  }

  /** The source as inventoried at planning time (config values masked in its {@code toString}). */
  public AppInventory inventory() {
    return inventory;
  }

  /** The target database to create, when the source has one. */
  public Optional<DatabaseSpec> database() {
    return Optional.ofNullable(database);
  }

  /** The target database's handle, when the source has a database. */
  public Optional<String> databaseHandle() {
    return Optional.ofNullable(databaseHandle);
  }

  /** How the backup will be restored. */
  public RestoreStrategy restoreStrategy() {
    return settings.restore;
  }

  /** How the code reaches the target. */
  public Deploy deploy() {
    return settings.deploy;
  }

  /** Every config var decision, then what the migration sets (DATABASE_URL, PORT). */
  public List<ConfigDecision> config() {
    return config;
  }

  /** The target services from the source's formation, with container sizes. */
  public List<ServicePlan> services() {
    return services;
  }

  /** The Heroku release-phase command, which becomes {@code before_deploy}. */
  public Optional<String> releaseCommand() {
    return Optional.ofNullable(releaseCommand);
  }

  /** The HTTPS endpoints to create. */
  public List<EndpointPlan> endpoints() {
    return endpoints;
  }

  /** What happens to each add-on of the source. */
  public List<AddonDecision> addons() {
    return addons;
  }

  /** What step 3 will write in the repository. */
  public List<RepoPreparation.Change> repoChanges() {
    return repoChanges;
  }

  /** The 14 steps with what each will do. */
  public List<PlannedStep> steps() {
    return steps;
  }

  /** Things to know that do not stop the plan. */
  public List<String> warnings() {
    return warnings;
  }

  /** The port set as {@code PORT}. */
  public int port() {
    return port;
  }

  /** The journal file. */
  public Path journal() {
    return journal;
  }

  /** Where dumps, journal and report go. */
  public Path workDirectory() {
    return workDirectory;
  }

  /** Where {@link #run()} or {@link #resume()} would continue, when a journal of this migration exists. */
  public Optional<MigrationStep> resumesAt() {
    return Optional.ofNullable(resumesAt);
  }

  /** Identifies this migration (source, target, database) in its journal. */
  public String fingerprint() {
    return fingerprint;
  }

  Settings settings() {
    return settings;
  }

  /**
   * Executes the plan: steps 2 to 14, journalled, the verification a gate before any cutover step.
   * When a journal of this migration exists, continues at its first unfinished step. Blocks.
   *
   * @return the report, also written as JSON and Markdown into the work directory
   * @throws VerificationFailedException when the restored data does not match (nothing was switched over)
   * @throws dev.cutover.core.MigrationCancelledException when the thread is interrupted
   * @throws MigrationException when a step fails; the journal says where, {@link #resume()} continues
   * @throws dev.cutover.core.ValidationException when the journal is corrupt or belongs to another migration
   */
  public MigrationReport run() {
    return new Pipeline(this).run(false);
  }

  /**
   * Continues after a failure, a cancellation or a killed JVM, at the first unfinished step. Steps
   * already done are not repeated; a restore that had started replaces what it wrote; a dump that is
   * gone is captured again (journalled). Blocks.
   *
   * @throws dev.cutover.core.ValidationException when there is no journal, or it is corrupt or another migration's
   * @throws MigrationException as {@link #run()}
   */
  public MigrationReport resume() {
    return new Pipeline(this).run(true);
  }

  /**
   * Gives the source back its primary role: maintenance off, so it serves (and takes writes) again.
   * Target resources are left in place and listed in the report; a later {@link #resume()} captures
   * and restores again. Blocks.
   *
   * @throws dev.cutover.core.ValidationException when there is no journal of this migration
   * @throws MigrationException when maintenance cannot be turned off (run it again)
   */
  public MigrationReport rollback() {
    return new Pipeline(this).rollback();
  }

  /** The plan for humans: steps, config decisions (names only), services, endpoints, add-ons, warnings. */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("Migration plan: ").append(source()).append(" (Heroku) -> ").append(target()).append(" (Aptible)\n");
    out.append("  journal ").append(journal).append(resumesAt == null ? "" : "  (resumes at " + resumesAt + ")")
        .append("\n\n");
    for (PlannedStep s : steps) {
      out.append(String.format("  %2d. %-16s %s%n", s.step().number(), s.step().id(),
          (s.willRun() ? "" : "[skip] ") + s.detail()));
    }
    out.append("\nConfig vars:\n");
    for (ConfigDecision c : config) {
      out.append(String.format("  %-13s %-32s %s%n", c.action(), c.name(), c.reason()));
    }
    out.append("\nServices:\n");
    if (services.isEmpty()) {
      out.append("  none in the formation\n");
    }
    services.forEach(sp -> out.append(String.format("  %-10s x%d  %5d MB  (%s)  %s%n", sp.service(), sp.count(),
        sp.containerSizeMb(), sp.sizing(), sp.command())));
    if (releaseCommand != null) {
      out.append("  release    -> .aptible.yml before_deploy: ").append(releaseCommand).append("\n");
    }
    out.append("\nEndpoints:\n");
    if (endpoints.isEmpty()) {
      out.append("  none\n");
    }
    endpoints.forEach(e -> out.append("  HTTPS ").append(e.service()).append(e.domains().isEmpty() ? " (default domain)"
        : " managed TLS for " + String.join(", ", e.domains()) + " (CNAME each to the endpoint after the run)").append("\n"));
    out.append("\nAdd-ons:\n");
    if (addons.isEmpty()) {
      out.append("  none\n");
    }
    addons.forEach(a -> out.append("  ").append(a.migrated() ? "[migrated] " : "[manual]   ").append(a.name())
        .append(" (").append(a.plan()).append("): ").append(a.action()).append("\n"));
    if (!warnings.isEmpty()) {
      out.append("\nWarnings:\n");
      warnings.forEach(w -> out.append("  ! ").append(w).append("\n"));
    }
    return settings.redactor.redact(out.toString());
  }

  /** The plan as pretty-printed JSON (names only, no secret values). */
  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", source());
    m.put("target", target());
    m.put("fingerprint", fingerprint);
    m.put("journal", journal.toString());
    m.put("workDirectory", workDirectory.toString());
    m.put("resumesAt", resumesAt == null ? null : resumesAt.id());
    m.put("restoreStrategy", settings.restore.name());
    m.put("deploy", Planner.describe(settings.deploy));
    if (database != null) {
      Map<String, Object> db = new LinkedHashMap<>();
      db.put("handle", databaseHandle);
      db.put("type", database.type());
      db.put("version", database.version());
      db.put("diskSizeGb", database.diskSizeGb());
      db.put("containerSizeMb", database.containerSizeMb());
      m.put("database", db);
    } else {
      m.put("database", null);
    }
    m.put("steps", steps.stream().map(s -> {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("number", s.step().number());
      sm.put("step", s.step().id());
      sm.put("willRun", s.willRun());
      sm.put("detail", s.detail());
      return sm;
    }).toList());
    m.put("config", config.stream().map(c -> Map.of("name", c.name(), "action", c.action().name(), "reason", c.reason()))
        .toList());
    m.put("services", services.stream().map(sp -> {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("service", sp.service());
      sm.put("count", sp.count());
      sm.put("dynoSize", sp.dynoSize());
      sm.put("containerSizeMb", sp.containerSizeMb());
      sm.put("command", sp.command());
      return sm;
    }).toList());
    m.put("releaseCommand", releaseCommand);
    m.put("endpoints", endpoints.stream().map(e -> Map.of("service", e.service(), "domains", e.domains())).toList());
    m.put("addons", addons.stream().map(a -> Map.of("name", a.name(), "service", a.service(), "plan", a.plan(),
        "migrated", a.migrated(), "action", a.action())).toList());
    m.put("repoChanges", repoChanges.stream().map(c -> Map.of("path", c.path(), "why", c.why())).toList());
    m.put("port", port);
    m.put("warnings", warnings);
    try {
      return settings.redactor.redact(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m))
          + "\n";
    } catch (JsonProcessingException e) {
      throw new MigrationException("plan", "plan: cannot render JSON (" + e.getOriginalMessage() + ")", false, e);
    }
  }

  @Override
  public String toString() {
    return "MigrationPlan[" + source() + " -> " + target() + ", " + steps.stream().filter(PlannedStep::willRun).count()
        + " steps, restore " + settings.restore + ", " + Planner.describe(settings.deploy) + "]";
  }
}
