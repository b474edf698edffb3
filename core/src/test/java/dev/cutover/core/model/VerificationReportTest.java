package dev.cutover.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.model.VerificationReport.Check;
import dev.cutover.core.model.VerificationReport.Digest;
import dev.cutover.core.model.VerificationReport.Evidence;
import dev.cutover.core.model.VerificationReport.TableCheck;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class VerificationReportTest {
  private static final TableCheck USERS = new TableCheck("public.users", "table", 2000, 2000, Digest.MATCH,
      Duration.ofMillis(120));

  @Test
  void contentVerified_onlyWithContentEvidenceAndEveryCheckPassing() {
    List<Check> ok = List.of(new Check("content", "public.users", "2,000 rows, digest a", "2,000 rows, digest a"));
    assertThat(new VerificationReport(Evidence.LIVE_SOURCE, ok, List.of(USERS), List.of(), List.of(), Duration.ZERO)
        .contentVerified()).isTrue();
    assertThat(new VerificationReport(Evidence.BACKUP_ARCHIVE, ok, List.of(USERS), List.of(), List.of(), Duration.ZERO)
        .contentVerified()).isTrue();
    assertThat(new VerificationReport(Evidence.COUNTS_ONLY, ok, List.of(), List.of(), List.of(), Duration.ZERO)
        .contentVerified()).isFalse();
    assertThat(new VerificationReport(Evidence.LIVE_SOURCE, List.of(new Check("content", "public.users", "a", "b")),
        List.of(), List.of(), List.of(), Duration.ZERO).contentVerified()).isFalse();
  }

  @Test
  void legacyConstructor_againstRoundTripsTheEvidence_andOldWordingIsCountsOnly() {
    for (Evidence e : Evidence.values()) {
      assertThat(new VerificationReport(e.description(), List.of()).evidence()).isEqualTo(e);
    }
    assertThat(new VerificationReport("source database", List.of()).evidence()).isEqualTo(Evidence.COUNTS_ONLY);
    assertThat(new VerificationReport("restore counts", List.of()).against()).isEqualTo("counts only");
  }

  @Test
  void toString_saysEvidenceOutcomeTablesAndRows() {
    VerificationReport r = new VerificationReport(Evidence.BACKUP_ARCHIVE,
        List.of(new Check("sequence", "public.s", "value 5 (called)", "value 1 (not called)")), List.of(USERS),
        List.of("public.t: SELECT to reader dropped (no such role on the target)"), List.of("extension versions"),
        Duration.ofMillis(1500));

    assertThat(r.toString()).isEqualTo("VerificationReport[content digests against the backup archive: FAILED (1 of 1 "
        + "checks), 1 checks, 1 tables (2,000 rows), 1 expected losses, 1 not proven, 1500 ms]");
    assertThat(USERS.toString()).isEqualTo("table public.users: 2,000 rows (expected 2,000), digest match, 120 ms");
  }

  @Test
  void describeMismatches_namesObjectAndBothValues_andCapsTheList() {
    List<Check> many = IntStream.range(0, 60).mapToObj(i -> new Check("column", "public.t.c" + i, "#1 text", "#2 text"))
        .toList();
    String text = new VerificationReport(Evidence.LIVE_SOURCE, many, List.of(), List.of(), List.of(), Duration.ZERO)
        .describeMismatches();

    assertThat(text).startsWith("60 of 60 checks failed (content digests against the live source):")
        .contains("  column public.t.c0: expected #1 text, actual #2 text").contains("... and 10 more")
        .doesNotContain("public.t.c59");
  }

  @Test
  void tableCheck_missingTableAndNotCompared() {
    assertThat(new TableCheck("public.gone", "table", 10, -1, Digest.MISMATCH, Duration.ZERO).ok()).isFalse();
    assertThat(new TableCheck("public.mv", "materialized view", 3, 3, Digest.NOT_COMPARED, Duration.ZERO).ok()).isTrue();
    assertThat(new TableCheck("public.gone", "table", 10, -1, Digest.MISMATCH, Duration.ZERO).toString())
        .contains("missing rows (expected 10)");
  }
}
