package dev.cutover.core.process;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Redactor;
import java.util.function.Consumer;

/**
 * Runs child processes. The only way the SDK starts one, so tests can swap in a fake that records
 * argv and environment and replays scripted output.
 *
 * <p>Every child gets stdin from {@code /dev/null}; its output is streamed line by line, redacted,
 * to the consumer (on a reader thread; calls for one child never overlap, so the consumer need not
 * be thread-safe, but it must be quick); the last lines are kept for exceptions. A consumer that
 * throws loses that line and is logged; the child is not affected.
 */
public interface ProcessRunner {
  /** The real runner, over commons-exec, masking {@code redactor}'s secrets in every line. */
  static ProcessRunner create(Redactor redactor) {
    return new dev.cutover.core.process.internal.ExecProcessRunner(redactor);
  }

  /**
   * The real runner with a custom stop grace period: how long {@link RunningProcess#close()}
   * waits after SIGINT before it sends SIGTERM and SIGKILL to the tree (default 3 s).
   */
  static ProcessRunner create(Redactor redactor, java.time.Duration stopGracePeriod) {
    return new dev.cutover.core.process.internal.ExecProcessRunner(redactor, stopGracePeriod);
  }

  /**
   * Runs {@code command} to completion. Blocks.
   *
   * @param output receives each redacted line as it is printed, on a reader thread
   * @return the result when the exit code is one of {@link Command#successExitCodes()}
   * @throws CommandFailedException on another exit code, a timeout (the process tree is killed
   *     first; {@code timedOut()} is true) or a failure to start
   * @throws MigrationCancelledException when interrupted (the process tree is killed first)
   */
  CommandResult run(Command command, Consumer<OutputLine> output);

  /** {@link #run(Command, Consumer)} without an output consumer. */
  default CommandResult run(Command command) {
    return run(command, line -> {});
  }

  /**
   * Starts {@code command} and returns at once. The caller owns the returned process and must
   * close it. {@link Command#timeout()} does not apply to a started process.
   *
   * @param output receives each redacted line as it is printed, on a reader thread
   * @throws CommandFailedException when it cannot be started
   */
  RunningProcess start(Command command, Consumer<OutputLine> output);
}
