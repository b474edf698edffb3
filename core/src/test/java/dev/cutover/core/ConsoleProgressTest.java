package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  private static final long GIB = 1024L * 1024 * 1024;

  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
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

  private final ManualClock clock = new ManualClock();
  private final StringBuilder out = new StringBuilder();

  private MigrationEvent.Progress bytes(long done, long total) {
    return new MigrationEvent.Progress("download", clock.instant(), "bytes", done, total);
  }

  @Test
  void progress_notTerminal_plainThrottledLinesWithoutEscapeCodes() {
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock);

    console.stepStarted(new MigrationEvent.StepStarted("download", clock.instant(), "download backup b012"));
    console.progress(bytes(0, 2 * GIB));
    clock.advance(Duration.ofMillis(500));
    console.progress(bytes(GIB / 20, 2 * GIB)); // 2.5%, 0.5 s later: throttled
    clock.advance(Duration.ofMillis(1500));
    console.progress(bytes(GIB / 10, 2 * GIB)); // 2 s since the last line: shown
    clock.advance(Duration.ofMillis(100));
    console.progress(bytes(GIB / 2, 2 * GIB)); // crossed 10% and 20%: shown at once
    clock.advance(Duration.ofSeconds(6));
    console.progress(bytes(2 * GIB, 2 * GIB)); // complete: always shown
    console.stepFinished(new MigrationEvent.StepFinished("download", clock.instant(), Duration.ofMillis(8100), "2.0 GiB"));
    console.warning(new MigrationEvent.Warning("restore", clock.instant(), "2 extensions are not available"));
    console.stepFailed(new MigrationEvent.StepFailed("restore", clock.instant(), Duration.ofSeconds(75), "psql: exited 3"));

    assertThat(out.toString()).doesNotContain("\u001b").doesNotContain("\r");
    assertThat(out.toString().split("\n")).containsExactly(
        "==> download: download backup b012",
        "download:   0% 0 B of 2.0 GiB",
        "download:   4% 102.4 MiB of 2.0 GiB, 51.2 MiB/s, ETA 39 s",
        "download:  25% 512.0 MiB of 2.0 GiB, 243.8 MiB/s, ETA 7 s",
        "download: 100% 2.0 GiB of 2.0 GiB, 252.8 MiB/s",
        "download: done in 8 s (2.0 GiB)",
        "restore: warning: 2 extensions are not available",
        "restore: FAILED after 1 min 15 s: psql: exited 3");
  }

  @Test
  void progress_notTerminalUnknownTotalRows_countAndRate() {
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock);

    console.progress(new MigrationEvent.Progress("restore", clock.instant(), "rows", 0, -1));
    clock.advance(Duration.ofSeconds(4));
    console.progress(new MigrationEvent.Progress("restore", clock.instant(), "rows", 1_200_000, -1));

    assertThat(out.toString()).isEqualTo("restore: 0 rows\nrestore: 1,200,000 rows, 300,000 rows/s\n");
  }

  @Test
  void progress_terminal_barRedrawnInPlaceThenClearedForNextLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress console = ConsoleProgress.to(new PrintStream(bytes, false, StandardCharsets.UTF_8), true)
        .withClock(clock);

    console.progress(bytes(0, 4 * GIB));
    clock.advance(Duration.ofSeconds(10));
    console.progress(bytes(GIB, 4 * GIB));
    clock.advance(Duration.ofMillis(10));
    console.progress(bytes(GIB + 1, 4 * GIB)); // redraws are throttled too
    console.stepFinished(new MigrationEvent.StepFinished("download", clock.instant(), Duration.ofSeconds(10), ""));

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).isEqualTo(
        "\r\u001b[2Kdownload [------------------------]   0% 0 B of 4.0 GiB"
            + "\r\u001b[2Kdownload [######------------------]  25% 1.0 GiB of 4.0 GiB, 102.4 MiB/s, ETA 30 s"
            + "\r\u001b[2Kdownload: done in 10 s\n");
  }

  @Test
  void isTerminal_consoleAndTerm_detected() {
    assertThat(ConsoleProgress.isTerminal(true, "xterm-256color")).isTrue();
    assertThat(ConsoleProgress.isTerminal(true, null)).isTrue();
    assertThat(ConsoleProgress.isTerminal(true, "dumb")).isFalse();
    assertThat(ConsoleProgress.isTerminal(false, "xterm")).isFalse();
  }

  @Test
  void amountAndDuration_formatted() {
    assertThat(ConsoleProgress.amount("bytes", 1023)).isEqualTo("1023 B");
    assertThat(ConsoleProgress.amount("bytes", 1536)).isEqualTo("1.5 KiB");
    assertThat(ConsoleProgress.amount("rows", 1234567)).isEqualTo("1,234,567 rows");
    assertThat(ConsoleProgress.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
    assertThat(ConsoleProgress.duration(Duration.ofSeconds(185))).isEqualTo("3 min 05 s");
    assertThat(ConsoleProgress.duration(Duration.ofSeconds(3720))).isEqualTo("1 h 02 min");
  }
}
