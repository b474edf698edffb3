package dev.cutover.core.process;

import java.time.Duration;
import java.util.Objects;

/**
 * What a finished child left behind.
 *
 * <p>{@link #stdout()} is the raw output, for parsing: a command such as {@code db:url} prints a
 * secret there, so never log it. {@link #toString()} shows sizes, not content.
 *
 * @param exitCode the exit code
 * @param stdout everything printed on stdout, not redacted
 * @param stderr everything printed on stderr, not redacted
 * @param duration wall time
 */
public record CommandResult(int exitCode, String stdout, String stderr, Duration duration) {
  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public CommandResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(duration, "duration");
  }

  @Override
  public String toString() {
    return "CommandResult[exit " + exitCode + ", stdout " + stdout.length() + " chars, stderr "
        + stderr.length() + " chars, " + duration.toMillis() + " ms]";
  }
}
