package dev.cutover.core;

import java.time.Duration;

/** A wait gave up: a backup never finished, a tunnel never printed its address, and so on. */
public class WaitTimeoutException extends MigrationException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final Duration elapsed;
  private final String lastState;

  public WaitTimeoutException(String step, String what, Duration elapsed, String lastState) {
    super(step, (step == null ? "" : step + ": ") + "timed out waiting for " + what
        + " (after " + elapsed.toMillis() + " ms; last state: " + lastState + ")", true, null);
    this.what = what;
    this.elapsed = elapsed;
    this.lastState = lastState;
  }

  /** What was waited for. */
  public String what() {
    return what;
  }

  public Duration elapsed() {
    return elapsed;
  }

  /** The last state seen before giving up, already redacted. */
  public String lastState() {
    return lastState;
  }
}
