package dev.cutover.examples;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.ConsoleProgress;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.JournalSummary;
import dev.cutover.core.migration.Approval;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationLock;
import dev.cutover.core.migration.MigrationLockedException;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.RollbackOption;
import dev.cutover.core.migration.VerificationFailedException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.postgres.PgMigrator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code cutover} command line: {@code plan}, {@code migrate}, {@code resume}, {@code rollback},
 * {@code audit} and {@code demo}. Options come from flags or environment variables; progress goes to
 * stderr (a redrawn bar on a terminal), the plan and report to stdout.
 *
 * <p>{@code migrate}, {@code resume} and {@code rollback} take the migration's lock before anything
 * else (before any request to Heroku or Aptible) and hold it to the end; {@code migrate} runs only
 * after the operator typed the Heroku app's name on a terminal, or with {@code --yes}, or with
 * {@code --approve FINGERPRINT} (the fingerprint {@code cutover plan} printed), which refuses a plan
 * that changed since.
 *
 * <p>Exit codes: {@value #OK} done, {@value #BAD_INPUT} bad input, not confirmed, a changed plan or
 * a migration locked by another run (nothing was changed), {@value #VERIFICATION_FAILED} the
 * restored data did not verify (nothing was switched over), {@value #STEP_FAILED} a step failed (run
 * {@code cutover resume}), {@value #AUDIT_BROKEN} the audit trail was altered, {@value #CANCELLED}
 * cancelled (Ctrl-C; run {@code cutover resume}), {@value #INTERNAL} an unexpected error.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCli.Version.class,
    description = "Moves an app from Heroku to Aptible: plan, migrate, resume, rollback, or run the local demo.",
    subcommands = {CutoverCli.PlanCommand.class, CutoverCli.MigrateCommand.class, CutoverCli.ResumeCommand.class,
        CutoverCli.RollbackCommand.class, AuditCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "2:bad input, not confirmed, a changed plan or a locked migration; nothing was changed",
        "3:the restored data did not verify; nothing was switched over", "4:a step failed; fix it, then run `cutover resume`",
        "5:the audit trail was altered", "130:cancelled; run `cutover resume`", "1:unexpected error"})
public final class CutoverCli implements Runnable {
  public static final int OK = 0;
  public static final int INTERNAL = 1;
  public static final int BAD_INPUT = 2;
  public static final int VERIFICATION_FAILED = 3;
  public static final int STEP_FAILED = 4;
  public static final int AUDIT_BROKEN = 5;
  public static final int CANCELLED = 130;

  final Terminal terminal;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  private CutoverCli(Terminal terminal) {
    this.terminal = terminal;
  }

  /** Runs the CLI and exits with its code (unless the JVM is already shutting down after Ctrl-C). */
  public static void main(String[] args) {
    Thread worker = Thread.currentThread();
    java.util.concurrent.atomic.AtomicBoolean shuttingDown = new java.util.concurrent.atomic.AtomicBoolean();
    Thread hook = new Thread(() -> {
      // Ctrl-C: cancel the running step through an interrupt and let it journal where it stopped
      shuttingDown.set(true);
      worker.interrupt();
      try {
        worker.join(60_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "cutover-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    if (!shuttingDown.get()) {
      Runtime.getRuntime().removeShutdownHook(hook);
      System.exit(code);
    }
  }

  /** Runs the CLI with {@code args}, writing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, out, err, Terminal.system());
  }

  /** {@link #run(String[], PrintWriter, PrintWriter)} with {@code terminal} for the operator's confirmation. */
  static int run(String[] args, PrintWriter out, PrintWriter err, Terminal terminal) {
    CommandLine cli = new CommandLine(new CutoverCli(terminal));
    cli.addSubcommand("demo", demoCommand());
    cli.setOut(out).setErr(err);
    cli.setParameterExceptionHandler((e, a) -> {
      err.println("cutover: " + e.getMessage());
      err.println("Run `cutover " + e.getCommandLine().getCommandName().replace("cutover", "").trim() + " --help`"
          .replace("`cutover  --help`", "`cutover --help`") + " for the options.");
      return BAD_INPUT;
    });
    cli.setExecutionExceptionHandler((e, c, parsed) -> handle(e, err));
    return cli.execute(args);
  }

  /**
   * {@code demo} runs on the testkit, which only {@code cutover-demo.jar} carries: the production
   * {@code cutover.jar} ships no fakes, no SSH server and no testkit, and its {@code demo} says where
   * the demo is.
   */
  private static Object demoCommand() {
    try {
      return Class.forName("dev.cutover.examples.DemoCommand").getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | LinkageError e) {
      return new DemoElsewhere();
    }
  }

  /** {@code demo} in the production jar. */
  @Command(name = "demo", description = "Not in this jar: the demo is in cutover-demo.jar.")
  static final class DemoElsewhere implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getErr().println("cutover: the demo runs on the testkit, which this production jar does not "
          + "carry; run it with java -jar examples/target/cutover-demo.jar demo");
      return BAD_INPUT;
    }
  }

  static int handle(Exception e, PrintWriter err) {
    if (e instanceof MigrationLockedException locked) {
      err.println("cutover: " + locked.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof ValidationException v) {
      err.println("cutover: " + v.getMessage());
      return BAD_INPUT;
    }
    if (e instanceof VerificationFailedException v) {
      err.println("cutover: " + v.getMessage());
      err.println("Nothing was switched over; the source is still primary. Investigate, then `cutover resume` or `cutover rollback`.");
      return VERIFICATION_FAILED;
    }
    if (e instanceof MigrationCancelledException c) {
      err.println("cutover: " + c.getMessage());
      err.println("Run `cutover resume` to continue where it stopped, or `cutover rollback`.");
      return CANCELLED;
    }
    if (e instanceof MigrationException m) {
      err.println("cutover: " + m.getMessage());
      err.println("Fix the cause, then run `cutover resume` (it continues at the failed step), or `cutover rollback`.");
      return STEP_FAILED;
    }
    err.println("cutover: unexpected error: " + e);
    e.printStackTrace(err);
    return INTERNAL;
  }

  /** An image deploy; with {@code registryUser}, the password comes from {@code CUTOVER_REGISTRY_PASSWORD}. */
  static Deploy imageDeploy(String image, String registryUser, Redactor redactor) {
    if (registryUser == null) {
      return Deploy.dockerImage(image);
    }
    Secret password = Secret.fromEnv("CUTOVER_REGISTRY_PASSWORD").orElseThrow(() -> new ValidationException("cutover",
        List.of(new ValidationException.Problem("CUTOVER_REGISTRY_PASSWORD", "unset", "--registry-user needs a password",
            "export CUTOVER_REGISTRY_PASSWORD"))));
    return Deploy.dockerImage(image, new RegistryCredentials(registryUser, redactor.register(password)));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"cutover " + Optional.ofNullable(CutoverCli.class.getPackage().getImplementationVersion())
          .orElse("development")};
    }
  }

  /** How to reach Heroku and Aptible: flags for tokens' locations and non-default endpoints. */
  static final class Connection {
    @Option(names = "--heroku-api-url", defaultValue = "${env:CUTOVER_HEROKU_API_URL}",
        description = "Heroku Platform API root (default https://api.heroku.com; env CUTOVER_HEROKU_API_URL).")
    String herokuApiUrl;

    @Option(names = "--heroku-data-host", defaultValue = "${env:CUTOVER_HEROKU_DATA_HOST}",
        description = "Heroku Postgres data API host (env CUTOVER_HEROKU_DATA_HOST).")
    String herokuDataHost;

    @Option(names = "--heroku-ca-file", defaultValue = "${env:CUTOVER_HEROKU_CA_FILE}",
        description = "An extra PEM certificate to trust for Heroku (env CUTOVER_HEROKU_CA_FILE).")
    Path herokuCaFile;

    @Option(names = "--heroku-cli", defaultValue = "${env:CUTOVER_HEROKU_CLI}",
        description = "The heroku executable (or its run.js) (default heroku on PATH; env CUTOVER_HEROKU_CLI).")
    String herokuCli;

    @Option(names = "--aptible-cli", defaultValue = "${env:CUTOVER_APTIBLE_CLI}",
        description = "The aptible executable (default aptible on PATH; env CUTOVER_APTIBLE_CLI).")
    String aptibleCli;

    @Option(names = "--aptible-git-remote", defaultValue = "${env:CUTOVER_APTIBLE_GIT_REMOTE}",
        description = "Git remote template with two %%s for environment and app (default git@beta.aptible.com:%%s/%%s.git).")
    String aptibleGitRemote;

    @Option(names = "--ssh-key", defaultValue = "${env:CUTOVER_SSH_KEY}",
        description = "Private key for the git push to Aptible (default your ~/.ssh keys; env CUTOVER_SSH_KEY).")
    Path sshKey;

    @Option(names = "--ssh-known-hosts", defaultValue = "${env:CUTOVER_SSH_KNOWN_HOSTS}",
        description = "known_hosts for the git push (default ~/.ssh/known_hosts; env CUTOVER_SSH_KNOWN_HOSTS).")
    Path knownHosts;

    @Option(names = "--tunnel-sslmode", defaultValue = "${env:CUTOVER_TUNNEL_SSLMODE}",
        description = "libpq sslmode through the database tunnel (default require; env CUTOVER_TUNNEL_SSLMODE).")
    String tunnelSslMode;

    HerokuClient heroku(Redactor redactor) {
      Secret key = Secret.fromEnv("HEROKU_API_KEY").orElseThrow(() -> new ValidationException("cutover", List.of(
          new ValidationException.Problem("HEROKU_API_KEY", "unset", "no Heroku API token",
              "export HEROKU_API_KEY=$(heroku auth:token)"))));
      HerokuClient.Builder b = HerokuClient.builder().apiKey(key).redactor(redactor);
      if (herokuApiUrl != null) {
        b.apiUrl(herokuApiUrl);
      }
      if (herokuDataHost != null) {
        b.dataApiHost(herokuDataHost);
      }
      if (herokuCaFile != null) {
        b.extraCaCertificate(herokuCaFile);
      }
      if (herokuCli != null) {
        b.cliCommand(herokuCli.endsWith(".js") ? List.of("node", herokuCli) : List.of(herokuCli));
      }
      return b.build();
    }

    AptibleClient aptible(String environment, Redactor redactor) {
      AptibleClient.Builder b = AptibleClient.builder().environment(environment).redactor(redactor);
      if (aptibleCli != null) {
        b.cliCommand(List.of(aptibleCli));
      }
      if (aptibleGitRemote != null) {
        b.gitRemoteTemplate(aptibleGitRemote);
      }
      if (sshKey != null) {
        b.gitSshKey(sshKey);
      }
      if (knownHosts != null) {
        b.gitKnownHosts(knownHosts);
      }
      if (tunnelSslMode != null) {
        b.tunnelSslMode(tunnelSslMode);
      }
      return b.build();
    }
  }

  /** What to migrate and how: every option of {@link Migration}. */
  static final class MigrationOptions {
    @Option(names = {"-a", "--app"}, defaultValue = "${env:CUTOVER_HEROKU_APP}",
        description = "The Heroku app (env CUTOVER_HEROKU_APP).")
    String app;

    @Option(names = {"-t", "--to"}, defaultValue = "${env:CUTOVER_APTIBLE_APP}",
        description = "The Aptible app handle (default: the Heroku app's name; env CUTOVER_APTIBLE_APP).")
    String targetApp;

    @Option(names = {"-e", "--environment"}, defaultValue = "${env:CUTOVER_APTIBLE_ENVIRONMENT}",
        description = "The Aptible environment (env CUTOVER_APTIBLE_ENVIRONMENT).")
    String environment;

    @Option(names = "--repo", defaultValue = "${env:CUTOVER_REPO:-.}", description = "The app's git repository (default .).")
    Path repo;

    @Option(names = "--branch", defaultValue = "${env:CUTOVER_BRANCH:-main}", description = "The branch to deploy (default main).")
    String branch;

    @Option(names = "--image", defaultValue = "${env:CUTOVER_IMAGE}",
        description = "Deploy this Docker image instead of a git push (env CUTOVER_IMAGE).")
    String image;

    @Option(names = "--registry-user", defaultValue = "${env:CUTOVER_REGISTRY_USER}",
        description = "Private registry user; the password comes from env CUTOVER_REGISTRY_PASSWORD.")
    String registryUser;

    @Option(names = "--db-version", description = "Aptible PostgreSQL version (default: the Heroku database's major).")
    String dbVersion;

    @Option(names = "--db-disk-gb", description = "Database disk size in GB (default 10, or twice the data).")
    Integer dbDiskGb;

    @Option(names = "--db-container-mb", description = "Database container size in MB (default 1024).")
    Integer dbContainerMb;

    @Option(names = "--db-handle", description = "Database handle (default <app>-db).")
    String dbHandle;

    @Option(names = "--restore", defaultValue = "${env:CUTOVER_RESTORE:-PARALLEL}",
        description = "Restore strategy: ${COMPLETION-CANDIDATES} (default PARALLEL).")
    RestoreStrategy restore;

    @Option(names = "--work-dir", defaultValue = "${env:CUTOVER_WORK_DIR}",
        description = "Dumps, journal and report (default .cutover/<app>-to-<target>).")
    Path workDir;

    @Option(names = "--journal", defaultValue = "${env:CUTOVER_JOURNAL}", description = "The journal file (default <work-dir>/journal.json).")
    Path journal;

    @Option(names = "--keep-dump", description = "Keep the dump after the run.")
    boolean keepDump;

    @Option(names = "--replace-existing", description = "Restore into a target database that already holds data, replacing it.")
    boolean replaceExisting;

    @Option(names = "--size", description = "Container size override per process type, e.g. --size worker=2048.")
    Map<String, Integer> sizes = new LinkedHashMap<>();

    @Option(names = "--port", description = "The port the app listens on, set as PORT (default: the Dockerfile's EXPOSE, else 3000).")
    Integer port;

    @Option(names = "--jobs", description = "Parallel restore workers, 1-64 (default: the data mover's, 2).")
    Integer jobs;

    Migration apply(Migration m, Redactor redactor) {
      if (image != null) {
        m = m.deploy(imageDeploy(image, registryUser, redactor));
      } else if (repo != null) {
        m = m.deploy(Deploy.git(repo.toAbsolutePath(), branch));
      }
      if (dbVersion != null || dbDiskGb != null || dbContainerMb != null || dbHandle != null) {
        if (dbVersion == null) {
          throw new ValidationException("cutover", List.of(new ValidationException.Problem("--db-version", "unset",
              "is needed with --db-disk-gb, --db-container-mb or --db-handle", "pass --db-version, e.g. 16")));
        }
        DatabaseSpec spec = DatabaseSpec.postgresql(dbVersion);
        spec = dbDiskGb == null ? spec : spec.diskSizeGb(dbDiskGb);
        spec = dbContainerMb == null ? spec : spec.containerSizeMb(dbContainerMb);
        spec = dbHandle == null ? spec : spec.handle(dbHandle);
        m = m.database(spec);
      }
      m = m.restore(restore).keepDump(keepDump).replaceExisting(replaceExisting);
      if (workDir != null) {
        m = m.workDirectory(workDir);
      }
      if (journal != null) {
        m = m.journal(journal);
      }
      for (Map.Entry<String, Integer> e : sizes.entrySet()) {
        m = m.containerSizeOverride(e.getKey(), e.getValue());
      }
      if (port != null) {
        m = m.port(port);
      }
      if (jobs != null) {
        m = m.options(o -> o.withJobs(jobs));
      }
      return m;
    }

    /** Every option problem at once, and a missing token, before any client is built. */
    void requireNames() {
      requireNames(false);
    }

    /** {@link #requireNames()}, and with {@code unconfirmable} the missing --yes/--approve without a terminal. */
    void requireNames(boolean unconfirmable) {
      ValidationException.Collector problems = ValidationException.collector("cutover");
      if (unconfirmable) {
        problems.add("--yes", "unset", "there is no terminal to confirm the migration on",
            "pass --yes, or --approve FINGERPRINT with the fingerprint `cutover plan` printed");
      }
      if (app == null || app.isBlank()) {
        problems.add("--app", "unset", "the Heroku app is required", "pass --app NAME or set CUTOVER_HEROKU_APP");
      }
      if (environment == null || environment.isBlank()) {
        problems.add("--environment", "unset", "the Aptible environment is required",
            "pass --environment HANDLE or set CUTOVER_APTIBLE_ENVIRONMENT");
      }
      if (dbVersion == null && (dbDiskGb != null || dbContainerMb != null || dbHandle != null)) {
        problems.add("--db-version", "unset", "is needed with --db-disk-gb, --db-container-mb or --db-handle",
            "pass --db-version, e.g. 16");
      }
      if (image != null && registryUser != null && Secret.fromEnv("CUTOVER_REGISTRY_PASSWORD").isEmpty()) {
        problems.add("CUTOVER_REGISTRY_PASSWORD", "unset", "--registry-user needs a password", "export CUTOVER_REGISTRY_PASSWORD");
      }
      if (Secret.fromEnv("HEROKU_API_KEY").isEmpty()) {
        problems.add("HEROKU_API_KEY", "unset", "no Heroku API token", "export HEROKU_API_KEY=$(heroku auth:token)");
      }
      problems.throwIfAny();
    }
  }

  /** Output options shared by the commands that run steps. */
  static final class Output {
    @Option(names = {"-q", "--quiet"}, description = "No progress on stderr.")
    boolean quiet;

    MigrationListener listener() {
      return quiet ? MigrationListener.NONE : ConsoleProgress.stderr();
    }
  }

  /** Builds the clients and the migration from options; shared by the commands. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    Connection connection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Redactor redactor = Redactor.create();
    final List<AutoCloseable> toClose = new ArrayList<>();
    HerokuClient heroku;
    MigrationLock lock;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** The migration with its clients; nothing is sent anywhere yet. */
    Migration migration(String app, String environment, String target) {
      heroku = connection.heroku(redactor);
      toClose.add(heroku);
      AptibleClient aptible = connection.aptible(environment, redactor);
      return Migration.from(heroku.app(app)).to(aptible.app(target))
          .dataMover(PgMigrator.builder().redactor(redactor).build())
          .redactor(redactor);
    }

    /**
     * Takes the migration's lock for {@code command} before any request (a run already holding it
     * refuses this one here, exit 2), then adds the heroku CLI's version: it goes into the report,
     * and checking it fails early when it is missing or too old.
     */
    Migration locked(Migration m, String command) {
      lock = MigrationLock.acquire(m.journalFile(), command);
      lock.takenOver().ifPresent(dead -> spec.commandLine().getErr().println("cutover: took over the lock of "
          + dead + ": that process is gone"));
      return m.lock(lock).toolVersion("heroku CLI", heroku.cliVersion());
    }

    @Override
    public final Integer call() throws Exception {
      try {
        return execute();
      } finally {
        for (AutoCloseable c : toClose) {
          c.close();
        }
        if (lock != null) {
          lock.close();
        }
      }
    }

    abstract int execute();

    void printReport(MigrationReport report) {
      out().println();
      out().println(report.toMarkdown());
    }
  }

  @Command(name = "plan", description = "Shows what a migration would do. Validates everything, changes nothing.")
  static final class PlanCommand extends Base {
    @Mixin
    MigrationOptions options;

    @Option(names = "--json", description = "Print the plan as JSON.")
    boolean json;

    @Override
    int execute() {
      options.requireNames();
      Migration m = options.apply(migration(options.app, options.environment,
          Optional.ofNullable(options.targetApp).orElse(options.app)), redactor);
      MigrationPlan plan = m.toolVersion("heroku CLI", heroku.cliVersion()).plan();
      out().print(json ? plan.toJson() : plan.render());
      out().flush();
      // kept by fingerprint, so `migrate --approve` can name what changed since it was approved
      java.nio.file.Path saved = plan.save();
      spec.commandLine().getErr().println("Plan " + plan.fingerprint() + " saved in " + saved + ". To run exactly this"
          + " plan: cutover migrate (same options) --approve " + plan.fingerprint());
      return OK;
    }
  }

  @Command(name = "migrate", description = "Takes the migration's lock, plans, prints the plan, asks for confirmation"
      + " (or takes --yes / --approve), then runs every step (or continues a journalled run).")
  static final class MigrateCommand extends Base {
    @Mixin
    MigrationOptions options;

    @Mixin
    Output output;

    @Option(names = "--approve", paramLabel = "FINGERPRINT", defaultValue = "${env:CUTOVER_APPROVE}",
        description = "Run only the plan with this fingerprint (from `cutover plan`); a changed plan is refused, naming"
            + " what changed (env CUTOVER_APPROVE).")
    String approve;

    @Option(names = "--yes", description = "Run without asking on the terminal (needed without a terminal, unless --approve).")
    boolean yes;

    @CommandLine.ParentCommand
    CutoverCli cli;

    @Override
    int execute() {
      Terminal terminal = cli == null ? Terminal.NONE : cli.terminal;
      options.requireNames(approve == null && !yes && terminal == Terminal.NONE);
      Approval approval = approve == null ? null : Approval.of(approve);
      Migration m = options.apply(migration(options.app, options.environment,
          Optional.ofNullable(options.targetApp).orElse(options.app)), redactor).listener(output.listener());
      MigrationPlan plan = locked(m, "migrate").plan();
      out().print(plan.render());
      out().flush();
      if (approval != null) {
        printReport(plan.run(Approval.stored(plan.workDirectory(), approval.fingerprint())));
        return OK;
      }
      if (!yes && !confirmed(terminal, plan.source(), plan.target())) {
        spec.commandLine().getErr().println("cutover: not confirmed: nothing was changed.");
        return BAD_INPUT;
      }
      printReport(plan.run());
      return OK;
    }

  }

  /** Asks the operator on {@code terminal} to type the Heroku app's name; true only when they typed exactly it. */
  static boolean confirmed(Terminal terminal, String source, String target) {
    return terminal.ask("This puts " + source + " into maintenance mode and migrates it to " + target
        + ". Type the Heroku app's name to go on: ").map(String::strip).filter(source::equals).isPresent();
  }

  /** Reads the journal named by flags (or the default work directory) and rebuilds the migration from it. */
  abstract static class JournalCommand extends Base {
    @Option(names = "--journal", required = true, defaultValue = "${env:CUTOVER_JOURNAL}",
        description = "The journal of the migration (env CUTOVER_JOURNAL).")
    Path journal;

    @Option(names = "--image", defaultValue = "${env:CUTOVER_IMAGE}", hidden = true,
        description = "For an image deploy with a private registry: the image again (credentials are never journalled).")
    String image;

    @Option(names = "--registry-user", defaultValue = "${env:CUTOVER_REGISTRY_USER}", hidden = true)
    String registryUser;

    @Mixin
    Output output;

    /** The journalled migration under its lock (taken for {@code command} before any request). */
    Migration fromJournal(String command) {
      JournalSummary summary = Migration.readJournal(journal);
      heroku = connection.heroku(redactor);
      toClose.add(heroku);
      AptibleClient aptible = connection.aptible(summary.targetEnvironment(), redactor);
      Migration m = Migration.fromJournal(journal, heroku.app(summary.source()), aptible.app(summary.targetApp()))
          .dataMover(PgMigrator.builder().redactor(redactor).build()).redactor(redactor).listener(output.listener());
      if (image != null) {
        m = m.deploy(imageDeploy(image, registryUser, redactor));
      }
      return locked(m, command);
    }
  }

  @Command(name = "resume", description = "Continues a migration at its first unfinished step, from its journal;"
      + " refused while another run of it holds its lock.")
  static final class ResumeCommand extends JournalCommand {
    @Option(names = "--approve", paramLabel = "FINGERPRINT", defaultValue = "${env:CUTOVER_APPROVE}",
        description = "Resume only if the plan computed now has this fingerprint (env CUTOVER_APPROVE).")
    String approve;

    @Override
    int execute() {
      Approval approval = approve == null ? null : Approval.of(approve);
      MigrationPlan plan = fromJournal("resume").plan();
      spec.commandLine().getErr().println("Resuming " + plan.source() + " -> " + plan.target() + " at "
          + plan.resumesAt().map(Object::toString).orElse("the report (every step is done)"));
      printReport(approval == null ? plan.resume()
          : plan.resume(Approval.stored(plan.workDirectory(), approval.fingerprint())));
      return OK;
    }
  }

  @Command(name = "rollback", description = "Undoes what the migration changed on Heroku (maintenance off: it is primary"
      + " again); Aptible resources stay and are listed. Refused when another completed migration cut Heroku over.")
  static final class RollbackCommand extends JournalCommand {
    @Option(names = "--scale-to-zero", description = "Also scale the Aptible app's services to zero containers.")
    boolean scaleToZero;

    @Override
    int execute() {
      MigrationPlan plan = fromJournal("rollback").plan();
      printReport(scaleToZero ? plan.rollback(RollbackOption.SCALE_TARGET_TO_ZERO) : plan.rollback());
      return OK;
    }
  }
}
