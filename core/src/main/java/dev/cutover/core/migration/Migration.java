package dev.cutover.core.migration;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The entry point: moves an app from a {@link SourceApp} (Heroku) to a {@link TargetApp} (Aptible),
 * following the guide's steps with a journal, a lock, an audit trail, a verification gate and a report.
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
 * System.out.println(plan.render());   // secrets masked, with the plan's fingerprint
 * MigrationReport report = plan.run(); // or plan.run(Approval.of(fingerprint)); plan.resume() after a failure
 * }</pre>
 *
 * <p>Immutable: every option returns a new {@code Migration}, so a partly configured one can be
 * shared. Nothing happens until {@link #plan()}, which only reads. Required: {@link #deploy(Deploy)}.
 * Everything else has a default: the database spec follows the source's Postgres major version, the
 * restore strategy is {@link RestoreStrategy#PARALLEL}, the work directory is
 * {@code .cutover/<source>-to-<target>} with the journal, event log and report in it, and the data
 * mover and the repository preparation are found with {@link java.util.ServiceLoader} (add
 * {@code cutover-postgres} and {@code cutover-aptible} to the classpath). Every option lives in one
 * {@link MigrationOptions} value ({@link #options(UnaryOperator)}); the named methods are shortcuts.
 */
public final class Migration {
  private final Wiring wiring;
  private final MigrationOptions options;

  private Migration(Wiring wiring, MigrationOptions options) {
    this.wiring = wiring;
    this.options = options;
  }

  /** Starts a migration of {@code source}; name the target with {@link SourceStage#to(TargetApp)}. */
  public static SourceStage from(SourceApp source) {
    return new SourceStage(Objects.requireNonNull(source, "source"));
  }

  /**
   * A migration configured as the one that wrote {@code journal}: its options, as journalled (the
   * work directory and the journal path included). Registry credentials are never journalled: for
   * a private image deploy, pass {@link #deploy(Deploy)} again. Reads the file, nothing else.
   *
   * @throws ValidationException when the journal is missing, corrupt, or not a Cutover journal
   */
  public static Migration fromJournal(Path journal, SourceApp source, TargetApp target) {
    Path file = journal.toAbsolutePath().normalize();
    if (!Journal.exists(file)) {
      throw Journal.problem(file, "does not exist", "pass the journal written by the migration to resume");
    }
    Journal j = Journal.load(file);
    MigrationOptions o = j.options.withJournal(file);
    if (j.databaseHandle != null && o.database().isPresent() && o.database().get().handle().isEmpty()) {
      o = o.withDatabase(o.database().get().handle(j.databaseHandle));
    }
    return new Migration(Wiring.of(Objects.requireNonNull(source, "source"), Objects.requireNonNull(target, "target")), o);
  }

  /**
   * Reads what {@code journal} says about its migration (source, target, step states). Reads the file only.
   *
   * @throws ValidationException when the journal is missing, corrupt, or not a Cutover journal
   */
  public static JournalSummary readJournal(Path journal) {
    Path file = journal.toAbsolutePath().normalize();
    if (java.nio.file.Files.isDirectory(file)) {
      throw Journal.problem(file, "is a directory, not a journal file",
          "pass the journal file inside it, e.g. " + file.resolve("journal.json"));
    }
    if (!Journal.exists(file)) {
      throw Journal.problem(file, "does not exist", "pass the journal written by the migration");
    }
    return JournalSummary.of(Journal.load(file));
  }

  /**
   * Checks the audit trail of the migration journalled at {@code journal}: every line of its event
   * log chained to the one before by its hash, and the journal's record of the log's end. Reads only.
   *
   * @return the first broken line and what is wrong with it, or that the chain is intact
   * @throws ValidationException when the journal or its event log is missing or the journal is unreadable
   */
  public static AuditResult audit(Path journal) {
    Path file = journal.toAbsolutePath().normalize();
    if (!Journal.exists(file)) {
      throw Journal.problem(file, "does not exist", "pass the journal written by the migration");
    }
    Path log = EventLog.fileFor(file);
    if (!java.nio.file.Files.isRegularFile(log)) {
      throw Journal.problem(file, "has no event log beside it (" + log + ")", "the event log was deleted or moved:"
          + " the audit trail is gone; restore it from a backup");
    }
    Journal j = Journal.load(file);
    return EventLog.audit(log, j.eventLines, j.eventHead);
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

  /** Every option at once: {@code migration.options(o -> o.withKeepDump(true).withPort(8080))}. */
  public Migration options(UnaryOperator<MigrationOptions> change) {
    return new Migration(wiring, Objects.requireNonNull(change.apply(options), "options"));
  }

  /** The options as set so far. */
  public MigrationOptions options() {
    return options;
  }

  /** The database to create on the target. Default: PostgreSQL of the source's major version, sized from its data. */
  public Migration database(DatabaseSpec spec) {
    return options(o -> o.withDatabase(spec));
  }

  /** How the backup is restored. Default {@link RestoreStrategy#PARALLEL}. */
  public Migration restore(RestoreStrategy strategy) {
    return options(o -> o.withRestore(strategy));
  }

  /** How the code reaches the target. Required. */
  public Migration deploy(Deploy deploy) {
    return options(o -> o.withDeploy(deploy));
  }

  /** Where the journal lives (the lock and the event log go beside it). Default {@code <workDirectory>/journal.json}. */
  public Migration journal(Path file) {
    return options(o -> o.withJournal(file));
  }

  /** Where dumps (in a private 0700 directory), the journal and the report go. Default {@code .cutover/<source>-to-<target>}. */
  public Migration workDirectory(Path directory) {
    return options(o -> o.withWorkDirectory(directory));
  }

  /** Keep the dump file after the run (it is deleted on success and on failure otherwise). */
  public Migration keepDump(boolean keep) {
    return options(o -> o.withKeepDump(keep));
  }

  /**
   * Allow restoring into a target database that already holds data, replacing it. A restore the
   * journal shows this migration started before is always allowed to replace what it wrote.
   */
  public Migration replaceExisting(boolean replace) {
    return options(o -> o.withReplaceExisting(replace));
  }

  /** Use {@code containerSizeMb} for process type {@code processType} instead of the size mapped from its dyno. */
  public Migration containerSizeOverride(String processType, int containerSizeMb) {
    return options(o -> o.withContainerSize(processType, containerSizeMb));
  }

  /** The port the app listens on, set as {@code PORT} and exposed by the prepared repository. Default: the repository decides. */
  public Migration port(int port) {
    return options(o -> o.withPort(port));
  }

  /** Receives progress, on the runner's thread and on adapters' worker threads. Exceptions it throws are logged and ignored. */
  public Migration listener(MigrationListener listener) {
    return new Migration(wiring.listener(Objects.requireNonNull(listener, "listener")), options);
  }

  /** What moves and verifies the data. Default: the {@link DatabaseMover} found with {@link java.util.ServiceLoader}. */
  public Migration dataMover(DatabaseMover mover) {
    return new Migration(wiring.mover(Objects.requireNonNull(mover, "mover")), options);
  }

  /**
   * Moves the source's Redis add-ons too, with {@code mover} (e.g. {@code new RedisMigrator()} from
   * {@code cutover-redis}): every add-on whose config vars hold a {@code redis://} or {@code rediss://}
   * URL gets an Aptible Redis database sized from the memory it uses, its keys are copied after the
   * write fence and verified (a gate, like PostgreSQL), and its config vars are set to the new
   * database's URL. {@link #plan()} then reads each server's {@code INFO} (read-only), so it must be
   * reachable from here. Without this call Redis add-ons are listed as manual follow-ups.
   *
   * @param mover what copies and verifies Redis data
   * @return a copy with it
   */
  public Migration redis(dev.cutover.core.spi.RedisMover mover) {
    return new Migration(wiring.redis(Objects.requireNonNull(mover, "mover")), options);
  }

  /** What prepares the repository (step 3). Default: the one found with {@link java.util.ServiceLoader}, else none. */
  public Migration repoPreparation(RepoPreparation preparation) {
    return new Migration(wiring.preparation(Objects.requireNonNull(preparation, "preparation")), options);
  }

  /** The clock for timings, the journal and the event log. Default {@link Clock#systemUTC()}. */
  public Migration clock(Clock clock) {
    return new Migration(wiring.clock(Objects.requireNonNull(clock, "clock")), options);
  }

  /**
   * The run's shared tools: its redactor is the one every secret is registered with. Build the
   * clients with the same toolkit ({@code plan()} refuses a source or target with another
   * redactor). Default: the source's toolkit, else the target's, else a new one.
   */
  public Migration toolkit(dev.cutover.core.Toolkit toolkit) {
    return new Migration(wiring.redactor(Objects.requireNonNull(toolkit, "toolkit").redactor()).clock(toolkit.clock()),
        options);
  }

  /** The redactor shared with the adapters, so every secret in play is masked everywhere. Default: a new one. */
  public Migration redactor(Redactor redactor) {
    return new Migration(wiring.redactor(Objects.requireNonNull(redactor, "redactor")), options);
  }

  /** Adds a tool's version to the audit trail and the report (e.g. the {@code heroku} CLI the adapters use). */
  public Migration toolVersion(String tool, String version) {
    return new Migration(wiring.toolVersion(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(version,
        "version")), options);
  }

  /**
   * Runs, resumes and rolls back under {@code lock}, which the caller took (with
   * {@link MigrationLock#acquire} on {@link #journalFile()}) before anything else, and closes. Without
   * it each of them takes the lock itself.
   */
  public Migration lock(MigrationLock lock) {
    return new Migration(wiring.lock(Objects.requireNonNull(lock, "lock")), options);
  }

  /** The journal file this migration uses (the option, else {@code <workDirectory>/journal.json}), absolute. */
  public Path journalFile() {
    return Planner.journalFile(options, wiring);
  }

  /** The work directory this migration uses (the option, else {@code .cutover/<source>-to-<target>}), absolute. */
  public Path workDirectoryPath() {
    return Planner.workDirectory(options, wiring);
  }

  /**
   * Validates every input, inventories the source, checks what can be checked without changing
   * anything, and makes every decision. Blocks on read-only API calls.
   *
   * @throws ValidationException with every problem found (nothing was changed anywhere)
   */
  public MigrationPlan plan() {
    return Planner.plan(options, wiring);
  }

  @Override
  public String toString() {
    return "Migration[" + wiring.source().name() + " -> " + wiring.target().environment() + "/" + wiring.target().handle()
        + ", restore " + options.restore() + ", deploy " + options.deploy().map(PlanText::describe).orElse("none") + "]";
  }

  /** The first half of {@code Migration.from(source).to(target)}. */
  public static final class SourceStage {
    private final SourceApp source;

    private SourceStage(SourceApp source) {
      this.source = source;
    }

    /** Names the target app; chain options, then call {@link Migration#plan()}. */
    public Migration to(TargetApp target) {
      return new Migration(Wiring.of(source, Objects.requireNonNull(target, "target")), MigrationOptions.defaults());
    }

    @Override
    public String toString() {
      return "Migration.from(" + source.name() + ")";
    }
  }
}
