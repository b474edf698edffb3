package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PollerTest {
  /** A clock that moves only when the fake sleeper sleeps. */
  private static final class FakeTime extends Clock implements Sleeper {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final List<Duration> sleeps = new ArrayList<>();

    @Override
    public void sleep(Duration d) {
      sleeps.add(d);
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final FakeTime time = new FakeTime();

  @Test
  void until_doneOnThirdPoll_returnsThatStateAfterTwoSleeps() {
    Iterator<String> states = List.of("pending", "running", "finished").iterator();

    String result = Poller.of(time, time, Duration.ofSeconds(3), Duration.ofMinutes(1))
        .until("backup b001", states::next, "finished"::equals, s -> s);

    assertThat(result).isEqualTo("finished");
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3));
  }

  @Test
  void until_neverDone_throwsWaitTimeoutWithWhatElapsedAndLastState() {
    Iterator<Integer> percent = Stream.iterate(0, p -> p + 10).iterator();

    assertThatThrownBy(() -> Poller.of(time, time, Duration.ofSeconds(3), Duration.ofSeconds(10))
        .until("backup b001 to finish", percent::next, p -> p >= 100, p -> p + "% done"))
        .isInstanceOfSatisfying(WaitTimeoutException.class, e -> {
          assertThat(e.what()).isEqualTo("backup b001 to finish");
          assertThat(e.elapsed()).isEqualTo(Duration.ofSeconds(10));
          assertThat(e.lastState()).isEqualTo("40% done");
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).isEqualTo(
              "timed out waiting for backup b001 to finish (after 10000 ms; last state: 40% done)");
        });
    // The last sleep is cut to what is left of the timeout.
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3),
        Duration.ofSeconds(1));
  }

  @Test
  void until_interruptedWhileSleeping_throwsCancelledAndRestoresFlag() {
    Sleeper interrupted = d -> {
      throw new InterruptedException("test");
    };
    try {
      assertThatThrownBy(() -> Poller.of(time, interrupted, Duration.ofSeconds(1), Duration.ofSeconds(5))
          .until("x", () -> "no", s -> false, s -> s))
          .isInstanceOf(MigrationCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void untilPresent_presentOnSecondPoll_returnsValue() {
    Iterator<Optional<String>> polls = List.of(Optional.<String>empty(), Optional.of("url")).iterator();

    assertThat(Poller.of(time, time, Duration.ofSeconds(1), Duration.ofSeconds(5)).untilPresent("tunnel", polls::next))
        .isEqualTo("url");
  }

  @Test
  void untilPresent_neverPresent_lastStateSaysNotYet() {
    assertThatThrownBy(() -> Poller.of(time, time, Duration.ofSeconds(1), Duration.ofSeconds(2))
        .untilPresent("the tunnel's address", Optional::empty))
        .isInstanceOfSatisfying(WaitTimeoutException.class, e -> assertThat(e.lastState()).isEqualTo("not yet"));
  }

  @Test
  void of_nonPositiveDurations_rejected() {
    assertThatThrownBy(() -> Poller.of(time, time, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("interval");
    assertThatThrownBy(() -> Poller.of(time, time, Duration.ofSeconds(1), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
  }
}
