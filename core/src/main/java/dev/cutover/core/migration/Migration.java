package dev.cutover.core.migration;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The entry point: moves an app from a {@link SourceApp} (Heroku) to a {@link TargetApp} (Aptible),
 * following the guide's steps with a journal, a verification gate and a report.
 *
 * <pre>{@code
 * MigrationPlan plan = Migration.from(heroku.app("my-heroku-app"))
 *     .to(aptible.app("my-app"))
 *     .database(DatabaseSpec.postgresql("16").diskSizeGb(100).containerSizeMb(4096))
 *     .restore(RestoreStrategy.PARALLEL)
 *     .deploy(Deploy.git(Path.of("."), "main"))
 *     .journal(Path.of("cutover-journal.json"))
 *     .listener(ConsoleProgress.stderr())
 *     .plan();                          // validates everything, changes nothing
 * System.out.println(plan.render());   // secrets masked
 * MigrationReport report = plan.run(); // or plan.resume() after a failure
 * }</pre>
 *
 * <p>Immutable: every option returns a new {@code Migration}, so a partly configured one can be
 * shared. Nothing happens until {@link #plan()}, which only reads. Required: {@link #deploy(Deploy)}.
 * Everything else has a default: the database spec follows the source's Postgres major version, the
 * restore strategy is {@link RestoreStrategy#PARALLEL}, the work directory is
 * {@code .cutover/<source>-to-<target>} with the journal and report in it, and the data mover and the
 * repository preparation are found with {@link java.util.ServiceLoader} (add {@code cutover-postgres}
 * and {@code cutover-aptible} to the classpath).
 */
public final class Migration {
  private final Settings settings;

  private Migration(Settings settings) {
    this.settings = settings;
  }

  /** Starts a migration of {@code source}; name the target with {@link SourceStage#to(TargetApp)}. */
  public static SourceStage from(SourceApp source) {
    return new SourceStage(Objects.requireNonNull(source, "source"));
  }

  /**
   * A migration configured as the one that wrote {@code journal}: the same restore strategy, deploy,
   * database spec, work directory and overrides. Registry credentials are never journalled: for a
   * private image deploy, pass {@link #deploy(Deploy)} again. Reads the file, nothing else.
   *
   * @throws ValidationException when the journal is missing, corrupt, or not a Cutover journal
   */
  public static Migration fromJournal(Path journal, SourceApp source, TargetApp target) {
    Path file = journal.toAbsolutePath().normalize();
    if (!Journal.exists(file)) {
      throw Journal.problem(file, "does not exist", "pass the journal written by the migration to resume");
    }
    Journal j = Journal.load(file);
    Settings s = new Settings();
    s.source = Objects.requireNonNull(source, "source");
    s.target = Objects.requireNonNull(target, "target");
    s.journal = file;
    Journal.Options o = j.options;
    if (o.restoreStrategy != null) {
      s.restore = RestoreStrategy.valueOf(o.restoreStrategy);
    }
    if ("git".equals(o.deployKind) && o.deployRepo != null && o.deployBranch != null) {
      Deploy.Git git = Deploy.git(Path.of(o.deployRepo), o.deployBranch);
      s.deploy = o.deploySshKey == null ? git : git.sshKey(Path.of(o.deploySshKey));
    } else if ("docker-image".equals(o.deployKind) && o.deployImage != null) {
      s.deploy = Deploy.dockerImage(o.deployImage);
    }
    if (o.databaseType != null && o.databaseVersion != null) {
      DatabaseSpec spec = new DatabaseSpec(o.databaseType, o.databaseVersion, o.databaseDiskGb, o.databaseContainerMb,
          Optional.empty());
      s.database = j.databaseHandle == null ? spec : spec.handle(j.databaseHandle);
    }
    if (o.workDirectory != null) {
      s.workDirectory = Path.of(o.workDirectory);
    }
    s.keepDump = o.keepDump;
    s.replaceExisting = o.replaceExisting;
    s.containerSizeOverrides.putAll(o.containerSizeOverrides);
    s.port = o.port;
    return new Migration(s);
  }

  /**
   * Reads what {@code journal} says about its migration (source, target, step states). Reads the file only.
   *
   * @throws ValidationException when the journal is missing, corrupt, or not a Cutover journal
   */
  public static JournalSummary readJournal(Path journal) {
    Path file = journal.toAbsolutePath().normalize();
    if (!Journal.exists(file)) {
      throw Journal.problem(file, "does not exist", "pass the journal written by the migration");
    }
    return JournalSummary.of(Journal.load(file));
  }

  /**
   * Continues the migration that wrote {@code journal} at its first unfinished step. Same as
   * {@code fromJournal(journal, source, target).listener(listener).plan().resume()}. Blocks.
   *
   * @throws ValidationException when the journal is missing, corrupt, or belongs to another migration
   * @throws dev.cutover.core.MigrationException when a step fails again (resume once more after fixing it)
   */
  public static MigrationReport resume(Path journal, SourceApp source, TargetApp target, MigrationListener listener) {
    return fromJournal(journal, source, target).listener(listener).plan().resume();
  }

  private Migration with(java.util.function.Consumer<Settings> change) {
    Settings copy = settings.copy();
    change.accept(copy);
    return new Migration(copy);
  }

  /** The database to create on the target. Default: PostgreSQL of the source's major version, sized from its data. */
  public Migration database(DatabaseSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return with(s -> s.database = spec);
  }

  /** How the backup is restored. Default {@link RestoreStrategy#PARALLEL}. */
  public Migration restore(RestoreStrategy strategy) {
    Objects.requireNonNull(strategy, "strategy");
    return with(s -> s.restore = strategy);
  }

  /** How the code reaches the target. Required. */
  public Migration deploy(Deploy deploy) {
    Objects.requireNonNull(deploy, "deploy");
    return with(s -> s.deploy = deploy);
  }

  /** Where the journal lives. Default {@code <workDirectory>/journal.json}. */
  public Migration journal(Path file) {
    Objects.requireNonNull(file, "file");
    return with(s -> s.journal = file);
  }

  /** Receives progress, on the pipeline's thread and on adapters' worker threads. Exceptions it throws are logged and ignored. */
  public Migration listener(MigrationListener listener) {
    Objects.requireNonNull(listener, "listener");
    return with(s -> s.listener = listener);
  }

  /** Where dumps (in a private 0700 directory), the journal and the report go. Default {@code .cutover/<source>-to-<target>}. */
  public Migration workDirectory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return with(s -> s.workDirectory = directory);
  }

  /** Keep the dump file after the run (it is deleted on success and on failure otherwise). */
  public Migration keepDump(boolean keep) {
    return with(s -> s.keepDump = keep);
  }

  /**
   * Allow restoring into a target database that already holds data, replacing it. A restore the
   * journal shows this migration started before is always allowed to replace what it wrote.
   */
  public Migration replaceExisting(boolean replace) {
    return with(s -> s.replaceExisting = replace);
  }

  /** Use {@code containerSizeMb} for process type {@code processType} instead of the size mapped from its dyno. */
  public Migration containerSizeOverride(String processType, int containerSizeMb) {
    Objects.requireNonNull(processType, "processType");
    return with(s -> s.containerSizeOverrides.put(processType, containerSizeMb));
  }

  /** What moves and verifies the data. Default: the {@link DatabaseMover} found with {@link java.util.ServiceLoader}. */
  public Migration dataMover(DatabaseMover mover) {
    Objects.requireNonNull(mover, "mover");
    return with(s -> s.dataMover = mover);
  }

  /** What prepares the repository (step 3). Default: the one found with {@link java.util.ServiceLoader}, else none. */
  public Migration repoPreparation(RepoPreparation preparation) {
    Objects.requireNonNull(preparation, "preparation");
    return with(s -> s.repoPreparation = preparation);
  }

  /** The clock for timings and the journal. Default {@link Clock#systemUTC()}. */
  public Migration clock(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return with(s -> s.clock = clock);
  }

  /** The redactor shared with the adapters, so every secret in play is masked everywhere. Default: a new one. */
  public Migration redactor(Redactor redactor) {
    Objects.requireNonNull(redactor, "redactor");
    return with(s -> s.redactor = redactor);
  }

  /** The port the app listens on, set as {@code PORT}. Default: the Dockerfile's lowest {@code EXPOSE}, else 3000. */
  public Migration port(int port) {
    return with(s -> s.port = port);
  }

  /** Adds a tool's version to the report (e.g. the {@code heroku} and {@code aptible} CLIs the adapters use). */
  public Migration toolVersion(String tool, String version) {
    Objects.requireNonNull(tool, "tool");
    Objects.requireNonNull(version, "version");
    return with(s -> s.toolVersions.put(tool, version));
  }

  /**
   * Validates every input, inventories the source, checks what can be checked without changing
   * anything, and computes the steps. Blocks on read-only API calls.
   *
   * @throws ValidationException with every problem found (nothing was changed anywhere)
   */
  public MigrationPlan plan() {
    return Planner.plan(settings.copy());
  }

  @Override
  public String toString() {
    return "Migration[" + settings.source.name() + " -> " + (settings.target == null ? "?" : settings.target.environment()
        + "/" + settings.target.handle()) + ", restore " + settings.restore + ", deploy " + settings.deploy + "]";
  }

  /** The first half of {@code Migration.from(source).to(target)}. */
  public static final class SourceStage {
    private final SourceApp source;

    private SourceStage(SourceApp source) {
      this.source = source;
    }

    /** Names the target app; chain options, then call {@link Migration#plan()}. */
    public Migration to(TargetApp target) {
      Settings s = new Settings();
      s.source = source;
      s.target = Objects.requireNonNull(target, "target");
      return new Migration(s);
    }

    @Override
    public String toString() {
      return "Migration.from(" + source.name() + ")";
    }
  }
}
