package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rollback undoes what was journalled to undo, says exactly what it did and what is left, and refuses a conflicting one. */
class RollbackTest {
  @TempDir
  Path dir;

  @Test
  void rollback_afterCompletion_withScaleToZero_undoesMaintenanceScalesDownAndListsWhatRemains() {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();

    MigrationReport report = f.migration().plan().rollback(RollbackOption.SCALE_TARGET_TO_ZERO);

    assertThat(f.source.maintenance).isFalse();
    assertThat(f.target.scaled.get("web")).containsExactly(0, 1024);
    assertThat(f.target.scaled.get("worker")).containsExactly(0, 512);
    assertThat(f.source.quantity("worker")).as("the formation the write fence stopped, restored").isEqualTo(1);
    assertThat(report.rollbacks()).singleElement().satisfies(r -> assertThat(r.undone()).containsExactly(
        "formation of legacy-shop restored (worker=1)",
        "maintenance off on legacy-shop: it serves and takes writes again", "scaled web to 0 on my-env/my-app",
        "scaled worker to 0 on my-env/my-app"));
    assertThat(report.targetResources()).contains("app my-env/my-app", "database my-app-db (postgresql 16)",
        "deployed 0123456789abcdef0123456789abcdef01234567",
        "services web=0, worker=0 (scaled to zero by the rollback)",
        "HTTPS endpoint for web: elb-my-env-42.aptible.in serving www.example.com")
        .anyMatch(r -> r.startsWith("config on my-env/my-app: DATABASE_URL, PORT"))
        .anyMatch(r -> r.startsWith("data in my-app-db: restored before the rollback (out of date"));
    assertThat(report.dnsRecords()).isEmpty();
    assertThat(report.followUps()).noneMatch(s -> s.contains("CNAME"));
    assertThat(report.step("maintenance-on").orElseThrow().status()).isEqualTo(StepStatus.REVERTED);
    assertThat(report.step("scale").orElseThrow().status()).isEqualTo(StepStatus.REVERTED);
    assertThat(report.step("configure").orElseThrow().status()).isEqualTo(StepStatus.PENDING);
    assertThat(report.step("configure").orElseThrow().summary()).startsWith("not undone");
    assertThat(f.read(f.work().resolve("report.md"))).doesNotContain("| www.example.com | CNAME |");
    assertThat(CompletionMarker.read(f.work(), "legacy-shop")).as("no longer cut over").isEmpty();
  }

  @Test
  void rollback_whenAnotherCompletedMigrationCutTheSourceOver_isRefusedAndChangesNothing() {
    Fixture f = new Fixture(dir);
    Migration other = Migration.from(f.source).to(new FakeTarget(f.faults, "other-app"))
        .deploy(Deploy.git(f.repo, "main")).workDirectory(dir.resolve("work-other"))
        .dataMover(new FakeMover(f.faults, f.source))
        .repoPreparation(f.preparation);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> other.plan().run()).isNotNull();
    MigrationReport completed = f.migration().plan().run();
    assertThat(completed.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);

    assertThatThrownBy(() -> other.plan().rollback()).isInstanceOf(ValidationException.class)
        .hasMessageContaining("refused: legacy-shop was cut over to my-env/my-app by the completed migration "
            + completed.migrationId()).hasMessageContaining("cutover rollback --journal " + f.journal());
    assertThat(f.source.maintenance).isTrue();
    assertThat(f.faults.count("maintenance:false")).isZero();
    assertThat(f.migration().plan().warnings()).isEmpty();
    assertThat(other.plan().warnings()).anyMatch(w -> w.contains("was cut over to my-env/my-app"));

    f.migration().plan().rollback();
    MigrationReport rolledBack = other.plan().rollback();

    assertThat(rolledBack.outcome()).isEqualTo(MigrationReport.Outcome.ROLLED_BACK);
    assertThat(f.source.maintenance).isFalse();
  }

  @Test
  void rollback_beforeMaintenance_saysThereWasNothingToUndo() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("ensureDatabase", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isNotNull();

    MigrationReport report = f.migration().plan().rollback(RollbackOption.SCALE_TARGET_TO_ZERO);

    assertThat(report.rollbacks()).singleElement().satisfies(r -> assertThat(r.undone()).containsExactly(
        "nothing to scale on my-env/my-app: no service was deployed"));
    assertThat(f.faults.count("maintenance:false")).isZero();
    assertThat(report.steps()).noneMatch(s -> s.status() == StepStatus.REVERTED);
  }

  @Test
  void rollback_undoRegisteredBeforeTheCallThatFailed_stillTurnsMaintenanceOff() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("maintenance:true", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).hasMessageContaining("maintenance-on");

    f.migration().plan().rollback();

    // the failed call may have reached Heroku: the journalled undo is replayed all the same
    assertThat(f.faults.count("maintenance:false")).isEqualTo(1);
    assertThat(Journal.load(f.journal()).undo).singleElement().satisfies(u -> {
      assertThat(u.step).isEqualTo("maintenance-on");
      assertThat(u.doneAt).isNotNull();
    });
  }

  @Test
  void endpoints_twoDomains_twoCnameTargetsInTheReport() {
    Fixture f = new Fixture(dir, Fixture.defaultTables(), List.of("www.example.com", "api.example.com"));

    MigrationReport report = f.migration().plan().run();

    assertThat(report.dnsRecords()).containsExactlyInAnyOrder(
        new MigrationReport.DnsRecord("api.example.com", "CNAME", "elb-my-env-42.aptible.in"),
        new MigrationReport.DnsRecord("www.example.com", "CNAME", "elb-my-env-43.aptible.in"));
    assertThat(report.followUps()).anyMatch(s -> s.equals("Change DNS: CNAME api.example.com to elb-my-env-42.aptible.in"
        + " (an apex domain needs an ALIAS/ANAME record)."))
        .anyMatch(s -> s.contains("endpoints:renew elb-my-env-43.aptible.in"));
    assertThat(Journal.load(f.journal()).endpoints).extracting(Journal.Endpoint::domain, Journal.Endpoint::dnsTarget)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("api.example.com", "elb-my-env-42.aptible.in"),
            org.assertj.core.groups.Tuple.tuple("www.example.com", "elb-my-env-43.aptible.in"));
    assertThat(Map.copyOf(f.target.endpoints)).containsEntry("web", List.of("api.example.com", "www.example.com"));
  }
}
