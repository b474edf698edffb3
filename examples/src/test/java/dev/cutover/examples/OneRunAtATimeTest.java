package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.migration.Migration;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.heroku.RecordedCall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One run at a time, across JVMs, with the real {@code cutover} main: while one JVM migrates, a
 * second {@code migrate} and a {@code resume} on the same journal exit 2 at once, naming the holder,
 * without a single request to Heroku (the fake's request log) or Aptible (every {@code aptible} and
 * {@code heroku} CLI call goes through a wrapper that logs it). The first JVM, killed with SIGKILL,
 * leaves its lock behind: the next {@code resume} takes it over, logs that, and completes.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OneRunAtATimeTest {
  DemoEnvironment env;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(20);
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void twoJvmsOnOneJournal_theOtherExit2NamingTheHolderWithoutARequest_holderSigkilled_resumeTakesOverAndCompletes()
      throws Exception {
    String handle = "one-at-a-time";
    Path work = env.workDirectory(handle);
    Path journal = work.resolve("journal.json");
    // the first run stops for a while inside maintenance-on: its request waits in the fake Heroku, long enough for
    // two more JVMs to start and be refused on a loaded machine
    env.heroku().fault(Fault.on("PATCH", "/apps/" + DemoEnvironment.SOURCE_APP).delay(Duration.ofSeconds(100)).times(1));
    SigkillResumeTest.Child first = cutover(direct(), "migrate", "-a", DemoEnvironment.SOURCE_APP, "-e",
        DemoEnvironment.ENVIRONMENT, "-t", handle, "--repo", env.repository().toString(), "--work-dir", work.toString(),
        "-q", "--yes");
    first.awaitLine("Step 6. maintenance-on started", Duration.ofMinutes(3));
    long firstPid = first.pid();
    // by now the first run's only request in flight is the delayed PATCH, logged when it is answered
    TimeUnit.SECONDS.sleep(3);
    int requests = env.heroku().requests().size();

    Wrapped second = wrapped("second");
    Wrapped third = wrapped("third");
    SigkillResumeTest.Child other = cutover(second.connection(), "migrate", "-a", DemoEnvironment.SOURCE_APP, "-e",
        DemoEnvironment.ENVIRONMENT, "-t", handle, "--repo", env.repository().toString(), "--work-dir", work.toString(),
        "-q", "--yes");
    SigkillResumeTest.Child resume = cutover(third.connection(), "resume", "--journal", journal.toString(), "-q");
    int otherCode = other.waitFor(Duration.ofSeconds(80));
    int resumeCode = resume.waitFor(Duration.ofSeconds(80));
    List<RecordedCall> during = env.heroku().requests().subList(requests, env.heroku().requests().size());
    assertThat(first.isAlive()).as("the first run is still inside maintenance-on").isTrue();

    assertThat(otherCode).as("second migrate; stderr:%n%s", other.stderr()).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(other.stderr()).contains("locked").contains("held by pid " + firstPid).contains("migrate since");
    assertThat(resumeCode).as("resume during the run; stderr:%n%s", resume.stderr()).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(resume.stderr()).contains("held by pid " + firstPid);
    assertThat(during).as("requests to Heroku while the refused JVMs ran").isEmpty();
    assertThat(second.calls()).as("aptible and heroku CLI calls of the refused migrate").isEmpty();
    assertThat(third.calls()).as("aptible and heroku CLI calls of the refused resume").isEmpty();

    first.sigkill();
    assertThat(Files.readString(work.resolve("journal.lock"))).as("the dead run's record").contains("\"pid\":" + firstPid);
    assertThat(Migration.readJournal(journal).steps().get("maintenance-on").name()).isEqualTo("RUNNING");

    SigkillResumeTest.Child takeOver = cutover(direct(), "resume", "--journal", journal.toString(), "-q");
    int code = takeOver.waitFor(Duration.ofMinutes(5));

    assertThat(code).as("resume after the kill; stderr:%n%s", takeOver.stderr()).isZero();
    assertThat(takeOver.stderr()).contains("took over the lock of pid " + firstPid);
    assertThat(Migration.readJournal(journal).complete()).isTrue();
    assertThat(work.resolve("journal.lock")).as("released").doesNotExist();
    assertThat(Migration.audit(journal).intact()).isTrue();
    String log = Files.readString(work.resolve("journal.events.jsonl"));
    assertThat(log).contains("\"event\":\"lock-taken-over\"").contains("\"event\":\"step-left-running\"")
        .contains("pid " + firstPid);
    assertThat(Files.readString(work.resolve("report.md"))).contains("| 1 | run |").contains("KILLED")
        .contains("| 2 | resume |").contains("COMPLETED");
    env.heroku().clearFaults();
  }

  /** The real CLIs, unwrapped. */
  private List<String> direct() {
    return Cli.connection(env);
  }

  /** Connection options whose {@code heroku} and {@code aptible} executables log every call to a file, then run the real one. */
  private Wrapped wrapped(String name) throws Exception {
    Path dir = Files.createDirectories(env.directory().resolve("wrappers-" + name));
    Path log = dir.resolve("calls.log");
    Files.createFile(log);
    List<String> heroku = env.herokuCli().command();
    Path herokuWrapper = script(dir.resolve("heroku"), log, String.join(" ", heroku.stream().map(OneRunAtATimeTest::quote).toList()));
    Path aptibleWrapper = script(dir.resolve("aptible"), log, quote(env.aptible().cliCommand().get(0)));
    return new Wrapped(Cli.connection(env, herokuWrapper.toString(), aptibleWrapper.toString()), log);
  }

  private static Path script(Path file, Path log, String real) throws Exception {
    Files.writeString(file, "#!/bin/sh\necho \"$0 $*\" >> " + quote(log.toString()) + "\nexec " + real + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /** Connection options through the wrappers, and the log of their calls. */
  record Wrapped(List<String> connection, Path log) {
    List<String> calls() throws Exception {
      return Files.readAllLines(log);
    }
  }

  private SigkillResumeTest.Child cutover(List<String> connection, String... args) throws Exception {
    return Cli.start(env, connection, args);
  }
}
