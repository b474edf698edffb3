package dev.cutover.core.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecProcessRunnerTest {
  private final Redactor redactor = Redactor.create();
  private final ProcessRunner runner = ProcessRunner.create(redactor);

  @Test
  void run_argumentsWithShellCharacters_passedVerbatim() {
    CommandResult r = runner.run(Command.of("printf", "%s|", "a b", "${HOME}", "'q'", "\"dq\"", "", "x;y"));
    assertThat(r.stdout()).isEqualTo("a b|${HOME}|'q'|\"dq\"||x;y|");
    assertThat(r.exitCode()).isZero();
  }

  @Test
  void run_environment_inheritedRemovedAddedAndSecret(@TempDir Path dir) throws Exception {
    Secret secret = redactor.register(Secret.of("s3cr3t-value"));
    List<OutputLine> lines = new CopyOnWriteArrayList<>();
    CommandResult r = runner.run(Command.builder("sh", "-c", "echo \"$PLAIN/$TOKEN/${HOME:-nohome}\"; pwd; cat; echo err >&2")
        .env("PLAIN", "p").secretEnv("TOKEN", secret).unsetEnv("HOME").workingDirectory(dir).build(), lines::add);
    assertThat(r.stdout()).isEqualTo("p/s3cr3t-value/nohome\n" + dir.toRealPath().toString() + "\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(lines).contains(new OutputLine(OutputLine.Stream.STDOUT, "p/****/nohome"),
        new OutputLine(OutputLine.Stream.STDERR, "err"));
  }

  @Test
  void run_nonZeroExit_throwsWithTail() {
    assertThatThrownBy(() -> runner.run(Command.of("sh", "-c", "echo one; echo two >&2; exit 3")))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> {
          assertThat(e.exitCode()).isEqualTo(3);
          assertThat(e.timedOut()).isFalse();
          assertThat(e.outputTail()).containsExactlyInAnyOrder("one", "two");
          assertThat(e.getMessage()).startsWith("sh: exited 3 (sh -c 'echo one; echo two >&2; exit 3')\n");
        });
  }

  @Test
  void run_timeout_killsAndThrows() {
    assertThatThrownBy(() -> runner.run(Command.builder("sh", "-c", "echo started >&2; sleep 30")
        .timeout(Duration.ofMillis(500)).build()))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> {
          assertThat(e.timedOut()).isTrue();
          assertThat(e.outputTail()).containsExactly("started");
        });
  }

  @Test
  void run_missingProgram_throwsCouldNotStart() {
    assertThatThrownBy(() -> runner.run(Command.of("/nonexistent/prog")))
        .isInstanceOf(CommandFailedException.class).hasMessageContaining("could not start");
  }

  @Test
  void start_awaitLineAndClose() {
    try (var p = runner.start(Command.of("sh", "-c", "echo ready on 42; sleep 30"), l -> {})) {
      assertThat(p.awaitLine(l -> l.startsWith("ready"), Duration.ofSeconds(10))).isEqualTo("ready on 42");
      assertThat(p.isAlive()).isTrue();
      p.close();
      assertThat(p.isAlive()).isFalse();
    }
  }
}
