package dev.cutover.core.process;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * A long-running child, such as {@code aptible db:tunnel}. Closing it stops the child and every
 * descendant: SIGINT to the whole tree first (as Ctrl-C would), a grace period (3 s by default,
 * see {@link ProcessRunner#create(dev.cutover.core.Redactor, Duration)}), then SIGTERM and SIGKILL
 * to whatever is left.
 * {@link #close()} is idempotent and throws nothing checked.
 */
public interface RunningProcess extends AutoCloseable {
  /** The child's process id; with {@link ProcessHandle#of} it gives the whole tree. */
  long pid();

  /** Whether the child itself is still running (its descendants are not checked). */
  boolean isAlive();

  /**
   * Blocks until a line of output (stdout or stderr) matches {@code match}, and returns it
   * <em>unredacted</em> so the caller can parse values out of it. Lines printed before this call
   * are searched too.
   *
   * @throws CommandFailedException when the child exits first (with its output tail)
   * @throws dev.cutover.core.WaitTimeoutException when {@code timeout} passes first
   * @throws MigrationCancelledException when interrupted
   */
  String awaitLine(Predicate<String> match, Duration timeout);

  /** Blocks until the child exits or {@code timeout} passes; the exit code if it exited. */
  OptionalInt waitFor(Duration timeout);

  /** The last lines of output, redacted. */
  List<String> outputTail();

  /** Stops the child and its whole process tree. Idempotent. Blocks for at most the grace period plus a little. */
  @Override
  void close();
}
