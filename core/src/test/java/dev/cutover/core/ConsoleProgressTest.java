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

  private static final java.util.List<String> STEPS = java.util.List.of("inventory", "maintenance-on", "capture",
      "deploy", "report");

  @Test
  void withStepsAndDowntime_plain_numbersStepsAndShowsTheDowntimeFromMaintenanceToDeploy() {
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock).withSteps(STEPS)
        .withDowntime("maintenance-on", "deploy", null);

    console.stepStarted(new MigrationEvent.StepStarted("maintenance-on", clock.instant(), "maintenance on"));
    clock.advance(Duration.ofSeconds(2));
    console.stepFinished(new MigrationEvent.StepFinished("maintenance-on", clock.instant(), Duration.ofSeconds(2), ""));
    console.stepStarted(new MigrationEvent.StepStarted("capture", clock.instant(), "capture a backup"));
    clock.advance(Duration.ofSeconds(65));
    console.progress(new MigrationEvent.Progress("capture", clock.instant(), "bytes", 1024, 2048));
    console.stepFinished(new MigrationEvent.StepFinished("capture", clock.instant(), Duration.ofSeconds(65), ""));
    console.stepStarted(new MigrationEvent.StepStarted("deploy", clock.instant(), "git push"));
    clock.advance(Duration.ofSeconds(10));
    console.stepFinished(new MigrationEvent.StepFinished("deploy", clock.instant(), Duration.ofSeconds(10), ""));
    console.stepStarted(new MigrationEvent.StepStarted("report", clock.instant(), "write the report"));

    assertThat(out.toString()).isEqualTo(
        "==> [2/5] maintenance-on: maintenance on\n"
            + "[2/5] maintenance-on: done in 2 s [downtime 0 ms]\n"
            + "==> [3/5] capture: capture a backup [downtime 0 ms]\n"
            + "[3/5] capture:  50% 1.0 KiB of 2.0 KiB [downtime 1 min 05 s]\n"
            + "[3/5] capture: done in 1 min 05 s [downtime 1 min 05 s]\n"
            + "==> [4/5] deploy: git push [downtime 1 min 05 s]\n"
            + "[4/5] deploy: done in 10 s [downtime ended: 1 min 15 s]\n"
            + "==> [5/5] report: write the report\n");
    assertThat(console.downtime()).contains(Duration.ofSeconds(75));
  }

  @Test
  void withDowntime_openedByAnEarlierRun_countsFromThen() {
    Instant since = clock.instant().minus(Duration.ofMinutes(3));
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock).withDowntime("maintenance-on", "deploy", since);

    console.stepStarted(new MigrationEvent.StepStarted("capture", clock.instant(), "capture a backup"));

    assertThat(out.toString()).isEqualTo("==> capture: capture a backup [downtime 3 min 00 s]\n");
  }

  @Test
  void tick_terminal_redrawsTheRunningStepsTimeLastBarAndDowntimeClock() {
    ConsoleProgress console = ConsoleProgress.to(out, true).withClock(clock).withSteps(STEPS)
        .withDowntime("maintenance-on", "deploy", clock.instant());

    console.stepStarted(new MigrationEvent.StepStarted("capture", clock.instant(), "capture a backup"));
    console.tick(); // nothing drawn yet, but the step has not run a second: no redraw
    clock.advance(Duration.ofSeconds(12));
    console.tick();
    console.progress(new MigrationEvent.Progress("capture", clock.instant(), "bytes", 512, 1024));
    clock.advance(Duration.ofMillis(300));
    console.tick(); // progress was drawn 0.3 s ago: no redraw
    clock.advance(Duration.ofSeconds(1));
    console.tick();
    console.stepFinished(new MigrationEvent.StepFinished("capture", clock.instant(), Duration.ofSeconds(13), ""));
    clock.advance(Duration.ofSeconds(5));
    console.tick(); // no step runs: nothing

    assertThat(out.toString()).isEqualTo(
        "==> [3/5] capture: capture a backup [downtime 0 ms]\n"
            + "\r\u001b[2K[3/5] capture 12 s [downtime 12 s]"
            + "\r\u001b[2K[3/5] capture [############------------]  50% 512 B of 1.0 KiB [downtime 12 s]"
            + "\r\u001b[2K[3/5] capture 13 s [############------------]  50% 512 B of 1.0 KiB [downtime 13 s]"
            + "\r\u001b[2K[3/5] capture: done in 13 s [downtime 13 s]\n");
  }

  @Test
  void progress_taskTitleAsUnit_countsWithoutRepeatingTheTitleAndInALogOnlyItsEnd() {
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock);

    console.progress(new MigrationEvent.Progress("deploy", clock.instant(), "Finding sources", 0, 13));
    clock.advance(Duration.ofSeconds(1));
    console.progress(new MigrationEvent.Progress("deploy", clock.instant(), "Finding sources", 13, 13));

    assertThat(out.toString()).isEqualTo("deploy: Finding sources: 100% 13 of 13, 13/s\n").doesNotContain("of 13 Finding");
  }

  @Test
  void tick_plain_writesAStillRunningLineAfter30QuietSeconds() {
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock).withSteps(STEPS)
        .withDowntime("maintenance-on", "deploy", clock.instant());

    console.stepStarted(new MigrationEvent.StepStarted("capture", clock.instant(), "capture a backup"));
    clock.advance(Duration.ofSeconds(29));
    console.tick();
    clock.advance(Duration.ofSeconds(1));
    console.tick();
    clock.advance(Duration.ofSeconds(10));
    console.tick();

    assertThat(out.toString()).isEqualTo("==> [3/5] capture: capture a backup [downtime 0 ms]\n"
        + "[3/5] capture: still running after 30 s [downtime 30 s]\n");
  }

  @Test
  void progress_ofAnAdaptersOperation_showsUnderTheRunningStep() {
    ConsoleProgress console = ConsoleProgress.to(out, false).withClock(clock).withSteps(STEPS);

    console.stepStarted(new MigrationEvent.StepStarted("capture", clock.instant(), "capture a backup"));
    console.progress(new MigrationEvent.Progress("heroku.download", clock.instant(), "bytes", 2048, 2048));

    assertThat(out.toString()).endsWith("[3/5] capture: 100% 2.0 KiB of 2.0 KiB\n");
  }
}
