package dev.cutover.testkit.process;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.WaitTimeoutException;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.RunningProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A started process of a {@link FakeProcessRunner}. Nothing blocks: {@link #awaitLine} answers
 * from the lines printed so far (a line that is not there yet counts as a timeout), and
 * {@link #waitFor} answers at once. Tests drive it with {@link #print} and {@link #exit}, and
 * check {@link #isClosed()}. Thread-safe.
 */
public final class FakeRunningProcess implements RunningProcess {
  private final long pid;
  private final String program;
  private final String commandLine;
  private final Redactor redactor;
  private final Consumer<OutputLine> output;
  private final List<String> raw = new ArrayList<>();
  private final List<String> tail = new ArrayList<>();
  private OptionalInt exitCode = OptionalInt.empty();
  private int closeCount;

  FakeRunningProcess(long pid, String program, String commandLine, Redactor redactor, Consumer<OutputLine> output) {
    this.pid = pid;
    this.program = program;
    this.commandLine = commandLine;
    this.redactor = redactor;
    this.output = output;
  }

  /** Makes the process print {@code line}: it reaches the consumer redacted, as with a real child. */
  public void print(OutputLine.Stream stream, String line) {
    String redacted = redactor.redact(Objects.requireNonNull(line, "line"));
    synchronized (this) {
      raw.add(line);
      tail.add(redacted);
      if (tail.size() > 50) {
        tail.remove(0);
      }
    }
    output.accept(new OutputLine(stream, redacted));
  }

  /** Makes the process exit by itself with {@code code} (e.g. a tunnel that died). */
  public synchronized void exit(int code) {
    if (exitCode.isEmpty()) {
      exitCode = OptionalInt.of(code);
    }
  }

  /** Whether {@link #close()} was called. */
  public synchronized boolean isClosed() {
    return closeCount > 0;
  }

  /** How often {@link #close()} was called. */
  public synchronized int closeCount() {
    return closeCount;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public synchronized boolean isAlive() {
    return exitCode.isEmpty();
  }

  /**
   * The first line printed so far that {@code match} accepts.
   *
   * @throws CommandFailedException when none matches and the process has exited
   * @throws WaitTimeoutException when none matches and the process is alive
   */
  @Override
  public synchronized String awaitLine(Predicate<String> match, Duration timeout) {
    for (String line : raw) {
      if (match.test(line)) {
        return line;
      }
    }
    if (exitCode.isPresent()) {
      int code = exitCode.getAsInt();
      throw new CommandFailedException(program, program + ": exited " + code + " before printing the expected line ("
          + commandLine + ")" + (tail.isEmpty() ? "" : "\n" + String.join("\n", tail)), commandLine, code,
          tail, Duration.ZERO, false, false, null);
    }
    throw new WaitTimeoutException(program, "a matching output line from " + program, timeout,
        tail.isEmpty() ? "no output yet" : "last line: " + tail.get(tail.size() - 1));
  }

  /** The exit code if the process has exited; never blocks. */
  @Override
  public synchronized OptionalInt waitFor(Duration timeout) {
    return exitCode;
  }

  @Override
  public synchronized List<String> outputTail() {
    return List.copyOf(tail);
  }

  /** Records the close and marks the process as killed (exit code 130, as after SIGINT). */
  @Override
  public synchronized void close() {
    closeCount++;
    exit(130);
  }

  @Override
  public synchronized String toString() {
    return "FakeRunningProcess[pid " + pid + ", " + commandLine + (isAlive() ? ", alive" : ", exited " + exitCode.getAsInt())
        + (isClosed() ? ", closed" : "") + "]";
  }
}
