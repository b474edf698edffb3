package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.spi.RepoPreparation;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a migration will do, computed by {@link Migration#plan()}: every decision, made once
 * (port, config actions, services and sizes, endpoints with their domains, repository changes,
 * data moves with their databases and restore strategy), immutable, printable ({@link #render()},
 * secrets masked; {@link #toJson()}), identified by a {@link #fingerprint()}, and executable
 * ({@link #run()}, {@link #resume()}, {@link #rollback(RollbackOption...)}). The steps of a run
 * read this plan and decide nothing again. The plan holds config var names, never values.
 *
 * <p>{@code run}, {@code resume} and {@code rollback} block on the calling thread and hold the
 * migration's {@link MigrationLock} throughout (a second run, here or in another process, is
 * refused with {@link MigrationLockedException}); interrupting the thread cancels the current step
 * ({@link dev.cutover.core.MigrationCancelledException}) and a later {@code resume()} continues there.
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
      /** Set by the migration (a data move's URL, PORT). */
      SET
    }

    /** Validates the components; throws {@link NullPointerException} on a null component. */
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
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public ServicePlan {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(dynoSize, "dynoSize");
      Objects.requireNonNull(command, "command");
      Objects.requireNonNull(sizing, "sizing");
    }
  }

  /**
   * The HTTPS endpoints of one service: one per custom domain (each with its own DNS target after
   * the run), or one on the platform's default domain when there is none.
   *
   * @param service the service they serve
   * @param domains custom domains with managed TLS; empty for the default domain
   */
  public record EndpointPlan(String service, List<String> domains) {
    /** Validates the components and copies the list. */
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
    /** Validates the components; throws {@link NullPointerException} on a null component. */
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
   * @param detail what it will do, or why it is skipped
   */
  public record PlannedStep(MigrationStep step, boolean willRun, String detail) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public PlannedStep {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(detail, "detail");
    }
  }

  private final Wiring wiring;
  private final MigrationOptions options;
  private final Decisions decisions;
  private final List<PlannedStep> steps;
  private final String canonicalJson;
  private final String fingerprint;

  MigrationPlan(Wiring wiring, MigrationOptions options, Decisions decisions) {
    this.wiring = wiring;
    this.options = options;
    this.decisions = decisions;
    // the steps describe themselves from the decisions above; the fingerprint covers all of it
    this.steps = Steps.describe(this);
    this.canonicalJson = PlanJson.canonical(this);
    this.fingerprint = EventLog.sha256(canonicalJson);
  }

  /** The source app's name. */
  public String source() {
    return wiring.source().name();
  }

  /** The target as {@code environment/app}. */
  public String target() {
    return wiring.target().environment() + "/" + wiring.target().handle();
  }

  /** The options the plan was made from (as journalled). */
  public MigrationOptions options() {
    return options;
  }

  /** The source as inventoried at planning time (config values masked in its {@code toString}). */
  public AppInventory inventory() {
    return decisions.inventory();
  }

  /** The data the plan moves, one entry per target database. */
  public List<DataMove> dataMoves() {
    return decisions.dataMoves();
  }

  /** The data moves of {@code kind}, in plan order. */
  public <T extends DataMove> List<T> dataMoves(Class<T> kind) {
    return decisions.dataMoves().stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The first PostgreSQL target database to create, when the source has one. */
  public Optional<DatabaseSpec> database() {
    return dataMoves(PostgresMove.class).stream().findFirst().map(PostgresMove::target);
  }

  /** The first PostgreSQL target database's handle, when the source has a database. */
  public Optional<String> databaseHandle() {
    return dataMoves(PostgresMove.class).stream().findFirst().map(PostgresMove::targetHandle);
  }

  /** How backups are restored. */
  public RestoreStrategy restoreStrategy() {
    return options.restore();
  }

  /** How the code reaches the target. */
  public Deploy deploy() {
    return options.deploy().orElseThrow();
  }

  /** Every config var decision, then what the migration sets (database URLs, PORT). */
  public List<ConfigDecision> config() {
    return decisions.config();
  }

  /** The target services from the source's formation, with container sizes. */
  public List<ServicePlan> services() {
    return decisions.services();
  }

  /** The Heroku release-phase command, which becomes {@code before_deploy}. */
  public Optional<String> releaseCommand() {
    return decisions.releaseCommand();
  }

  /** The HTTPS endpoints to create, with their domains. */
  public List<EndpointPlan> endpoints() {
    return decisions.endpoints();
  }

  /** What happens to each add-on of the source. */
  public List<AddonDecision> addons() {
    return decisions.addons();
  }

  /** What step 3 will write in the repository (for the app to listen on {@link #port()}). */
  public List<RepoPreparation.Change> repoChanges() {
    return decisions.repo().changes();
  }

  /** The steps with what each will do. */
  public List<PlannedStep> steps() {
    return steps;
  }

  /** Things to know that do not stop the plan. */
  public List<String> warnings() {
    return decisions.warnings();
  }

  /**
   * Problems in the repository that only the user can fix (each with its file, line and fix): while
   * there is any, {@link #run()} and {@link #resume()} refuse before changing anything.
   *
   * @return the blocking findings, empty when the repository can be deployed
   */
  public List<RepoPreparation.Finding> blockingFindings() {
    return decisions.repo().blocking();
  }

  /**
   * What the repository preparation did that the user should know, and the steps it leaves to the
   * user (commands Heroku ran once, variables the code reads that Aptible will not set).
   *
   * @return the notes, in the order found
   */
  public List<String> repoNotes() {
    return decisions.repo().notes();
  }

  /** The port the app listens on: set as {@code PORT}, and the one the prepared repository exposes. */
  public int port() {
    return decisions.repo().port();
  }

  /** How {@link #port()} was chosen. */
  public String portReason() {
    return decisions.repo().portReason();
  }

  /** The repository decision as the preparation made it (changes, port, its warnings). */
  RepoPreparation.Preview repository() {
    return decisions.repo();
  }

  /** The journal file. */
  public Path journal() {
    return decisions.journal();
  }

  /** Where dumps, journal, event log and report go. */
  public Path workDirectory() {
    return decisions.workDirectory();
  }

  /** Where {@link #run()} or {@link #resume()} would continue, when a journal of this migration exists. */
  public Optional<MigrationStep> resumesAt() {
    return decisions.resumesAt();
  }

  /**
   * The SHA-256 (hex) of {@link #canonicalJson()}: the same decisions give the same fingerprint,
   * any changed decision (a config var added, a formation changed) another. Approve a plan by it
   * ({@link Approval}).
   */
  public String fingerprint() {
    return fingerprint;
  }

  /** The plan's decisions as canonical JSON (sorted keys, one line, no secret value): what the fingerprint hashes. */
  public String canonicalJson() {
    return canonicalJson;
  }

  /**
   * Keeps this plan for approval: writes {@link #canonicalJson()} to
   * {@code <workDirectory>/plans/<fingerprint>.json} (once; an existing file is left as it is), so a
   * later {@link Approval#stored(Path, String)} of its fingerprint can name what changed. The only
   * method of a plan that writes without running; {@link Migration#plan()} itself writes nothing.
   *
   * @return the file
   */
  public Path save() {
    return PlanFiles.save(this);
  }

  Wiring wiring() {
    return wiring;
  }

  /** Identifies the migration (source, target, database) in its journal, whatever the plan's other decisions. */
  String identity() {
    return decisions.identity();
  }

  /**
   * Executes the plan: the steps in order, journalled, the verification a gate before any cutover
   * step. When a journal of this migration exists, continues at its first unfinished step. Blocks.
   *
   * @return the report, also written as JSON and Markdown into the work directory
   * @throws VerificationFailedException when the restored data does not match (nothing was switched over)
   * @throws MigrationLockedException when another run of this migration holds its lock (nothing was done)
   * @throws dev.cutover.core.MigrationCancelledException when the thread is interrupted
   * @throws MigrationException when a step fails; the journal says where, {@link #resume()} continues
   * @throws dev.cutover.core.ValidationException when the journal is corrupt or belongs to another migration,
   *     or the plan has {@link #blockingFindings()} (nothing was changed)
   */
  public MigrationReport run() {
    return new Runner(this).run(false, Optional.empty());
  }

  /**
   * {@link #run()}, only if this plan is the approved one: refuses with {@link PlanChangedException},
   * before taking the lock or changing anything, when its fingerprint differs, naming what changed
   * when the approval carries the approved plan.
   */
  public MigrationReport run(Approval approval) {
    return new Runner(this).run(false, Optional.of(Objects.requireNonNull(approval, "approval")));
  }

  /**
   * Continues after a failure, a cancellation or a killed JVM, at the first unfinished step. Steps
   * already done are not repeated; a restore that had started replaces what it wrote; a dump that is
   * gone is captured again (journalled). A step a killed run left RUNNING runs again once the lock
   * proves that run is gone. Blocks.
   *
   * @throws dev.cutover.core.ValidationException when there is no journal, or it is corrupt or another migration's,
   *     or the plan has {@link #blockingFindings()} and the deploy is not done yet (nothing was changed)
   * @throws MigrationException as {@link #run()}
   */
  public MigrationReport resume() {
    return new Runner(this).run(true, Optional.empty());
  }

  /** {@link #resume()}, only if this plan is the approved one (see {@link #run(Approval)}). */
  public MigrationReport resume(Approval approval) {
    return new Runner(this).run(true, Optional.of(Objects.requireNonNull(approval, "approval")));
  }

  /**
   * Gives the source back its primary role: every change the run made on the source is undone,
   * newest first (maintenance off, so it serves and takes writes again), and, with
   * {@link RollbackOption#SCALE_TARGET_TO_ZERO}, the target's services are scaled to zero. The report
   * says exactly what was undone and what remains on the target (app, databases, endpoints, config);
   * steps it did not undo are not reported as undone. A later {@link #resume()} captures and
   * restores again. Blocks.
   *
   * @throws dev.cutover.core.ValidationException when there is no journal of this migration, or the
   *     source app was cut over by another completed migration since (rolling this one back would
   *     put the source back into service beside it)
   * @throws MigrationLockedException when another run of this migration holds its lock
   * @throws MigrationException when something cannot be undone (what was undone stays undone; run it again)
   */
  public MigrationReport rollback(RollbackOption... rollbackOptions) {
    EnumSet<RollbackOption> set = EnumSet.noneOf(RollbackOption.class);
    for (RollbackOption o : rollbackOptions) {
      set.add(Objects.requireNonNull(o, "rollbackOptions"));
    }
    return new Rollback(this).run(set);
  }

  /** The plan for humans: fingerprint, steps, config decisions (names only), services, endpoints, add-ons, warnings. */
  public String render() {
    return wiring.redactor().redact(PlanText.render(this));
  }

  /** The plan as pretty-printed JSON (names only, no secret values), with its fingerprint and where it resumes. */
  public String toJson() {
    return wiring.redactor().redact(PlanJson.pretty(this));
  }

  @Override
  public String toString() {
    return "MigrationPlan[" + source() + " -> " + target() + ", " + steps.stream().filter(PlannedStep::willRun).count()
        + " steps, restore " + options.restore() + ", " + PlanText.describe(deploy()) + ", " + fingerprint.substring(0, 12)
        + "]";
  }
}
