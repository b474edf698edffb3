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
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.migration.RehearsalReport;
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
 * The {@code cutover} command line: {@code plan}, {@code rehearse}, {@code migrate}, {@code resume},
 * {@code rollback}, {@code status}, {@code audit} and {@code demo}. Options come from flags or environment variables; progress goes to
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
 * restored data (or a rehearsal's scratch data) did not verify (nothing was switched over), {@value #STEP_FAILED} a step failed (run
 * {@code cutover resume} when a journal was written), {@value #AUDIT_BROKEN} the audit trail was altered,
 * {@value #CANCELLED} cancelled (Ctrl-C), {@value #INTERNAL} an unexpected error.
 */
@Command(name = "cutover", mixinStandardHelpOptions = true, versionProvider = CutoverCli.Version.class,
    description = "Moves an app from Heroku to Aptible: plan, rehearse, migrate, resume, rollback, status, or run the local"
        + " demo."
        + " Every option also reads the environment variable its description names; a flag wins over it.",
    subcommands = {CutoverCli.PlanCommand.class, CutoverCli.RehearseCommand.class, CutoverCli.MigrateCommand.class, CutoverCli.ResumeCommand.class,
        CutoverCli.RollbackCommand.class, StatusCommand.class, AuditCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "2:bad input, not confirmed, a changed plan or a locked migration; nothing was changed",
        "3:the restored data (or a rehearsal's scratch data) did not verify; nothing was switched over",
        "4:a request or step failed; the message says whether a journal was written (then `cutover resume` continues)",
        "5:the audit trail was altered", "130:cancelled (Ctrl-C); the message says the Heroku app's state and the journal",
        "1:unexpected error"})
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
    return commandLine(terminal, out, err).execute(args);
  }

  /**
   * The command line with every subcommand: enum values in any case, every parse error of one
   * invocation collected and reported together with the command's own checks (see {@link Validated}).
   */
  static CommandLine commandLine(Terminal terminal, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new CutoverCli(terminal));
    cli.addSubcommand("demo", demoCommand());
    cli.setOut(out).setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    collectErrors(cli);
    cli.setParameterExceptionHandler((e, a) -> handle(e, err, e.getCommandLine()));
    cli.setExecutionExceptionHandler((e, c, parsed) -> handle(e, err, c));
    cli.setExecutionStrategy(CutoverCli::execute);
    return cli;
  }

  private static void collectErrors(CommandLine c) {
    c.getCommandSpec().parser().collectErrors(true);
    c.getSubcommands().values().forEach(CutoverCli::collectErrors);
  }

  /** Help first; then every parse error and every problem the command finds in its options, in one message. */
  private static int execute(CommandLine.ParseResult parsed) {
    Integer help = CommandLine.executeHelpRequest(parsed);
    if (help != null) {
      return help;
    }
    List<CommandLine.ParseResult> chain = new ArrayList<>();
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      chain.add(p);
    }
    CommandLine leaf = chain.get(chain.size() - 1).commandSpec().commandLine();
    ValidationException.Collector problems = ValidationException.collector("cutover");
    for (CommandLine.ParseResult p : chain) {
      for (Exception e : p.errors()) {
        parseProblem(e, leaf, problems);
      }
    }
    if (!problems.isEmpty()) {
      if (leaf.getCommand() instanceof Validated v) {
        v.validate(problems);
      }
      return handle(new ValidationException("cutover", problems.problems()), leaf.getErr(), leaf);
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  /** A picocli parse error as a problem: the option, the value, what is wrong, and where the options are. */
  private static void parseProblem(Exception e, CommandLine leaf, ValidationException.Collector problems) {
    String help = "see `" + leaf.getCommandSpec().qualifiedName() + " --help`";
    if (e instanceof CommandLine.UnmatchedArgumentException u) {
      for (String arg : u.getUnmatched()) {
        List<String> near = u.getSuggestions();
        problems.add(arg, arg, "is not an option of " + leaf.getCommandSpec().qualifiedName(),
            near.isEmpty() ? help : "did you mean " + String.join(" or ", near) + "? " + help);
      }
    } else if (e instanceof CommandLine.MissingParameterException m) {
      for (CommandLine.Model.ArgSpec a : m.getMissing()) {
        problems.add(name(a), "", "is required", describe(a) + "; " + help);
      }
    } else if (e instanceof CommandLine.ParameterException p && p.getArgSpec() != null) {
      problems.add(name(p.getArgSpec()), String.valueOf(p.getValue()), p.getMessage(), help);
    } else {
      problems.add("arguments", "", e.getMessage(), help);
    }
  }

  private static String name(CommandLine.Model.ArgSpec a) {
    return a instanceof CommandLine.Model.OptionSpec o ? o.longestName() : a.paramLabel();
  }

  private static String describe(CommandLine.Model.ArgSpec a) {
    return "pass " + name(a) + " " + a.paramLabel() + envVariable(a).map(v -> " or set " + v).orElse("");
  }

  /** The environment variable an option reads, as its description names it ({@code env NAME}). */
  static Optional<String> envVariable(CommandLine.Model.ArgSpec a) {
    java.util.regex.Matcher m = ENV.matcher(String.join(" ", a.description()));
    String last = null;
    while (m.find()) {
      last = m.group(1); // the last one: "the password comes from env X (env Y)" reads Y
    }
    return Optional.ofNullable(last);
  }

  private static final java.util.regex.Pattern ENV = java.util.regex.Pattern.compile("\\benv ([A-Z][A-Z0-9_]*)");

  /** A command that checks its own options before anything is sent anywhere, adding every problem it finds. */
  interface Validated {
    /** Adds every problem with this command's options (and environment) to {@code problems}. */
    void validate(ValidationException.Collector problems);
  }

  /** A command whose failures may leave a journal behind; {@link #handle} names it and says what to run next. */
  interface Journalled {
    /** The journal this run uses, once known. */
    Optional<Path> journalFile();
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
  @Command(name = "demo", mixinStandardHelpOptions = true, description = "Not in this jar: the demo is in cutover-demo.jar.")
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
    return handle(e, err, null);
  }

  /**
   * Prints what went wrong once (one {@code cutover:} prefix, every problem of a bad input listed) and
   * what to do next, true to what exists: {@code resume} only when a journal was written, and after
   * Ctrl-C or a failure, whether the Heroku app is in maintenance mode and where the journal is.
   */
  static int handle(Exception e, PrintWriter err, CommandLine command) {
    Optional<Path> journal = command != null && command.getCommand() instanceof Journalled j
        ? j.journalFile().filter(java.nio.file.Files::isRegularFile) : Optional.empty();
    if (e instanceof ValidationException v) {
      err.println("cutover: " + v.problems().size() + (v.problems().size() == 1 ? " problem" : " problems")
          + ", nothing was changed:");
      v.problems().forEach(p -> err.println("  - " + p));
      return BAD_INPUT;
    }
    if (e instanceof CommandLine.ParameterException p) {
      ValidationException.Collector problems = ValidationException.collector("cutover");
      parseProblem(p, p.getCommandLine(), problems);
      return handle(new ValidationException("cutover", problems.problems()), err, command);
    }
    if (e instanceof MigrationLockedException locked) {
      err.println(prefixed(locked.getMessage()));
      return BAD_INPUT;
    }
    if (e instanceof VerificationFailedException v) {
      err.println(prefixed(v.getMessage()));
      err.println("Nothing was switched over; the source is still primary.");
      journal.ifPresent(j -> err.println(Standing.of(j).map(s -> s.afterFailure(j)).orElse("Journal: " + j)));
      return VERIFICATION_FAILED;
    }
    if (e instanceof MigrationCancelledException c) {
      err.println(prefixed(c.getMessage()));
      err.println(journal.flatMap(j -> Standing.of(j).map(s -> s.afterFailure(j)))
          .orElse("Cancelled before anything was journalled: nothing to resume, nothing changed on Heroku."));
      return CANCELLED;
    }
    if (e instanceof MigrationException m) {
      err.println(prefixed(m.getMessage()));
      err.println(journal.flatMap(j -> Standing.of(j).map(s -> s.afterFailure(j)))
          .orElse("No journal was written: there is nothing to resume. Fix the cause and run the command again."));
      return STEP_FAILED;
    }
    err.println("cutover: unexpected error: " + e);
    e.printStackTrace(err);
    return INTERNAL;
  }

  /** {@code message} with one {@code cutover: } in front. */
  static String prefixed(String message) {
    String m = String.valueOf(message);
    while (m.startsWith("cutover: ")) {
      m = m.substring("cutover: ".length());
    }
    return "cutover: " + m;
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
        description = "Git remote template with two %%s for environment and app (default git@beta.aptible.com:%%s/%%s.git;"
            + " env CUTOVER_APTIBLE_GIT_REMOTE).")
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

    /** The heroku CLI's token: {@code HEROKU_API_KEY}, else {@code ~/.netrc} (what {@code heroku login} writes). */
    static void requireToken(ValidationException.Collector problems) {
      if (HerokuClient.tokenFromEnvironment().isEmpty()) {
        problems.add("HEROKU_API_KEY", "unset", "no Heroku API token: HEROKU_API_KEY is unset and ~/.netrc has no"
            + " password for machine api.heroku.com", "run `heroku login`, or export HEROKU_API_KEY=$(heroku auth:token)");
      }
    }

    HerokuClient heroku(Redactor redactor) {
      Secret key = HerokuClient.tokenFromEnvironment().orElseThrow(() -> {
        ValidationException.Collector problems = ValidationException.collector("cutover");
        requireToken(problems);
        return new ValidationException("cutover", problems.problems());
      });
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

    @Option(names = "--repo", defaultValue = "${env:CUTOVER_REPO:-.}",
        description = "The app's git repository (default .; env CUTOVER_REPO).")
    Path repo;

    @Option(names = "--branch", defaultValue = "${env:CUTOVER_BRANCH:-main}",
        description = "The branch to deploy (default main; env CUTOVER_BRANCH).")
    String branch;

    @Option(names = "--image", defaultValue = "${env:CUTOVER_IMAGE}",
        description = "Deploy this Docker image instead of a git push (env CUTOVER_IMAGE).")
    String image;

    @Option(names = "--registry-user", defaultValue = "${env:CUTOVER_REGISTRY_USER}",
        description = "Private registry user; the password comes from env CUTOVER_REGISTRY_PASSWORD"
            + " (env CUTOVER_REGISTRY_USER).")
    String registryUser;

    @Option(names = "--db-version", defaultValue = "${env:CUTOVER_DB_VERSION}",
        description = "Aptible PostgreSQL version (default: the Heroku database's major; env CUTOVER_DB_VERSION).")
    String dbVersion;

    @Option(names = "--db-disk-gb", defaultValue = "${env:CUTOVER_DB_DISK_GB}",
        description = "Database disk size in GB (default 10, or twice the data; env CUTOVER_DB_DISK_GB).")
    Integer dbDiskGb;

    @Option(names = "--db-container-mb", defaultValue = "${env:CUTOVER_DB_CONTAINER_MB}",
        description = "Database container size in MB (default 1024; env CUTOVER_DB_CONTAINER_MB).")
    Integer dbContainerMb;

    @Option(names = "--db-handle", defaultValue = "${env:CUTOVER_DB_HANDLE}",
        description = "Database handle (default <app>-db; env CUTOVER_DB_HANDLE).")
    String dbHandle;

    @Option(names = "--restore", defaultValue = "${env:CUTOVER_RESTORE:-PARALLEL}",
        description = "Restore strategy, in any case: ${COMPLETION-CANDIDATES} (default PARALLEL; env CUTOVER_RESTORE).")
    RestoreStrategy restore;

    @Option(names = "--work-dir", defaultValue = "${env:CUTOVER_WORK_DIR}",
        description = "Dumps, journal and report (default .cutover/<app>-to-<target>; env CUTOVER_WORK_DIR).")
    Path workDir;

    @Option(names = "--journal", defaultValue = "${env:CUTOVER_JOURNAL}",
        description = "The journal file (default <work-dir>/journal.json; env CUTOVER_JOURNAL).")
    Path journal;

    @Option(names = "--keep-dump", defaultValue = "${env:CUTOVER_KEEP_DUMP:-false}",
        description = "Keep the dump after the run (env CUTOVER_KEEP_DUMP=true).")
    boolean keepDump;

    @Option(names = "--replace-existing", defaultValue = "${env:CUTOVER_REPLACE_EXISTING:-false}",
        description = "Restore into a target database that already holds data, replacing it"
            + " (env CUTOVER_REPLACE_EXISTING=true).")
    boolean replaceExisting;

    @Option(names = "--size", split = ",", defaultValue = "${env:CUTOVER_SIZE}",
        description = "Container size override per process type, e.g. --size worker=2048"
            + " (env CUTOVER_SIZE=web=1024,worker=2048).")
    Map<String, Integer> sizes = new LinkedHashMap<>();

    @Option(names = "--port", defaultValue = "${env:CUTOVER_PORT}",
        description = "The port the app listens on, set as PORT (default: the Dockerfile's EXPOSE, else 3000;"
            + " env CUTOVER_PORT).")
    Integer port;

    @Option(names = "--jobs", defaultValue = "${env:CUTOVER_JOBS}",
        description = "Parallel restore workers, 1-64 (default: the data mover's, 2; env CUTOVER_JOBS).")
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

    /** Every problem with these options and the token, added to {@code problems}; nothing is sent anywhere. */
    void validate(ValidationException.Collector problems) {
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
      if (journal != null && java.nio.file.Files.isDirectory(journal)) {
        problems.add("--journal", journal, "is a directory, not a journal file",
            "pass a file, e.g. " + journal.resolve("journal.json"));
      }
      Connection.requireToken(problems);
    }
  }

  /** Output options shared by the commands that run steps. */
  static final class Output {
    @Option(names = {"-q", "--quiet"}, defaultValue = "${env:CUTOVER_QUIET:-false}",
        description = "No progress on stderr (env CUTOVER_QUIET=true).")
    boolean quiet;

    MigrationListener listener(Optional<java.time.Instant> downtimeSince) {
      return quiet ? MigrationListener.NONE : progress(downtimeSince);
    }
  }

  /** Builds the clients and the migration from options; shared by the commands. */
  abstract static class Base implements Callable<Integer>, Validated, Journalled {
    @Mixin
    Connection connection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Redactor redactor = Redactor.create();
    final List<AutoCloseable> toClose = new ArrayList<>();
    HerokuClient heroku;
    MigrationLock lock;
    Path journalFile;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public Optional<Path> journalFile() {
      return Optional.ofNullable(journalFile);
    }

    /** The migration {@code options} describe, with its clients; nothing is sent anywhere yet. */
    Migration migration(MigrationOptions options) {
      return options.apply(migration(options.app, options.environment,
          Optional.ofNullable(options.targetApp).orElse(options.app)), redactor);
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
      journalFile = lock.journal();
      lock.takenOver().ifPresent(dead -> spec.commandLine().getErr().println("cutover: took over the lock of "
          + dead + ": that process is gone"));
      return m.lock(lock).toolVersion("heroku CLI", heroku.cliVersion());
    }

    @Override
    public final Integer call() throws Exception {
      ValidationException.Collector problems = ValidationException.collector("cutover");
      validate(problems);
      problems.throwIfAny();
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
      out().flush();
      spec.commandLine().getErr().print(RunSummary.of(report));
      spec.commandLine().getErr().flush();
    }
  }

  /** A command that plans from {@link MigrationOptions} without a lock or a journal: {@code plan} and {@code rehearse}. */
  abstract static class Planning extends Base {
    @Mixin
    MigrationOptions options;

    @Override
    public void validate(ValidationException.Collector problems) {
      options.validate(problems);
    }

    @Override
    public Optional<Path> journalFile() {
      return Optional.empty(); // journals nothing: its failures have nothing to resume
    }

    /** The plan of the migration the options describe, reporting to {@code listener}; read-only requests only. */
    MigrationPlan plan(MigrationListener listener) {
      return migration(options).listener(listener).toolVersion("heroku CLI", heroku.cliVersion()).plan();
    }
  }

  @Command(name = "plan", mixinStandardHelpOptions = true,
      description = "Shows what a migration would do. Validates everything, changes nothing.")
  static final class PlanCommand extends Planning {
    @Option(names = "--json", defaultValue = "${env:CUTOVER_PLAN_JSON:-false}",
        description = "Print the plan as JSON (env CUTOVER_PLAN_JSON=true).")
    boolean json;

    @Override
    int execute() {
      MigrationPlan plan = plan(MigrationListener.NONE);
      out().print(json ? plan.toJson() : plan.render());
      out().flush();
      // kept by fingerprint, so `migrate --approve` can name what changed since it was approved
      java.nio.file.Path saved = plan.save();
      spec.commandLine().getErr().println("Plan " + plan.fingerprint() + " saved in " + saved + ". To run exactly this"
          + " plan: cutover migrate (same options) --approve " + plan.fingerprint());
      return OK;
    }
  }

  /**
   * Plans as {@code plan} does, then {@link MigrationPlan#rehearse()}: prints each phase's time, the throughput and
   * the downtime estimate, which later plans show. The scratch database is kept for the next rehearsal: the CLI
   * deletes nothing on Aptible (neither does {@code rollback}), and its provisioning stays out of the next estimate.
   */
  @Command(name = "rehearse", mixinStandardHelpOptions = true,
      description = "Plans as `cutover plan` does (same options), then moves the data as planned with the Heroku app"
      + " live (no maintenance, no write fence, no scaling; DIRECT captures no backup) into the scratch Aptible database"
      + " <db handle>-rehearsal, verifies it and times each phase. Prints the phases, the throughput and the downtime"
      + " estimate, and keeps them in <work-dir>/rehearsal.json for `cutover plan` to show. The scratch database is"
      + " created on the first rehearsal and kept for the next ones (they replace its data); remove it with"
      + " `aptible db:deprovision HANDLE --environment ENV` when done. Takes no lock and writes no journal.")
  static final class RehearseCommand extends Planning {
    @Mixin
    Output output;

    @Override
    int execute() {
      // plain progress: the rehearsal's phases are not the run's numbered steps, and no downtime clock runs
      MigrationPlan plan = plan(output.quiet ? MigrationListener.NONE : ConsoleProgress.stderr());
      RehearsalReport report = plan.rehearse();
      out().print(report.render());
      out().flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println("Rehearsal kept in " + plan.workDirectory().resolve("rehearsal.json") + ": `cutover plan` (same"
          + " options) shows the estimate.");
      report.moves().forEach(mv -> err.println("The scratch database " + mv.scratchDatabase() + " stays for the next"
          + " rehearsal; remove it with: aptible db:deprovision " + mv.scratchDatabase() + " --environment "
          + options.environment));
      if (report.moves().stream().allMatch(RehearsalReport.Move::verified)) {
        return OK;
      }
      err.println("cutover: rehearse: the scratch data did not verify (see NOT verified above); the estimate stands,"
          + " but find the cause before migrating.");
      return VERIFICATION_FAILED;
    }
  }

  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = "Takes the migration's lock, plans, prints the plan, asks for confirmation"
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

    @Option(names = "--yes", defaultValue = "${env:CUTOVER_YES:-false}",
        description = "Run without asking on the terminal (needed without a terminal, unless --approve;"
            + " env CUTOVER_YES=true).")
    boolean yes;

    @CommandLine.ParentCommand
    CutoverCli cli;

    private Terminal terminal() {
      return cli == null ? Terminal.NONE : cli.terminal;
    }

    @Override
    public void validate(ValidationException.Collector problems) {
      if (approve == null && !yes && terminal() == Terminal.NONE) {
        problems.add("--yes", "unset", "there is no terminal to confirm the migration on",
            "pass --yes, or --approve FINGERPRINT with the fingerprint `cutover plan` printed");
      }
      options.validate(problems);
    }

    @Override
    int execute() {
      Approval approval = approve == null ? null : Approval.of(approve);
      Migration m = migration(options);
      m = locked(m, "migrate");
      m = m.listener(output.listener(existingDowntime(journalFile)));
      MigrationPlan plan = m.plan();
      out().print(plan.render());
      out().flush();
      if (approval != null) {
        printReport(plan.run(Approval.stored(plan.workDirectory(), approval.fingerprint())));
        return OK;
      }
      if (!yes && !confirmed(terminal(), plan.source(), plan.target())) {
        spec.commandLine().getErr().println("cutover: not confirmed: nothing was changed.");
        return BAD_INPUT;
      }
      printReport(plan.run());
      return OK;
    }
  }

  /** Since when the journalled downtime is open: maintenance on, the code not yet deployed on the target. */
  static Optional<java.time.Instant> openDowntime(JournalSummary s) {
    return s.steps().get(MigrationStep.DEPLOY.id()) == dev.cutover.core.report.StepStatus.DONE
        ? Optional.empty() : s.maintenanceOnSince();
  }

  /** When a journalled run already put the source into maintenance (the downtime clock goes on from there). */
  static Optional<java.time.Instant> existingDowntime(Path journal) {
    if (journal == null || !java.nio.file.Files.isRegularFile(journal)) {
      return Optional.empty();
    }
    try {
      return openDowntime(Migration.readJournal(journal));
    } catch (RuntimeException e) {
      return Optional.empty(); // the run reports a broken journal itself
    }
  }

  /**
   * Progress on stderr: steps numbered {@code [7/14] capture}, a downtime clock from the end of
   * {@code maintenance-on} (or {@code since}, when a journalled run opened it) to the end of
   * {@code deploy}, redrawn on a terminal, plain lines elsewhere.
   */
  static ConsoleProgress progress(Optional<java.time.Instant> since) {
    return ConsoleProgress.stderr()
        .withSteps(java.util.Arrays.stream(MigrationStep.values()).map(MigrationStep::id).toList())
        .withDowntime(MigrationStep.MAINTENANCE_ON.id(), MigrationStep.DEPLOY.id(), since.orElse(null));
  }

  /** Asks the operator on {@code terminal} to type the Heroku app's name; true only when they typed exactly it. */
  static boolean confirmed(Terminal terminal, String source, String target) {
    return terminal.ask("This puts " + source + " into maintenance mode and migrates it to " + target
        + ". Type the Heroku app's name to go on: ").map(String::strip).filter(source::equals).isPresent();
  }

  /** The journal's problems (missing, a directory, not a file) added to {@code problems}. */
  static void validateJournal(Path journal, ValidationException.Collector problems) {
    if (journal == null) {
      return; // picocli reports the missing option
    }
    Path file = journal.toAbsolutePath().normalize();
    if (java.nio.file.Files.isDirectory(file)) {
      Path inside = file.resolve("journal.json");
      problems.add("--journal", journal, "is a directory, not a journal file",
          java.nio.file.Files.isRegularFile(inside) ? "pass " + inside : "pass the journal.json the migration wrote");
    } else if (!java.nio.file.Files.exists(file)) {
      problems.add("--journal", journal, "does not exist", "pass the journal.json the migration wrote (in its work"
          + " directory, default .cutover/<app>-to-<target>/)");
    } else {
      try {
        Migration.readJournal(file); // corrupt, another version's, not a journal: said with the other problems
      } catch (ValidationException e) {
        problems.addAll(e);
      }
    }
  }

  /** Reads the journal named by flags (or the default work directory) and rebuilds the migration from it. */
  abstract static class JournalCommand extends Base {
    @Option(names = "--journal", paramLabel = "FILE", required = true, defaultValue = "${env:CUTOVER_JOURNAL}",
        description = "The journal of the migration (env CUTOVER_JOURNAL).")
    Path journal;

    @Option(names = "--image", defaultValue = "${env:CUTOVER_IMAGE}",
        description = "For an image deploy from a private registry: the image again (credentials are never journalled;"
            + " env CUTOVER_IMAGE).")
    String image;

    @Option(names = "--registry-user", defaultValue = "${env:CUTOVER_REGISTRY_USER}",
        description = "With --image: the registry user; the password comes from env CUTOVER_REGISTRY_PASSWORD"
            + " (env CUTOVER_REGISTRY_USER).")
    String registryUser;

    @Mixin
    Output output;

    @Override
    public void validate(ValidationException.Collector problems) {
      validateJournal(journal, problems);
      if (image != null && registryUser != null && Secret.fromEnv("CUTOVER_REGISTRY_PASSWORD").isEmpty()) {
        problems.add("CUTOVER_REGISTRY_PASSWORD", "unset", "--registry-user needs a password", "export CUTOVER_REGISTRY_PASSWORD");
      }
      Connection.requireToken(problems);
    }

    /** The journalled migration under its lock (taken for {@code command} before any request). */
    Migration fromJournal(String command) {
      JournalSummary summary = Migration.readJournal(journal);
      journalFile = journal.toAbsolutePath().normalize();
      heroku = connection.heroku(redactor);
      toClose.add(heroku);
      AptibleClient aptible = connection.aptible(summary.targetEnvironment(), redactor);
      Migration m = Migration.fromJournal(journal, heroku.app(summary.source()), aptible.app(summary.targetApp()))
          .dataMover(PgMigrator.builder().redactor(redactor).build()).redactor(redactor)
          .listener(output.listener(openDowntime(summary)));
      if (image != null) {
        m = m.deploy(imageDeploy(image, registryUser, redactor));
      }
      return locked(m, command);
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Continues a migration at its first unfinished step, from its journal;"
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

  @Command(name = "rollback", mixinStandardHelpOptions = true,
      description = "Undoes what the migration changed on Heroku (maintenance off: it is primary"
      + " again); Aptible resources stay and are listed. Refused when another completed migration cut Heroku over.")
  static final class RollbackCommand extends JournalCommand {
    @Option(names = "--scale-to-zero", defaultValue = "${env:CUTOVER_SCALE_TO_ZERO:-false}",
        description = "Also scale the Aptible app's services to zero containers (env CUTOVER_SCALE_TO_ZERO=true).")
    boolean scaleToZero;

    @Override
    int execute() {
      MigrationPlan plan = fromJournal("rollback").plan();
      printReport(scaleToZero ? plan.rollback(RollbackOption.SCALE_TARGET_TO_ZERO) : plan.rollback());
      return OK;
    }
  }
}
