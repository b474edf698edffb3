package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
  private static MigrationReport.StepOutcome step(int n, String id, StepStatus status, long millis) {
    return new MigrationReport.StepOutcome(n, id, status, Duration.ofMillis(millis), 1, "", Optional.empty(),
        Optional.empty());
  }

  private static VerificationReport.TableCheck table(String name, long rows, long millis) {
    return new VerificationReport.TableCheck(name, "table", rows, rows, VerificationReport.Digest.MATCH,
        Duration.ofMillis(millis));
  }

  @Test
  void of_completedRun_everyStepsTimeTotalDowntimeAndSlowestTablesFirst() {
    Instant on = Instant.parse("2026-01-01T10:00:00Z");
    VerificationReport verification = new VerificationReport(VerificationReport.Evidence.LIVE_SOURCE, List.of(),
        List.of(table("public.small", 3, 5), table("public.events", 1_000_000, 65_000), table("public.users", 2000, 900),
            table("public.a", 1, 1), table("public.b", 1, 2), table("public.c", 1, 3)),
        List.of(), List.of(), Duration.ofSeconds(70));
    MigrationReport report = MigrationReport.builder().generatedAt(Instant.parse("2026-01-01T11:00:00Z")).migrationId("m-1").source("legacy-shop").target("demo-env/shop")
        .outcome(MigrationReport.Outcome.COMPLETED, "done")
        .step(step(1, "inventory", StepStatus.DONE, 1200))
        .step(step(3, "prepare-repo", StepStatus.SKIPPED, 0))
        .step(step(2, "preflight", StepStatus.DONE, 0))
        .step(step(7, "capture", StepStatus.DONE, 125_000))
        .downtimeWindow(new MigrationReport.DowntimeWindow(on, Optional.of(on.plusSeconds(190)), "deployed on the target"))
        .verification(verification)
        .build();

    String text = RunSummary.of(report);

    assertThat(text).contains("legacy-shop -> demo-env/shop, COMPLETED")
        .containsPattern(" 1\\. inventory +1\\.2 s")
        .containsPattern(" 3\\. prepare-repo +skipped")
        .containsPattern(" 2\\. preflight +0 ms")
        .containsPattern(" 7\\. capture +2 min 05 s")
        .containsPattern("steps in all +2 min 06 s")
        .containsPattern("downtime +3 min 10 s");
    assertThat(text.substring(text.indexOf("Slowest tables"))).containsSubsequence("public.events", "1,000,000 rows",
        "1 min 05 s", "public.users", "public.small", "public.c", "public.b").doesNotContain("public.a ");
  }

  @Test
  void of_downtimeStillOpen_saysSo() {
    Instant on = Instant.parse("2026-01-01T10:00:00Z");
    MigrationReport report = MigrationReport.builder().generatedAt(Instant.parse("2026-01-01T11:00:00Z")).migrationId("m-1").source("legacy-shop").target("demo-env/shop")
        .outcome(MigrationReport.Outcome.FAILED, "capture failed")
        .downtimeWindow(new MigrationReport.DowntimeWindow(on, Optional.empty(), "open"))
        .build();

    assertThat(RunSummary.of(report)).contains("open since 2026-01-01T10:00:00Z (the source is still in maintenance)")
        .doesNotContain("Slowest");
  }
}
