package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.MigrationReport;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verify step asks for content evidence, keeps it in the journal, and lets nothing less through. */
class VerificationGateTest {
  @TempDir
  Path dir;

  @Test
  void run_sourceReachable_verifiesAgainstTheSourceWithTheRestoredArchiveAsFallbackAndJournalsEveryTable() {
    Fixture f = new Fixture(dir);

    MigrationReport report = f.migration().plan().run();

    Journal.MoveState state = Journal.load(f.journal()).moves.get("DATABASE");
    assertThat(f.mover.lastVerification.source()).isPresent();
    assertThat(f.mover.lastVerification.archive()).hasValue(Path.of(state.dumpFile));
    assertThat(f.mover.lastVerification.restored()).isPresent();
    VerificationReport kept = state.verification().orElseThrow();
    assertThat(kept.evidence()).isEqualTo(VerificationReport.Evidence.LIVE_SOURCE);
    assertThat(kept.contentVerified()).isTrue();
    assertThat(kept.tables()).extracting(VerificationReport.TableCheck::name)
        .containsExactly("public.users", "public.orders", "public.items", "audit.events");
    assertThat(kept.tables()).allSatisfy(t -> assertThat(t.digest()).isEqualTo(VerificationReport.Digest.MATCH));
    assertThat(kept.expectedLosses()).singleElement().asString().contains("analyst");
    assertThat(kept.duration().toMillis()).isEqualTo(12);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.tables()).hasSize(4));
    assertThat(report.step("verify").orElseThrow().summary())
        .contains("DATABASE verified (content digests against the live source): 4 tables, 13650 rows, 4 content digests match, all 8 checks passed");
  }

  @Test
  void run_sourceUrlUnusable_verifiesAgainstTheBackupArchiveAndSaysWhatItDoesNotProve() {
    Fixture f = new Fixture(dir);
    f.source.databaseUrlOverride = "not a database url";

    MigrationReport report = f.migration().plan().run();

    assertThat(f.mover.lastVerification.source()).isEmpty();
    assertThat(f.mover.lastVerification.archive()).isPresent();
    assertThat(f.events).filteredOn(e -> e instanceof MigrationEvent.Warning).extracting(e -> ((MigrationEvent.Warning) e).message())
        .anyMatch(m -> m.contains("cannot be used") && m.contains("verifying against the backup archive"));
    assertThat(report.summary()).startsWith("Migrated and verified (content digests against the backup archive).");
    assertThat(f.read(f.work().resolve("report.md"))).contains("Evidence: content digests against the backup archive.")
        .contains("### Not proven by this evidence\n\n- extension versions");
  }

  @Test
  void run_moverThatOnlyCounts_failsTheGateBeforeAnyCutoverStepSayingWhatWasNotProven() {
    Fixture f = new Fixture(dir);
    f.mover.countsOnly = true;

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("verify: the content was not proven (evidence: counts only")
        .hasMessageContaining("extension versions");

    assertThat(f.faults.count("setConfig")).isZero();
    assertThat(f.faults.count("deploy")).isZero();
    assertThat(Journal.load(f.journal()).moves.get("DATABASE").verifiedAt).isNull();
    assertThat(f.read(f.work().resolve("report.md"))).contains("**NOT verified** (only counts were compared)")
        .contains("| public.users | table | 120 | 120 | not compared |");
  }
}
