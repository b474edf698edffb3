package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationException;
import dev.cutover.core.Secret;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.InventoryGap;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write fence on the in-memory fakes: the writer process types stopped behind maintenance with
 * an undo record, the freeze proven from the source's write counters before the capture and checked
 * again at the verification gate, one-off dynos refused; the backup's owner app journalled for a
 * resumed download; several databases and a follower planned.
 */
class WriteFenceTest {
  @TempDir
  Path dir;

  @Test
  void run_workerInFormation_scaledToZeroBehindMaintenanceWithTheFreezeProvenBeforeTheCapture() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().plan();

    MigrationReport report = plan.run();

    assertThat(plan.steps()).filteredOn(s -> s.step() == MigrationStep.MAINTENANCE_ON).singleElement()
        .satisfies(s -> assertThat(s.detail()).contains("scale worker 1 -> 0").contains("freeze proven"));
    assertThat(f.source.quantity("worker")).isZero();
    assertThat(f.source.quantity("web")).isEqualTo(2);
    assertThat(f.faults.calls).containsSubsequence("maintenance:true", "sourceScale", "writeCounters", "writeCounters",
        "captureBackup", "verify", "writeCounters", "setConfig");
    assertThat(report.step("maintenance-on").orElseThrow().summary()).contains("scaled worker to 0 (was worker=1)")
        .contains("write freeze proven for DATABASE (4 tables)");
    assertThat(Journal.load(f.journal()).undo).extracting(u -> u.key, u -> u.params).containsExactly(
        org.assertj.core.groups.Tuple.tuple("maintenance", Map.of()),
        org.assertj.core.groups.Tuple.tuple("formation", Map.of("worker", "1")));
  }

  @Test
  void resume_afterTheFenceScaledTheSource_plansTheFormationItRecordedAndTheSameFingerprint() {
    Fixture f = new Fixture(dir);
    MigrationPlan first = f.migration().plan();
    f.faults.failNext("restore", 1);
    assertThatThrownBy(first::run).isInstanceOf(MigrationException.class);
    assertThat(f.source.quantity("worker")).isZero();

    MigrationPlan again = f.migration().plan();
    MigrationReport report = again.resume();

    assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
    assertThat(again.services()).filteredOn(s -> s.service().equals("worker")).singleElement()
        .satisfies(s -> assertThat(s.count()).isEqualTo(1));
    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.target.scaled.get("worker")).containsExactly(1, 512);
  }

  @Test
  void run_writeDuringTheFreezeProof_failsMaintenanceOnNamingTheTableBeforeAnyCapture() {
    Fixture f = new Fixture(dir);
    f.mover.beforeWriteCounters = n -> {
      if (n == 2) {
        f.source.tables.put("public.orders", 4507L);
      }
    };

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationException.class)
        .hasMessageContaining("maintenance-on: the source is still being written after the write fence")
        .hasMessageContaining("public.orders (+7 inserted)");

    assertThat(f.faults.count("captureBackup")).isZero();
    assertThat(Journal.load(f.journal()).step(MigrationStep.MAINTENANCE_ON).status).isEqualTo(StepStatus.FAILED);
  }

  @Test
  void run_writeAfterTheCapture_failsTheVerificationGateNamingTheTableAndRollbackRestoresTheFormation() {
    Fixture f = new Fixture(dir);
    f.mover.beforeWriteCounters = n -> {
      if (n == 3) {
        f.source.tables.put("audit.events", 31L);
      }
    };

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("write-freeze audit.events: expected no writes since")
        .hasMessageContaining("actual +1 inserted at");
    assertThat(f.faults.count("setConfig")).as("nothing cut over").isZero();
    assertThat(f.source.quantity("worker")).isZero();

    MigrationReport rolledBack = f.migration().plan().rollback();

    assertThat(f.source.quantity("worker")).isEqualTo(1);
    assertThat(f.source.maintenance).isFalse();
    assertThat(rolledBack.rollbacks()).singleElement().satisfies(r -> assertThat(r.undone())
        .startsWith("formation of legacy-shop restored (worker=1)"));
  }

  @Test
  void run_oneOffDynoRunning_refusedBeforeMaintenanceNamingIt() {
    Fixture f = new Fixture(dir);
    f.source.oneOffDynos = List.of("run.4821 (up): rake db:backfill");

    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationException.class)
        .hasMessageContaining("one-off dynos are running on legacy-shop").hasMessageContaining("run.4821 (up)")
        .hasMessageContaining("Stop them (`stop <dyno> of legacy-shop`)");

    assertThat(f.faults.count("maintenance:true")).isZero();
    assertThat(f.faults.count("sourceScale")).isZero();
    f.source.oneOffDynos = List.of();
    assertThat(f.migration().plan().resume().outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
  }

  @Test
  void resume_afterTheDownloadFailed_downloadsTheSameBackupFromTheAppThatListsIt() {
    Fixture f = new Fixture(dir);
    f.source.backupApp = "billing-app";
    f.faults.failNext("download", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationException.class);
    Journal.MoveState state = Journal.load(f.journal()).move("DATABASE");
    assertThat(state.backupId).isEqualTo("b001");
    assertThat(state.backupApp).isEqualTo("billing-app");

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.faults.count("captureBackup")).isEqualTo(1);
    assertThat(f.source.downloads).extracting(r -> r.id() + "@" + r.app()).containsExactly("b001@billing-app",
        "b001@billing-app");
    // PARALLEL downloads in the restore step, while it restores
    assertThat(report.step("restore").orElseThrow().summary()).contains("while downloading backup b001 (listed on"
        + " billing-app) again");
  }

  @Test
  void plan_twoPrimariesAndAFollower_movesEachPrimaryIntoItsOwnDatabaseAndListsTheFollower() {
    Fixture f = new Fixture(dir);
    AppInventory inv = f.source.inventory;
    List<ConfigVar> vars = new ArrayList<>(inv.configVars());
    vars.add(new ConfigVar("HEROKU_POSTGRESQL_BLUE_URL", Secret.of("postgres://u2:blue-canary@blue.example.com/d2")));
    vars.add(new ConfigVar("HEROKU_POSTGRESQL_GRAY_URL", Secret.of("postgres://u1:gray-canary@gray.example.com/d1")));
    List<Addon> addons = new ArrayList<>(inv.addons());
    addons.add(new Addon("postgresql-blue-2", "heroku-postgresql", "heroku-postgresql:standard-0",
        List.of("HEROKU_POSTGRESQL_BLUE_URL")));
    addons.add(new Addon("postgresql-gray-3", "heroku-postgresql", "heroku-postgresql:standard-0",
        List.of("HEROKU_POSTGRESQL_GRAY_URL")));
    addons.add(new Addon("scheduler-busy-4", "scheduler", "scheduler:standard", List.of(), "", "", List.of(), "", true));
    List<PostgresInfo> dbs = List.of(
        new PostgresInfo("postgresql-curved-12345", "DATABASE", "heroku-postgresql:standard-0", "16.4", 1024,
            "", "", List.of("DATABASE", "HEROKU_POSTGRESQL_RED"), List.of("DATABASE_URL", "HEROKU_POSTGRESQL_RED_URL"),
            false, ""),
        new PostgresInfo("postgresql-blue-2", "HEROKU_POSTGRESQL_BLUE", "heroku-postgresql:standard-0", "15.7", 1024),
        new PostgresInfo("postgresql-gray-3", "HEROKU_POSTGRESQL_GRAY", "heroku-postgresql:standard-0", "16.4", 1024,
            "", "", List.of("HEROKU_POSTGRESQL_GRAY"), List.of("HEROKU_POSTGRESQL_GRAY_URL"), true,
            "postgresql-curved-12345"));
    f.source.inventory = new AppInventory(inv.app(), inv.stack(), inv.region(), inv.buildpacks(), inv.formation(),
        inv.processTypes(), vars, addons, inv.domains(), dbs, inv.takenAt(), "cedar",
        List.of(new InventoryGap("features", "GET /apps/legacy-shop/features answered 503")));

    MigrationPlan plan = f.migration().plan();

    assertThat(plan.dataMoves(PostgresMove.class)).extracting(PostgresMove::id, PostgresMove::targetHandle,
        m -> m.target().version(), PostgresMove::configVars).containsExactly(
        org.assertj.core.groups.Tuple.tuple("DATABASE", "my-app-db", "16",
            List.of("DATABASE_URL", "HEROKU_POSTGRESQL_RED_URL")),
        org.assertj.core.groups.Tuple.tuple("HEROKU_POSTGRESQL_BLUE", "my-app-db-blue", "15",
            List.of("HEROKU_POSTGRESQL_BLUE_URL")));
    assertThat(plan.config()).filteredOn(c -> c.action() == MigrationPlan.ConfigDecision.Action.SET)
        .extracting(MigrationPlan.ConfigDecision::name, MigrationPlan.ConfigDecision::reason).contains(
            org.assertj.core.groups.Tuple.tuple("HEROKU_POSTGRESQL_BLUE_URL", "the Aptible database my-app-db-blue (db:url)"),
            org.assertj.core.groups.Tuple.tuple("HEROKU_POSTGRESQL_RED_URL", "the Aptible database my-app-db (db:url)"));
    assertThat(plan.config()).filteredOn(c -> c.name().equals("HEROKU_POSTGRESQL_GRAY_URL")).singleElement()
        .satisfies(c -> {
          assertThat(c.action()).isEqualTo(MigrationPlan.ConfigDecision.Action.SKIP);
          assertThat(c.reason()).contains("follower postgresql-gray-3");
        });
    assertThat(plan.addons()).filteredOn(a -> a.name().equals("postgresql-gray-3")).singleElement()
        .satisfies(a -> assertThat(a.action()).contains("follower (read-only replica) of postgresql-curved-12345"));
    assertThat(plan.warnings()).anyMatch(w -> w.startsWith("the inventory could not read features"))
        .anyMatch(w -> w.startsWith("scheduler-busy-4 (scheduler) runs jobs that scaling the formation does not stop"));
    assertThat(plan.render()).contains("HEROKU_POSTGRESQL_BLUE (postgresql-blue-2").contains("my-app-db-blue")
        .contains("scheduler-busy-4").contains("freeze proven from the write counters of DATABASE, HEROKU_POSTGRESQL_BLUE");
  }
}
