package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir
  Path dir;

  @Test
  void journal_afterRun_isCompleteAndNoTemporaryFileIsLeft() throws Exception {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();

    Journal j = Journal.load(f.journal());

    assertThat(j.firstUnfinished()).isEmpty();
    assertThat(j.maintenanceOnAt).isNotNull();
    assertThat(j.deployedRevision).isEqualTo("0123456789abcdef0123456789abcdef01234567");
    assertThat(j.moves.get("DATABASE").dumpSha256).hasSize(64);
    assertThat(j.moves.get("DATABASE").backupId).isEqualTo("b001");
    assertThat(j.endpoints).containsExactly(new Journal.Endpoint("web", "www.example.com", "elb-my-env-42.aptible.in", true));
    assertThat(j.options.restore()).isEqualTo(RestoreStrategy.PARALLEL);
    assertThat(j.completedAt).isNotNull();
    j.steps.forEach((id, s) -> assertThat(s.status).as(id).isEqualTo(id.startsWith("redis-") ? StepStatus.SKIPPED
        : StepStatus.DONE));
    try (var files = Files.list(f.work())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void journal_writtenBeforeEachStep_showsTheRunningStepToAKilledJvm() {
    Fixture f = new Fixture(dir);
    f.mover.crashDuringRestore = new MigrationRunTest.KilledJvm();

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationRunTest.KilledJvm.class);

    Journal j = Journal.load(f.journal());
    assertThat(j.step(MigrationStep.RESTORE).status).isEqualTo(StepStatus.RUNNING);
    assertThat(j.step(MigrationStep.TUNNEL).status).isEqualTo(StepStatus.DONE);
    assertThat(j.firstUnfinished()).hasValue(MigrationStep.RESTORE);
    assertThat(f.migration().plan().resumesAt()).hasValue(MigrationStep.RESTORE);
  }

  @Test
  void readJournal_afterFailure_namesSourceTargetAndWhereToResume() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("verify", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isNotNull();

    JournalSummary summary = Migration.readJournal(f.journal());

    assertThat(summary.source()).isEqualTo("legacy-shop");
    assertThat(summary.targetEnvironment()).isEqualTo("my-env");
    assertThat(summary.targetApp()).isEqualTo("my-app");
    assertThat(summary.databaseHandle()).isEqualTo("my-app-db");
    assertThat(summary.resumesAt()).hasValue(MigrationStep.VERIFY);
    assertThat(summary.steps()).containsEntry("restore", StepStatus.DONE).containsEntry("verify", StepStatus.FAILED);
    assertThat(summary.complete()).isFalse();
  }

  @Test
  void resume_corruptJournal_isRejectedWithAValidationException() throws Exception {
    Fixture f = new Fixture(dir);
    Files.createDirectories(f.work());
    Files.writeString(f.journal(), "{\"format\":\"cutover-journal/2\",\"migrationId\":\"x\",\"steps\":{\"restore\":");

    assertThatThrownBy(() -> f.migration().plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems().get(0).problem()).contains("corrupt"));
    assertThat(f.faults.calls).containsExactly("inventory");
  }

  @Test
  void resume_journalOfAnotherMigration_isRejected() {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();
    Fixture other = new Fixture(dir.resolve("other"));

    assertThatThrownBy(() -> other.migration().journal(f.journal()).database(
        dev.cutover.core.model.DatabaseSpec.postgresql("16").handle("another-db")).plan())
        .isInstanceOf(ValidationException.class).hasMessageContaining("belongs to another migration");
  }

  @Test
  void resume_withoutJournal_isRejected() {
    Fixture f = new Fixture(dir);

    assertThatThrownBy(() -> f.migration().plan().resume())
        .isInstanceOf(ValidationException.class).hasMessageContaining("nothing to resume");
    assertThat(f.faults.calls).containsExactly("inventory");
  }

  @Test
  void resume_notAJournal_isRejected() throws Exception {
    Fixture f = new Fixture(dir);
    Files.createDirectories(f.work());
    Files.writeString(f.journal(), "{\"hello\":\"world\"}");

    assertThatThrownBy(() -> Migration.resume(f.journal(), f.source, f.target, f.recorder()))
        .isInstanceOf(ValidationException.class).hasMessageContaining("is not a Cutover journal");
  }

  @Test
  void fromJournal_restoresTheOptionsOfTheMigrationThatWroteIt() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().restore(RestoreStrategy.GUIDE_SQL).keepDump(true).plan().run()).isNotNull();

    MigrationReport report = Migration.fromJournal(f.journal(), f.source, f.target)
        .dataMover(f.mover).repoPreparation(f.preparation).plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.toolVersions()).containsEntry("restore strategy", "GUIDE_SQL");
    assertThat(f.target.deploys).hasSize(1);
  }
}
