package dev.cutover.core.process;

import java.util.Objects;

/**
 * One line a child printed, already redacted.
 *
 * @param stream which stream it came from
 * @param line the line without its line terminator, secrets masked
 */
public record OutputLine(Stream stream, String line) {
  /** A child's output stream. */
  public enum Stream { STDOUT, STDERR }

  public OutputLine {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(line, "line");
  }

  @Override
  public String toString() {
    return (stream == Stream.STDERR ? "[err] " : "[out] ") + line;
  }
}
