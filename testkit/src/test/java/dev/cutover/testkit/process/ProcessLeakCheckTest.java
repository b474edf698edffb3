package dev.cutover.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.Redactor;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessLeakCheckTest {
  private final ProcessRunner runner = ProcessRunner.create(Redactor.create(), Duration.ofMillis(100));

  @Test
  void assertNoLeaks_childLeftRunning_failsNamingIt() {
    ProcessLeakCheck check = ProcessLeakCheck.start();
    RunningProcess child = runner.start(Command.of("sleep", "60"), l -> {});
    try {
      assertThatThrownBy(check::assertNoLeaks).isInstanceOf(AssertionError.class)
          .hasMessageContaining(Long.toString(child.pid())).hasMessageContaining("sleep");
    } finally {
      child.close();
    }
    assertThat(check.leaked()).isEmpty();
  }

  @Test
  void assertNoLeaks_childClosed_passes() {
    ProcessLeakCheck check = ProcessLeakCheck.start();
    runner.start(Command.of("sleep", "60"), l -> {}).close();

    assertThatCode(check::assertNoLeaks).doesNotThrowAnyException();
  }
}
