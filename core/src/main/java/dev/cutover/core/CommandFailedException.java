package dev.cutover.core;

import java.time.Duration;
import java.util.List;

/** A child process exited non-zero, timed out, or could not be started. */
public class CommandFailedException extends MigrationException {
  private static final long serialVersionUID = 1L;

  private final String commandLine;
  private final int exitCode;
  private final List<String> outputTail;
  private final Duration duration;
  private final boolean timedOut;

  /**
   * @param commandLine the redacted command line
   * @param exitCode the exit code, or -1 when the process did not exit by itself
   * @param outputTail the last lines of its output, already redacted
   */
  public CommandFailedException(String step, String message, String commandLine, int exitCode,
      List<String> outputTail, Duration duration, boolean timedOut, boolean retryable, Throwable cause) {
    super(step, message, retryable, cause);
    this.commandLine = commandLine;
    this.exitCode = exitCode;
    this.outputTail = List.copyOf(outputTail);
    this.duration = duration;
    this.timedOut = timedOut;
  }

  /** The command line, secrets masked. */
  public String commandLine() {
    return commandLine;
  }

  /** The exit code, or -1 when the process was killed or never started. */
  public int exitCode() {
    return exitCode;
  }

  /** The last lines of output (stderr and stdout interleaved as seen), secrets masked. */
  public List<String> outputTail() {
    return outputTail;
  }

  /** How long the child ran (or how long starting it took). */
  public Duration duration() {
    return duration;
  }

  /** Whether the child was killed because its timeout passed. */
  public boolean timedOut() {
    return timedOut;
  }
}
