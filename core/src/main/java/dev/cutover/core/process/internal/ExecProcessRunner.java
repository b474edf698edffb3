package dev.cutover.core.process.internal;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Redactor;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.io.File;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * The commons-exec runner. Builds the child's argv from the list (never through a shell), gives it
 * stdin from {@code /dev/null}, reads its output on daemon threads, and kills its whole process
 * tree on timeout, interrupt or {@link RunningProcess#close()}. Use {@link ProcessRunner#create}.
 */
public final class ExecProcessRunner implements ProcessRunner {
  /** The default time a child gets between SIGINT and SIGTERM when a started process is closed. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(3);
  static final File DEV_NULL = new File("/dev/null");

  private final Redactor redactor;
  private final Duration grace;

  /** A runner masking {@code redactor}'s secrets, with the default stop grace period. */
  public ExecProcessRunner(Redactor redactor) {
    this(redactor, DEFAULT_GRACE);
  }

  /**
   * @param stopGracePeriod how long {@link RunningProcess#close()} waits after SIGINT before
   *     SIGTERM and SIGKILL; zero skips SIGINT's grace
   */
  public ExecProcessRunner(Redactor redactor, Duration stopGracePeriod) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.grace = Objects.requireNonNull(stopGracePeriod, "stopGracePeriod");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("stopGracePeriod must not be negative: " + grace);
    }
  }

  @Override
  public CommandResult run(Command command, Consumer<OutputLine> output) {
    ExecChild child = ExecChild.start(command, redactor, output, grace, true);
    try {
      OptionalInt exit = child.awaitExit(command.timeout());
      if (exit.isEmpty()) {
        child.kill();
        throw child.timedOut();
      }
      if (!command.successExitCodes().contains(exit.getAsInt())) {
        throw child.failed(exit.getAsInt());
      }
      return child.result(exit.getAsInt());
    } catch (InterruptedException e) {
      child.kill();
      throw MigrationCancelledException.interrupted(command.program(), e);
    }
  }

  @Override
  public RunningProcess start(Command command, Consumer<OutputLine> output) {
    return ExecChild.start(command, redactor, output, grace, false);
  }

  @Override
  public String toString() {
    return "ExecProcessRunner[grace " + grace + "]";
  }
}
