package dev.cutover.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.WaitTimeoutException;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.RunningProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeProcessRunnerTest {
  private final Redactor redactor = Redactor.create();
  private final FakeProcessRunner runner = new FakeProcessRunner(redactor);

  @Test
  void run_scriptedReply_recordsCommandAndReturnsOutput() {
    Secret token = redactor.register(Secret.of("tok-123456"));
    runner.on(argv -> argv.contains("db:list")).reply(0, "db-one\ndb-two\n", "warning\n");
    List<OutputLine> lines = new ArrayList<>();

    var result = runner.run(Command.builder("aptible", "db:list").secretEnv("APTIBLE_ACCESS_TOKEN", token)
        .env("HOME", "/tmp/h").build(), lines::add);

    assertThat(result.stdout()).isEqualTo("db-one\ndb-two\n");
    assertThat(result.stderr()).isEqualTo("warning\n");
    assertThat(lines).extracting(OutputLine::line).containsExactly("db-one", "db-two", "warning");
    assertThat(runner.argvs()).containsExactly(List.of("aptible", "db:list"));
    Command recorded = runner.commands().get(0);
    assertThat(recorded.secretEnvironment()).containsOnlyKeys("APTIBLE_ACCESS_TOKEN");
    assertThat(recorded.environment()).containsEntry("HOME", "/tmp/h");
  }

  @Test
  void run_laterScriptAndSuccessiveReplies_laterWinsAndLastRepeats() {
    runner.on(argv -> true).reply(0, "any");
    runner.on(argv -> argv.contains("status")).reply(0, "pending").reply(0, "done");

    assertThat(runner.run(Command.of("x", "status")).stdout()).isEqualTo("pending");
    assertThat(runner.run(Command.of("x", "status")).stdout()).isEqualTo("done");
    assertThat(runner.run(Command.of("x", "status")).stdout()).isEqualTo("done");
    assertThat(runner.run(Command.of("x", "other")).stdout()).isEqualTo("any");
  }

  @Test
  void run_failingExit_throwsWithRedactedTail() {
    redactor.register(Secret.of("hunter22"));
    runner.on(argv -> true).reply(2, "", "auth failed for hunter22\n");

    assertThatThrownBy(() -> runner.run(Command.of("heroku", "pg:info")))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(2);
          assertThat(e.outputTail()).containsExactly("auth failed for ****");
          assertThat(e.getMessage()).startsWith("heroku: exited 2 (heroku pg:info)").doesNotContain("hunter22");
        });
  }

  @Test
  void run_keepsRunning_timesOut() {
    runner.on(argv -> true).keepsRunning("", "still going\n");

    assertThatThrownBy(() -> runner.run(Command.of("slow")))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> assertThat(e.timedOut()).isTrue());
  }

  @Test
  void run_unscripted_failsNamingTheCommand() {
    assertThatThrownBy(() -> runner.run(Command.of("git", "push")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("git push");
    assertThat(runner.argvs()).containsExactly(List.of("git", "push"));
  }

  @Test
  void run_otherwise_answersUnscripted() {
    runner.otherwise(c -> FakeProcessRunner.Reply.exit(0, c.program(), ""));

    assertThat(runner.run(Command.of("psql")).stdout()).isEqualTo("psql");
  }

  @Test
  void start_keepsRunning_awaitLineThenCloseRecorded() {
    runner.on(argv -> argv.contains("db:tunnel"))
        .keepsRunning("Connect at postgresql://aptible:pw1234@localhost:6543/db\n", "");

    RunningProcess p = runner.start(Command.of("aptible", "db:tunnel", "db"), l -> {});

    assertThat(p.awaitLine(l -> l.startsWith("Connect at"), Duration.ofSeconds(1)))
        .isEqualTo("Connect at postgresql://aptible:pw1234@localhost:6543/db");
    assertThat(p.outputTail()).containsExactly("Connect at postgresql://aptible:****@localhost:6543/db");
    assertThat(runner.openProcesses()).hasSize(1);
    p.close();
    p.close();
    assertThat(runner.openProcesses()).isEmpty();
    assertThat(runner.started().get(0).closeCount()).isEqualTo(2);
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  void start_exitedBeforeLine_awaitLineThrowsCommandFailed() {
    runner.on(argv -> true).reply(1, "", "boom\n");

    RunningProcess p = runner.start(Command.of("aptible", "db:tunnel"), l -> {});

    assertThatThrownBy(() -> p.awaitLine(l -> l.contains("Connect"), Duration.ofSeconds(1)))
        .isInstanceOf(CommandFailedException.class).hasMessageContaining("boom");
  }

  @Test
  void start_noMatchWhileAlive_awaitLineTimesOut() {
    runner.on(argv -> true).keepsRunning("", "");

    RunningProcess p = runner.start(Command.of("aptible", "db:tunnel"), l -> {});

    assertThatThrownBy(() -> p.awaitLine(l -> l.contains("Connect"), Duration.ofSeconds(5)))
        .isInstanceOfSatisfying(WaitTimeoutException.class, e -> assertThat(e.elapsed()).isEqualTo(Duration.ofSeconds(5)));
  }

  @Test
  void start_failsToStart_throws() {
    runner.on(argv -> true).failsToStart("aptible: not found");

    assertThatThrownBy(() -> runner.start(Command.of("aptible"), l -> {}))
        .isInstanceOf(CommandFailedException.class).hasMessageContaining("could not start");
  }
}
