package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RestoreStrategy#DIRECT} in the pipeline: no capture, a journalled copy that a resume continues, the fallback. */
class DirectRestoreTest {
  @TempDir
  Path dir;

  @Test
  void plan_direct_skipsCaptureSayingWhyAndRestoresDirect() {
    Fixture f = new Fixture(dir);

    MigrationPlan plan = f.migration().restore(RestoreStrategy.DIRECT).plan();

    assertThat(plan.dataMoves(PostgresMove.class)).singleElement().satisfies(m -> {
      assertThat(m.strategy()).isEqualTo(RestoreStrategy.DIRECT);
      assertThat(m.strategyReason()).isEmpty();
    });
    assertThat(plan.steps()).filteredOn(s -> s.step() == MigrationStep.CAPTURE).singleElement().satisfies(s -> {
      assertThat(s.willRun()).isFalse();
      assertThat(s.detail()).contains("DIRECT copies straight from the source database");
    });
    assertThat(plan.steps()).filteredOn(s -> s.step() == MigrationStep.RESTORE).singleElement()
        .satisfies(s -> assertThat(s.detail()).startsWith("DIRECT from the live DATABASE"));
    assertThat(f.faults.calls).contains("checkCanCopyDirect").doesNotContain("captureBackup", "copyDirect");

    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.step("capture").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(report.step("restore").orElseThrow().summary()).contains("copied with DIRECT");
    assertThat(f.faults.calls).doesNotContain("captureBackup", "download", "restore").contains("copyDirect", "verify");
    assertThat(f.mover.targetRows).isEqualTo(f.source.tables);
    assertThat(Journal.load(f.journal()).move("DATABASE").copied).extracting(e -> e.item())
        .containsExactly("TABLE DATA public.users", "TABLE DATA public.orders", "TABLE DATA public.items",
            "TABLE DATA audit.events");
  }

  @Test
  void resume_afterACrashMidCopy_keepsTheFinishedTablesAndCopiesOnlyTheRest() throws Exception {
    Fixture f = new Fixture(dir);
    f.mover.crashDuringCopy = new StackOverflowError("simulated crash mid-copy");

    assertThatThrownBy(() -> f.migration().restore(RestoreStrategy.DIRECT).plan().run())
        .isInstanceOf(StackOverflowError.class);
    Journal crashed = Journal.load(f.journal());
    assertThat(crashed.step(MigrationStep.RESTORE).status).isEqualTo(StepStatus.RUNNING);
    assertThat(crashed.move("DATABASE").copied).extracting(e -> e.item())
        .containsExactly("TABLE DATA public.users", "TABLE DATA public.orders");

    MigrationReport report = f.migration().restore(RestoreStrategy.DIRECT).plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.mover.copiedPerCall).containsExactly(List.of("public.users", "public.orders"),
        List.of("public.items", "audit.events"));
    assertThat(f.mover.targetRows).as("no table copied twice").isEqualTo(f.source.tables);
    assertThat(report.step("restore").orElseThrow().summary())
        .contains("2 tables an earlier attempt finished were kept, not copied again");
    assertThat(Files.readString(EventLog.fileFor(f.journal()))).contains("\"copy-resumed\"")
        .contains("[\"public.users\",\"public.orders\"]");
    assertThat(Journal.load(f.journal()).move("DATABASE").copied).hasSize(4);
  }

  @Test
  void plan_directCannotReadTheSource_fallsBackToParallelSayingWhy() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("checkCanCopyDirect", "restore.check: pg_dump 13 is older than the source server 16.4");

    MigrationPlan plan = f.migration().restore(RestoreStrategy.DIRECT).plan();

    assertThat(plan.dataMoves(PostgresMove.class)).singleElement().satisfies(m -> {
      assertThat(m.strategy()).isEqualTo(RestoreStrategy.PARALLEL);
      assertThat(m.strategyReason()).contains("DIRECT refused").contains("pg_dump 13 is older");
    });
    assertThat(plan.restoreStrategy()).isEqualTo(RestoreStrategy.PARALLEL);
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("DIRECT refused for DATABASE")
        .contains("PARALLEL instead"));
    assertThat(plan.render()).contains("PARALLEL (DIRECT refused: restore.check: pg_dump 13 is older");
    assertThat(plan.steps()).filteredOn(s -> s.step() == MigrationStep.CAPTURE).singleElement()
        .satisfies(s -> assertThat(s.willRun()).isTrue());
    assertThat(plan.fingerprint()).as("an approval of the DIRECT plan does not cover the fallback")
        .isNotEqualTo(f.migration().restore(RestoreStrategy.DIRECT).plan().fingerprint());

    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.faults.calls).contains("captureBackup", "restore").doesNotContain("copyDirect");
  }
}
