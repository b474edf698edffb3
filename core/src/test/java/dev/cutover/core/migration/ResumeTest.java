package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationException;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** For each step: a failure there, then resume completes without repeating what was done. */
class ResumeTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "preflight,       checkCanRestore",
      "prepare-repo,    prepareRepo",
      "create-app,      ensureApp",
      "create-database, ensureDatabase",
      "maintenance-on,  maintenance:true",
      "capture,         captureBackup",
      "tunnel,          openTunnel",
      "restore,         restore",
      "verify,          verify",
      "configure,       setConfig",
      "deploy,          deploy",
      "scale,           scale",
  })
  void resume_afterFailureAtStep_completesWithoutRepeatingDoneSteps(String step, String operation) {
    Fixture f = new Fixture(dir);
    f.faults.failNext(operation, 1);

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationException.class);
    Journal journal = Journal.load(f.journal());
    assertThat(journal.step(MigrationStep.byId(step).orElseThrow()).status).isEqualTo(StepStatus.FAILED);
    assertThat(journal.firstUnfinished()).hasValue(MigrationStep.byId(step).orElseThrow());
    assertThat(f.target.openTunnels()).isZero();
    assertThat(f.read(f.work().resolve("report.json"))).contains("\"outcome\" : \"FAILED\"");

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.steps()).filteredOn(s -> !s.step().startsWith("redis-")) // no Redis mover: skipped
        .extracting(MigrationReport.StepOutcome::status).containsOnly(StepStatus.DONE);
    assertThat(report.step(step).orElseThrow().attempts()).isEqualTo(2);
    report.steps().stream().filter(s -> !s.step().equals(step) && s.status() != StepStatus.SKIPPED)
        .forEach(s -> assertThat(s.attempts()).as(s.step()).isEqualTo(1));
    assertThat(f.mover.targetRows).as("no duplicated rows").isEqualTo(f.source.tables);
    assertThat(f.target.openTunnels()).isZero();
    assertThat(f.faults.count("ensureApp")).isEqualTo(step.equals("create-app") ? 2 : 1);
    assertThat(f.faults.count("maintenance:true")).isEqualTo(step.equals("maintenance-on") ? 2 : 1);
    assertThat(f.faults.count("deploy")).isEqualTo(step.equals("deploy") ? 2 : 1);
    assertThat(f.faults.count("setConfig")).isEqualTo(step.equals("configure") ? 2 : 1);
    // the dump is deleted after a failure: a restore that still needs it captures again; a failure before the
    // restore step (which downloads while it restores, PARALLEL) leaves the captured backup to download
    boolean recapture = Set.of("capture", "restore").contains(step);
    assertThat(f.faults.count("captureBackup")).isEqualTo(recapture ? 2 : 1);
    assertThat(f.faults.count("restore")).isEqualTo(step.equals("restore") ? 2 : 1);
    assertThat(f.faults.count("maintenance:false")).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"restore", "verify", "deploy"})
  void resume_afterFailureWithKeepDump_reusesTheVerifiedDump(String step) {
    Fixture f = new Fixture(dir);
    f.faults.failNext(step, 1);

    assertThatThrownBy(() -> f.migration().keepDump(true).plan().run()).isInstanceOf(MigrationException.class);
    MigrationReport report = f.migration().keepDump(true).plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.mover.targetRows).isEqualTo(f.source.tables);
    assertThat(f.faults.count("captureBackup")).as("the kept dump's SHA-256 matches: no new capture").isEqualTo(1);
  }

  @org.junit.jupiter.api.Test
  void resume_afterReportCouldNotBeWritten_writesItAgain() throws Exception {
    Fixture f = new Fixture(dir);
    Path blocker = f.work().resolve("report.json");
    Files.createDirectories(blocker.resolve("occupied"));

    assertThatThrownBy(() -> f.migration().plan().run()).hasMessageContaining("report: cannot write");
    Files.delete(blocker.resolve("occupied"));
    Files.delete(blocker);
    int calls = f.faults.calls.size();

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(Files.isRegularFile(blocker)).isTrue();
    assertThat(f.faults.calls.subList(calls, f.faults.calls.size())).containsOnly("inventory");
  }
}
