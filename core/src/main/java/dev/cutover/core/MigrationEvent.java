package dev.cutover.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/** The immutable events a {@link MigrationListener} receives. No event carries a secret value. */
public sealed interface MigrationEvent {
  /** The step the event belongs to, e.g. {@code "restore"}. */
  String step();

  /** When it happened. */
  Instant at();

  record StepStarted(String step, Instant at, String description) implements MigrationEvent {
    public StepStarted {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(description, "description");
    }
  }

  /**
   * Progress of a long operation in some unit.
   *
   * @param unit what {@code done} and {@code total} count, e.g. {@code "bytes"} or {@code "rows"}
   * @param done how much is done so far
   * @param total how much there is in all, or -1 when unknown
   */
  record Progress(String step, Instant at, String unit, long done, long total) implements MigrationEvent {
    public Progress {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(unit, "unit");
    }

    /** The total, when known. */
    public OptionalLong knownTotal() {
      return total < 0 ? OptionalLong.empty() : OptionalLong.of(total);
    }
  }

  /** A line of a child process's output, already redacted. */
  record Output(String step, Instant at, String source, String line) implements MigrationEvent {
    public Output {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(line, "line");
    }
  }

  record StepFinished(String step, Instant at, Duration duration, String summary) implements MigrationEvent {
    public StepFinished {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(summary, "summary");
    }
  }

  /** A step failed; {@code message} is the redacted exception message. */
  record StepFailed(String step, Instant at, Duration duration, String message) implements MigrationEvent {
    public StepFailed {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(duration, "duration");
      Objects.requireNonNull(message, "message");
    }
  }

  /** Something the user should know that does not fail the step. */
  record Warning(String step, Instant at, String message) implements MigrationEvent {
    public Warning {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(message, "message");
    }
  }
}
