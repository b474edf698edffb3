package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.model.RestoreStrategy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 19's CLI: help everywhere, one message for every problem, enums in any case, true advice, status. */
class CliUsabilityTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return CutoverCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), Terminal.NONE);
  }

  private CommandLine cli() {
    return CutoverCli.commandLine(Terminal.NONE, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void help_everySubcommand_describesEveryOptionWithTheEnvironmentVariableItReads() throws Exception {
    Set<String> commands = cli().getSubcommands().keySet();
    assertThat(commands).contains("plan", "rehearse", "migrate", "resume", "rollback", "status", "audit", "demo");

    for (String command : commands) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--help")).as("%s --help", command).isZero();
      String help = out.toString();
      assertThat(help).as("%s --help", command).startsWith("Usage: cutover " + command);
      CommandLine sub = cli().getSubcommands().get(command);
      for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
        assertThat(o.hidden()).as("%s %s is hidden", command, o.longestName()).isFalse();
        assertThat(help).as("%s --help shows %s", command, o.longestName()).contains(o.longestName());
        assertThat(o.description()).as("%s %s has a description", command, o.longestName()).isNotEmpty();
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        Optional<String> env = CutoverCli.envVariable(o);
        assertThat(env).as("%s %s names its environment variable", command, o.longestName()).isPresent();
        assertThat(help.replaceAll("\\s+", " ")).contains("env " + env.get());
        // and reads it: the option's default is that variable
        Field f = (Field) o.userObject();
        assertThat(f.getAnnotation(CommandLine.Option.class).defaultValue())
            .as("%s %s reads %s", command, o.longestName(), env.get()).startsWith("${env:" + env.get());
      }
    }
  }

  @Test
  void readme_namesOnlyEnvironmentVariablesThatExist() throws Exception {
    // read beside the options: the registry password (a secret, never a flag) and the testkit's cache directory
    Set<String> read = new TreeSet<>(Set.of("CUTOVER_REGISTRY_PASSWORD", "CUTOVER_CACHE"));
    for (CommandLine sub : cli().getSubcommands().values()) {
      sub.getCommandSpec().options().forEach(o -> CutoverCli.envVariable(o).ifPresent(read::add));
    }
    Matcher m = Pattern.compile("\\bCUTOVER_[A-Z0-9_]+").matcher(Files.readString(ReadmeIT.ROOT.resolve("README.md")));
    Set<String> named = new TreeSet<>();
    while (m.find()) {
      named.add(m.group());
    }

    assertThat(named).isNotEmpty();
    assertThat(read).containsAll(named);
  }

  @Test
  void plan_manyProblems_allInOneMessageWithOnePrefix() {
    int code = run("plan", "--jobs", "lots", "--bogus", "--restore", "parallel", "--app", "", "--environment", "");

    assertThat(code).isEqualTo(CutoverCli.BAD_INPUT);
    String text = err.toString();
    assertThat(text).contains("--jobs = 'lots'", "--bogus", "--app", "--environment").doesNotContain("--restore")
        .doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(text.split("cutover:", -1)).as("one cutover: prefix in %s", text).hasSize(2);
    assertThat(text).doesNotContain("cutover: cutover:");
  }

  @Test
  void rehearse_manyProblems_allInOneMessageBeforeAnything() {
    int code = run("rehearse", "--jobs", "lots", "--db-disk-gb", "20", "--app", "", "--environment", "");

    assertThat(code).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("problems, nothing was changed")
        .contains("--jobs = 'lots'", "--db-version", "--app", "--environment").doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void restore_anyCase_parses() {
    CommandLine cli = cli();
    CommandLine.ParseResult parsed = cli.parseArgs("plan", "--restore", "direct");
    CutoverCli.PlanCommand plan = parsed.subcommand().commandSpec().commandLine().getCommand();

    assertThat(parsed.subcommand().errors()).isEmpty();
    assertThat(plan.options.restore).isEqualTo(RestoreStrategy.DIRECT);
    assertThat(cli().parseArgs("plan", "--restore", "Pg_Restore").subcommand().errors()).isEmpty();
  }

  @Test
  void resume_journalIsADirectory_saysSoAndNamesTheJournalInside(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("journal.json"), "{}");

    assertThat(run("resume", "--journal", dir.toString())).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("is a directory").contains("pass " + dir.resolve("journal.json"))
        .doesNotContain("does not exist");
  }

  @Test
  void status_missingJournal_exits2WithEveryProblem(@TempDir Path dir) {
    assertThat(run("status", "--journal", dir.resolve("nope.json").toString())).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("nope.json").contains("does not exist");
  }

  @Test
  void netrc_fromHerokuLogin_isTheToken(@TempDir Path home) throws Exception {
    String before = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    try {
      run("plan");
      assertThat(err.toString()).as("no netrc: the token is missing").contains("HEROKU_API_KEY");
      err.getBuffer().setLength(0);
      Files.writeString(home.resolve(".netrc"), "machine api.heroku.com\n  login me@example.com\n  password tok-123\n"
          + "machine git.heroku.com\n  login me@example.com\n  password tok-123\n");
      run("plan");
      assertThat(err.toString()).contains("--app").doesNotContain("HEROKU_API_KEY").doesNotContain("tok-123");
    } finally {
      System.setProperty("user.home", before);
    }
  }

  /** A journal as a run leaves it when stopped in {@code capture}, with maintenance on since {@code on}. */
  static Path journalStoppedInCapture(Path dir, Instant on, String captureStatus) throws Exception {
    String steps = """
        "inventory": {"status": "DONE", "attempts": 1, "startedAt": "2026-01-01T10:00:00Z",
          "finishedAt": "2026-01-01T10:00:01Z", "durationMillis": 1000, "summary": "3 dynos"},
        "preflight": {"status": "DONE", "attempts": 1, "startedAt": "2026-01-01T10:00:01Z",
          "finishedAt": "2026-01-01T10:00:02Z", "durationMillis": 1200, "summary": "tools ok"},
        "prepare-repo": {"status": "DONE", "attempts": 1, "durationMillis": 10, "summary": "Dockerfile"},
        "create-app": {"status": "DONE", "attempts": 1, "durationMillis": 10, "summary": "created"},
        "create-database": {"status": "DONE", "attempts": 1, "durationMillis": 10, "summary": "created"},
        "maintenance-on": {"status": "DONE", "attempts": 1, "startedAt": "%1$s", "finishedAt": "%1$s",
          "durationMillis": 300, "summary": "maintenance on"},
        "capture": {"status": "%2$s", "attempts": 1, "startedAt": "%1$s", "durationMillis": 0, "summary": ""}
        """.formatted(on, captureStatus);
    return Files.writeString(dir.resolve("journal.json"), """
        {"format": "cutover-journal/2", "migrationId": "m-1", "identity": "legacy-shop->demo-env/shop",
         "source": "legacy-shop", "targetEnvironment": "demo-env", "targetApp": "shop", "databaseHandle": "shop-db",
         "maintenanceOnAt": "%s", "steps": {%s}}
        """.formatted(on, steps));
  }

  @Test
  void status_journalStoppedInMaintenance_printsStepsTimesDowntimeAndWhatToRunNext(@TempDir Path dir) throws Exception {
    Instant on = Instant.now().minusSeconds(185).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Path journal = journalStoppedInCapture(dir, on, "FAILED");

    assertThat(run("status", "--journal", journal.toString())).isZero();

    String text = out.toString();
    assertThat(text).contains("legacy-shop (Heroku) -> demo-env/shop (Aptible)", "Journal: " + journal.toAbsolutePath());
    assertThat(text).containsPattern(" 1\\. inventory +DONE +2026-01-01T10:00:00Z +1\\.0 s +3 dynos");
    assertThat(text).containsPattern(" 7\\. capture +FAILED");
    assertThat(text).containsPattern(" 8\\. tunnel +PENDING");
    assertThat(text).contains("legacy-shop is in maintenance mode since " + on).containsPattern("downtime so far 3 min 0[5-9] s");
    assertThat(text).contains("Next: cutover resume --journal " + journal.toAbsolutePath() + " (continues at 7. capture)")
        .contains("cutover rollback --journal " + journal.toAbsolutePath() + " to turn maintenance off");
  }

  @CommandLine.Command(name = "migrate")
  static final class Stub implements java.util.concurrent.Callable<Integer>, CutoverCli.Journalled {
    Path journal;

    @Override
    public Optional<Path> journalFile() {
      return Optional.ofNullable(journal);
    }

    @Override
    public Integer call() {
      return 0;
    }
  }

  @Test
  void cancelled_withAJournal_saysHerokuIsInMaintenanceAndWhereTheJournalIs(@TempDir Path dir) throws Exception {
    Instant on = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Stub stub = new Stub();
    stub.journal = journalStoppedInCapture(dir, on, "RUNNING");

    int code = CutoverCli.handle(new MigrationCancelledException("capture", "capture: cancelled", null),
        new PrintWriter(err, true), new CommandLine(stub));

    assertThat(code).isEqualTo(CutoverCli.CANCELLED);
    assertThat(err.toString()).contains("cutover: capture: cancelled")
        .contains("Heroku app legacy-shop is in maintenance mode since " + on)
        .contains("Journal: " + stub.journal).contains("cutover resume --journal " + stub.journal)
        .contains("cutover rollback --journal " + stub.journal);
  }

  @Test
  void failed_withoutAJournal_givesNoResumeAdvice(@TempDir Path dir) {
    Stub stub = new Stub();
    stub.journal = dir.resolve("journal.json"); // named, never written

    int code = CutoverCli.handle(new MigrationException("inventory", "cutover: inventory: 401 from Heroku"),
        new PrintWriter(err, true), new CommandLine(stub));

    assertThat(code).isEqualTo(CutoverCli.STEP_FAILED);
    assertThat(err.toString()).startsWith("cutover: inventory: 401").doesNotContain("cutover: cutover:")
        .doesNotContain("cutover resume").contains("No journal was written");
  }

  @Test
  void cancelled_beforeAnyJournal_saysNothingChanged() {
    int code = CutoverCli.handle(new MigrationCancelledException("inventory", "inventory: cancelled", null),
        new PrintWriter(err, true), new CommandLine(new Stub()));

    assertThat(code).isEqualTo(CutoverCli.CANCELLED);
    assertThat(err.toString()).contains("nothing to resume").doesNotContain("cutover resume");
  }
}
