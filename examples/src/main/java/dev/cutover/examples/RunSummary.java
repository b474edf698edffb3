package dev.cutover.examples;

import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The end of a run on stderr, like pgcopydb's summary: every step's time, the total, the downtime,
 * and the tables that took longest to verify (the verification times each table; the restore does not).
 */
final class RunSummary {
  static final int SLOWEST = 5;

  private RunSummary() {}

  static String of(MigrationReport report) {
    StringBuilder sb = new StringBuilder("\nTimes (" + report.source() + " -> " + report.target() + ", "
        + report.outcome() + "):\n");
    Duration total = Duration.ZERO;
    for (MigrationReport.StepOutcome s : report.steps()) {
      if (s.status() == StepStatus.PENDING) {
        continue;
      }
      total = total.plus(s.duration());
      sb.append(String.format(Locale.ROOT, "  %2d. %-16s %10s  %s%n", s.number(), s.step(),
          s.status() == StepStatus.SKIPPED ? "skipped"
              : s.step().equals("inventory") && s.duration().isZero() ? "in plan" : time(s.duration()),
          s.status() == StepStatus.DONE || s.status() == StepStatus.SKIPPED ? "" : s.status()));
    }
    sb.append(String.format(Locale.ROOT, "      %-16s %10s%n", "steps in all", time(total)));
    report.downtime().ifPresentOrElse(d -> sb.append(String.format(Locale.ROOT, "      %-16s %10s%n", "downtime", time(d))),
        () -> report.downtimeStart().ifPresent(start -> sb.append(String.format(Locale.ROOT,
            "      %-16s %10s since %s (the source is still in maintenance)%n", "downtime", "open", start))));
    List<VerificationReport.TableCheck> slowest = report.verification().map(v -> v.tables().stream()
        .sorted(Comparator.comparing(VerificationReport.TableCheck::time).reversed()).limit(SLOWEST).toList())
        .orElse(List.of());
    if (!slowest.isEmpty()) {
      sb.append("Slowest tables to verify:\n");
      for (VerificationReport.TableCheck t : slowest) {
        sb.append(String.format(Locale.ROOT, "  %-40s %,12d rows %10s%n", t.name(), t.actualRows(), time(t.time())));
      }
    }
    return sb.toString();
  }

  /** {@code 850 ms}, {@code 42.3 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
  static String time(Duration d) {
    long s = d.toSeconds();
    if (s < 1) {
      return d.toMillis() + " ms";
    } else if (s < 60) {
      return String.format(Locale.ROOT, "%d.%d s", s, d.toMillisPart() / 100);
    } else if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }
}
