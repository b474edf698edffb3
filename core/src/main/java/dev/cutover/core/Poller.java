package dev.cutover.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Polls a state until a condition holds or a timeout passes, through an injected {@link Clock}
 * and {@link Sleeper} so tests run in milliseconds.
 *
 * <pre>{@code
 * Transfer done = Poller.of(clock, sleeper, Duration.ofSeconds(3), Duration.ofHours(2))
 *     .until("backup b012 to finish", () -> api.transfer(id), t -> t.finished(), Transfer::toString);
 * }</pre>
 */
public final class Poller {
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration interval;
  private final Duration timeout;

  private Poller(Clock clock, Sleeper sleeper, Duration interval, Duration timeout) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.interval = requirePositive(interval, "interval");
    this.timeout = requirePositive(timeout, "timeout");
  }

  public static Poller of(Clock clock, Sleeper sleeper, Duration interval, Duration timeout) {
    return new Poller(clock, sleeper, interval, timeout);
  }

  /**
   * Calls {@code poll} until {@code done} accepts its result, sleeping {@code interval} between
   * calls. Blocks.
   *
   * @param what what is waited for, for the timeout message
   * @param describe renders a state for the timeout message; must not reveal secrets
   * @return the first state {@code done} accepted
   * @throws WaitTimeoutException when the timeout passes first, with the last state seen
   * @throws MigrationCancelledException when interrupted (the flag is restored)
   */
  public <T> T until(String what, Supplier<T> poll, Function<T, Boolean> done, Function<T, String> describe) {
    Instant start = clock.instant();
    T last;
    while (true) {
      last = poll.get();
      if (done.apply(last)) {
        return last;
      }
      Duration elapsed = Duration.between(start, clock.instant());
      if (elapsed.compareTo(timeout) >= 0) {
        throw new WaitTimeoutException(null, what, elapsed, describe.apply(last));
      }
      try {
        Duration left = timeout.minus(elapsed);
        sleeper.sleep(left.compareTo(interval) < 0 ? left : interval);
      } catch (InterruptedException e) {
        throw MigrationCancelledException.interrupted(null, e);
      }
    }
  }

  /** Like {@link #until} for a poll that returns empty until the value is there. */
  public <T> T untilPresent(String what, Supplier<Optional<T>> poll) {
    return until(what, poll, Optional::isPresent, o -> o.isPresent() ? "present" : "not yet").orElseThrow();
  }

  private static Duration requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "Poller[every " + interval + ", up to " + timeout + "]";
  }
}
