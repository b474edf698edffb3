package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.spi.RepoPreparation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationRunTest {
  @TempDir
  Path dir;

  @Test
  void run_happyPath_executesEveryStepInOrderAndReports() {
    Fixture f = new Fixture(dir);

    MigrationReport report = f.migration().plan().run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.steps()).filteredOn(s -> !s.step().startsWith("redis-")) // no Redis mover: skipped
        .extracting(MigrationReport.StepOutcome::status).containsOnly(StepStatus.DONE);
    assertThat(report.steps()).extracting(MigrationReport.StepOutcome::step).containsExactly("inventory", "preflight",
        "prepare-repo", "create-app", "create-database", "maintenance-on", "capture", "tunnel", "restore", "verify",
        "redis-copy", "redis-verify", "configure", "deploy", "scale", "report");
    assertThat(f.mover.targetRows).isEqualTo(f.source.tables);
    assertThat(f.source.maintenance).as("Heroku stays in maintenance after success").isTrue();
    assertThat(report.sourceInMaintenance()).isTrue();
    assertThat(f.target.databases).containsKey("my-app-db");
    assertThat(f.target.databases.get("my-app-db").version()).isEqualTo("16");
    assertThat(f.target.config).containsKeys("STRIPE_API_KEY", "SESSION_SECRET", "REDIS_URL", "DATABASE_URL", "PORT")
        .doesNotContainKeys("HEROKU_POSTGRESQL_RED_URL", "HEROKU_APP_ID", "HEROKU_APP_NAME", "HEROKU_RELEASE_VERSION",
            "HEROKU_SLUG_COMMIT");
    assertThat(f.target.config.get("DATABASE_URL")).contains("db-my-env-1.aptible.in");
    assertThat(f.target.config.get("PORT")).isEqualTo("3000");
    assertThat(f.target.deploys).hasSize(1);
    assertThat(f.target.scaled).containsOnlyKeys("web", "worker");
    assertThat(f.target.scaled.get("web")).containsExactly(2, 1024);
    assertThat(f.target.scaled.get("worker")).containsExactly(1, 512);
    assertThat(f.target.endpoints).containsEntry("web", java.util.List.of("www.example.com"));
    assertThat(f.target.openTunnels()).isZero();
    assertThat(f.applied).extracting(RepoPreparation.Change::path).containsExactly("Dockerfile");
    assertThat(report.downtime()).isPresent();
    assertThat(report.dumpSha256()).hasValueSatisfying(sha -> assertThat(sha).hasSize(64));
    assertThat(f.work().resolve("report.json")).exists();
    assertThat(f.work().resolve("report.md")).exists();
  }

  @Test
  void run_happyPath_ordersCutoverAfterVerificationAndMaintenanceBeforeCapture() {
    Fixture f = new Fixture(dir);

    f.migration().plan().run();

    // PARALLEL downloads in the restore step, while it restores
    assertThat(f.faults.calls).containsSubsequence("ensureApp", "ensureDatabase", "maintenance:true", "captureBackup",
        "openTunnel", "download", "restore", "copyDatabaseSettings", "verify", "setConfig", "deploy", "scale", "ensureHttpsEndpoint");
  }

  @Test
  void run_moverThatCannotRestoreAGrowingFile_capturesAndDownloadsFirstAndThePlanSaysSo() throws Exception {
    Fixture f = new Fixture(dir);
    f.mover.overlaps = false;
    MigrationPlan plan = f.migration().plan();

    assertThat(plan.render()).contains("download to").doesNotContain("while the backup downloads")
        .doesNotContain("downloaded by the restore step");
    plan.run();

    // the capture step downloads; the restore step starts on the whole file
    assertThat(f.faults.calls).containsSubsequence("maintenance:true", "captureBackup", "download", "openTunnel",
        "restore", "verify");
    assertThat(Files.readString(EventLog.fileFor(plan.journal()))).contains("\"step-finished\"")
        .doesNotContain("restore-while-downloading");
  }

  @Test
  void run_success_deletesDumpAndKeepsItPrivateWhileItExists() throws Exception {
    Fixture f = new Fixture(dir);

    f.migration().keepDump(true).plan().run();
    Path dumps = f.work().resolve("dumps");
    assertThat(Files.getPosixFilePermissions(dumps)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.list(dumps)) {
      Path dump = files.findFirst().orElseThrow();
      assertThat(Files.getPosixFilePermissions(dump)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    Fixture g = new Fixture(dir.resolve("second"));
    g.migration().plan().run();
    try (var files = Files.list(g.work().resolve("dumps"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void run_verificationMismatch_stopsBeforeAnyCutoverStep() {
    Fixture f = new Fixture(dir);
    f.mover.corruptVerification = true;

    assertThatThrownBy(() -> f.migration().plan().run())
        .isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("verify: the target does not match the source")
        .satisfies(e -> assertThat(((VerificationFailedException) e).verification().passed()).isFalse());

    assertThat(f.faults.count("setConfig")).isZero();
    assertThat(f.faults.count("deploy")).isZero();
    assertThat(f.faults.count("scale")).isZero();
    assertThat(f.faults.count("ensureHttpsEndpoint")).isZero();
    assertThat(f.target.openTunnels()).isZero();
    assertThat(f.read(f.work().resolve("report.md"))).contains("**FAILED**").contains("| public.users | table | 120 | 119 | **NO** |");
  }

  @Test
  void run_completedJournal_returnsReportWithoutRepeatingAnything() {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();
    int calls = f.faults.calls.size();

    MigrationReport again = f.migration().plan().run();

    assertThat(again.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.faults.calls.subList(calls, f.faults.calls.size())).containsOnly("inventory");
  }

  @Test
  void run_interruptedDuringDeploy_throwsCancelledKeepsFlagAndResumeCompletes() {
    Fixture f = new Fixture(dir);
    f.target.interruptOnDeploy = true;

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationCancelledException.class);
    assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
    assertThat(f.read(f.journal())).contains("\"deploy\"");

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.faults.count("deploy")).isEqualTo(2);
    assertThat(f.faults.count("restore")).isEqualTo(1);
    assertThat(f.target.openTunnels()).isZero();
  }

  @Test
  void run_interruptedBeforeStart_startsNothing() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().plan();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(plan::run).isInstanceOf(MigrationCancelledException.class).hasMessageContaining("preflight");
    } finally {
      Thread.interrupted();
    }
    assertThat(f.faults.calls).containsOnly("inventory");
  }

  @Test
  void resume_afterKilledJvmDuringRestore_replacesPartialDataWithoutDuplicates() {
    Fixture f = new Fixture(dir);
    f.mover.crashDuringRestore = new KilledJvm();

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(KilledJvm.class);
    assertThat(f.read(f.journal())).contains("\"status\" : \"RUNNING\"");
    assertThat(f.mover.targetRows).isNotEmpty().isNotEqualTo(f.source.tables);

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.mover.targetRows).isEqualTo(f.source.tables);
    assertThat(f.mover.replaceFlags).containsExactly(false, true);
    assertThat(f.faults.count("captureBackup")).as("the killed JVM left the dump; its SHA-256 still matches").isEqualTo(1);
    assertThat(report.step("restore").orElseThrow().attempts()).isEqualTo(2);
  }

  @Test
  void rollback_afterFailureAtDeploy_turnsMaintenanceOffAndListsTargetResources() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).hasMessageContaining("deploy: injected failure");
    assertThat(f.source.maintenance).isTrue();

    MigrationReport report = f.migration().plan().rollback();

    assertThat(f.source.maintenance).isFalse();
    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.ROLLED_BACK);
    assertThat(report.sourceInMaintenance()).isFalse();
    assertThat(report.targetResources()).contains("app my-env/my-app", "database my-app-db (postgresql 16)");
    assertThat(report.downtime()).isPresent();
    String md = f.read(f.work().resolve("report.md"));
    assertThat(md).contains("ROLLED_BACK").contains("Source in maintenance: no").contains("legacy-shop is primary again");
    // only what was undone is reported undone: maintenance; deploy was not undone, it runs again on resume
    assertThat(report.step("maintenance-on").orElseThrow().status()).isEqualTo(StepStatus.REVERTED);
    assertThat(report.step("deploy").orElseThrow().status()).isEqualTo(StepStatus.PENDING);
    assertThat(report.step("restore").orElseThrow().status()).isEqualTo(StepStatus.PENDING);
    assertThat(report.step("create-app").orElseThrow().status()).isEqualTo(StepStatus.DONE);
    assertThat(report.dnsRecords()).as("a rolled-back migration has no DNS to change").isEmpty();
  }

  @Test
  void resume_afterRollback_capturesAgainAndReplacesTheRestoredData() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isNotNull();
    f.migration().plan().rollback();
    f.source.tables.put("public.orders", 4600L);

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.faults.count("captureBackup")).isEqualTo(2);
    assertThat(f.mover.targetRows).isEqualTo(f.source.tables);
    assertThat(f.mover.replaceFlags).containsExactly(false, true);
    assertThat(f.faults.count("ensureApp")).isEqualTo(1);
    assertThat(f.source.maintenance).isTrue();
  }

  @Test
  void rollback_withoutJournal_isRejected() {
    Fixture f = new Fixture(dir);

    assertThatThrownBy(() -> f.migration().plan().rollback())
        .isInstanceOf(dev.cutover.core.ValidationException.class).hasMessageContaining("nothing to roll back");
    assertThat(f.faults.count("maintenance:false")).isZero();
  }

  @Test
  void run_sourceWithoutDatabase_skipsDataStepsAndSetsNoDatabaseUrl() {
    Fixture f = new Fixture(dir, Map.of());

    MigrationReport report = f.migration().plan().run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.step("restore").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(report.step("create-database").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(f.target.config).doesNotContainKey("DATABASE_URL").containsKey("PORT");
    assertThat(f.faults.count("captureBackup")).isZero();
  }

  @Test
  void run_listenerThatThrows_doesNotFailTheMigration() {
    Fixture f = new Fixture(dir);
    MigrationReport report = f.migration().listener(new dev.cutover.core.MigrationListener() {
      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        throw new IllegalStateException("listener bug");
      }
    }).plan().run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
  }

  @Test
  void run_events_reportEveryStepStartAndFinish() {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();

    assertThat(f.events.stream().filter(e -> e instanceof MigrationEvent.StepFinished).map(MigrationEvent::step))
        .containsExactly("preflight", "prepare-repo", "create-app", "create-database", "maintenance-on", "capture",
            "tunnel", "restore", "verify", "configure", "deploy", "scale", "report");
  }

  /** Stands in for a JVM killed mid-step: nothing after it runs, no catch block sees it. */
  static final class KilledJvm extends Error {
    private static final long serialVersionUID = 1L;
  }
}
