package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision.Action;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.spi.RepoPreparation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanTest {
  @TempDir
  Path dir;

  @Test
  void plan_noRedactorGiven_theRunUsesTheAdaptersOneRedactor() {
    Fixture f = new Fixture(dir);
    dev.cutover.core.Toolkit toolkit = dev.cutover.core.Toolkit.create();
    f.source.toolkit = toolkit;
    f.target.toolkit = toolkit;

    MigrationPlan plan = f.migration().plan();

    assertThat(plan.wiring().redactor()).isSameAs(toolkit.redactor());
  }

  @Test
  void plan_sourceAndTargetWithDifferentRedactors_refused() {
    Fixture f = new Fixture(dir);
    f.source.toolkit = dev.cutover.core.Toolkit.create();
    f.target.toolkit = dev.cutover.core.Toolkit.create();

    assertThatThrownBy(() -> Migration.from(f.source).to(f.target).dataMover(f.mover)
        .deploy(Deploy.dockerImage("registry.example.com/app:1")).plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).contains("toolkit"));
  }

  @Test
  void plan_badTargetHandles_refusedByTheTargetsRulesBeforeAnyCall() {
    Fixture f = new Fixture(dir);
    for (String handle : java.util.List.of("-x", "--help", "a".repeat(65), "My-App", "caf\u00e9")) {
      FakeTarget target = new FakeTarget(f.faults, handle);

      assertThatThrownBy(() -> Migration.from(f.source).to(target).dataMover(f.mover)
          .deploy(Deploy.dockerImage("registry.example.com/app:1")).workDirectory(dir.resolve("w")).plan())
          .as(handle).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
              .anySatisfy(p -> assertThat(p.field()).isEqualTo("target.app")));
    }
    assertThat(f.faults.calls).doesNotContain("ensureApp");
  }

  @Test
  void plan_validInputs_changesNothingAnywhere() {
    Fixture f = new Fixture(dir);

    MigrationPlan plan = f.migration().plan();

    assertThat(f.faults.calls).containsExactly("inventory");
    assertThat(f.work()).doesNotExist();
    assertThat(f.repo.resolve("Dockerfile")).doesNotExist();
    assertThat(plan.steps()).hasSize(16);
    assertThat(plan.steps()).filteredOn(s -> !s.willRun()).extracting(s -> s.step().id())
        .containsExactly("redis-copy", "redis-verify");
    assertThat(plan.resumesAt()).isEmpty();
  }

  @Test
  void plan_configVars_followTheMappingRules() {
    Fixture f = new Fixture(dir);

    Map<String, ConfigDecision> config = f.migration().plan().config().stream()
        .collect(Collectors.toMap(ConfigDecision::name, c -> c, (a, b) -> b));

    assertThat(config.get("HEROKU_POSTGRESQL_RED_URL").action()).isEqualTo(Action.SKIP);
    assertThat(config.get("HEROKU_APP_ID").action()).isEqualTo(Action.SKIP);
    assertThat(config.get("HEROKU_APP_NAME").action()).isEqualTo(Action.SKIP);
    assertThat(config.get("HEROKU_RELEASE_VERSION").action()).isEqualTo(Action.SKIP);
    assertThat(config.get("HEROKU_SLUG_COMMIT").reason()).contains("dyno metadata");
    assertThat(config.get("REDIS_URL").action()).isEqualTo(Action.COPY_FLAGGED);
    assertThat(config.get("REDIS_URL").reason()).contains("redis-shiny-1");
    assertThat(config.get("STRIPE_API_KEY").action()).isEqualTo(Action.COPY);
    assertThat(config.get("DATABASE_URL").action()).as("replaced by the Aptible URL").isEqualTo(Action.SET);
    assertThat(config.get("PORT").action()).isEqualTo(Action.SET);
    assertThat(f.migration().plan().config()).filteredOn(c -> c.name().equals("DATABASE_URL"))
        .extracting(ConfigDecision::action).containsExactly(Action.SKIP, Action.SET);
  }

  @Test
  void plan_formation_mapsDynoSizesAndMovesReleaseToBeforeDeploy() {
    Fixture f = new Fixture(dir);

    MigrationPlan plan = f.migration().containerSizeOverride("worker", 2048).plan();

    assertThat(plan.services()).extracting(MigrationPlan.ServicePlan::service, MigrationPlan.ServicePlan::count,
        MigrationPlan.ServicePlan::containerSizeMb).containsExactly(
        org.assertj.core.groups.Tuple.tuple("web", 2, 1024), org.assertj.core.groups.Tuple.tuple("worker", 1, 2048));
    assertThat(plan.releaseCommand()).hasValue("npm run migrate");
    assertThat(plan.endpoints()).containsExactly(new MigrationPlan.EndpointPlan("web", java.util.List.of("www.example.com")));
    assertThat(plan.addons()).filteredOn(a -> !a.migrated()).extracting(MigrationPlan.AddonDecision::service)
        .containsExactly("heroku-redis", "scheduler");
    assertThat(plan.database()).hasValueSatisfying(db -> assertThat(db.version()).isEqualTo("16"));
    assertThat(plan.databaseHandle()).hasValue("my-app-db");
  }

  @Test
  void plan_manyBadInputs_reportsEveryProblemAtOnceBeforeAnySideEffect() throws Exception {
    Fixture f = new Fixture(dir);
    Files.writeString(dir.resolve("not-a-dir"), "x");

    assertThatThrownBy(() -> Migration.from(f.source).to(f.target)
        .deploy(Deploy.git(dir.resolve("missing-repo"), " "))
        .database(new DatabaseSpec("mysql", "fifteen", 0, 1000, java.util.Optional.of("Bad Handle")))
        .restore(RestoreStrategy.STREAM)
        .containerSizeOverride("cron", 3000)
        .port(70000)
        .workDirectory(dir.resolve("not-a-dir"))
        .dataMover(f.mover)
        .repoPreparation(f.preparation)
        .plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field)
            .contains("deploy.repo", "deploy.branch", "database.type", "database.version", "database.diskSizeGb",
                "database.containerSizeMb", "database.handle", "restore", "containerSizeOverride.cron", "port",
                "workDirectory"));
    assertThat(f.faults.calls).containsExactly("inventory");
    assertThat(f.target.appExists).isFalse();
  }

  @Test
  void plan_missingDeployAndUnreadableSource_bothReported() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("inventory", 1);

    assertThatThrownBy(() -> Migration.from(f.source).to(f.target).workDirectory(f.work()).plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("source", "deploy"));
  }

  @Test
  void plan_databaseOlderThanSource_isRejected() {
    Fixture f = new Fixture(dir);

    assertThatThrownBy(() -> f.migration().database(DatabaseSpec.postgresql("14")).plan())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("database.version = '14': is older than the source's PostgreSQL 16.4");
  }

  @Test
  void plan_unknownDynoSize_asksForAnOverride() {
    Fixture f = new Fixture(dir);
    f.source.inventory = new dev.cutover.core.model.AppInventory(f.source.inventory.app(), "heroku-24", "us",
        java.util.List.of(), java.util.List.of(new dev.cutover.core.model.Formation("web", 1, "Mega-9X", "npm start")),
        Map.of(), java.util.List.of(), java.util.List.of(), java.util.List.of(), f.source.inventory.databases(),
        f.source.inventory.takenAt());

    assertThatThrownBy(() -> f.migration().plan()).isInstanceOf(ValidationException.class)
        .hasMessageContaining("formation.web.size = 'Mega-9X'").hasMessageContaining("containerSizeOverride");
    assertThat(f.migration().containerSizeOverride("web", 4096).plan().services().get(0).containerSizeMb()).isEqualTo(4096);
  }

  @Test
  void plan_gitRepoWithoutDockerfileAndNoPreparation_isRejected() {
    Fixture f = new Fixture(dir);

    assertThatThrownBy(() -> f.migration().repoPreparation(RepoPreparation.NONE).plan())
        .isInstanceOf(ValidationException.class).hasMessageContaining("has no Dockerfile");
  }

  @Test
  void plan_port_isThePreparationsOneDecisionAndTheRunObeysIt() throws Exception {
    Fixture f = new Fixture(dir);
    Files.writeString(f.repo.resolve("Dockerfile"), "FROM node:lts\nEXPOSE 8080\n");

    assertThat(f.migration().plan().port()).isEqualTo(8080);
    assertThat(f.migration().plan().portReason()).isEqualTo("the Dockerfile's EXPOSE");

    Fixture g = new Fixture(dir.resolve("explicit"));
    MigrationPlan plan = g.migration().port(5001).plan();
    assertThat(plan.port()).isEqualTo(5001);
    assertThat(plan.config()).filteredOn(c -> c.name().equals("PORT") && c.action() == Action.SET).singleElement()
        .satisfies(c -> assertThat(c.reason()).startsWith("5001"));
    plan.run();
    assertThat(g.appliedPorts).as("the preparation writes with the plan's port").containsExactly(5001);
    assertThat(g.target.config).containsEntry("PORT", "5001");
  }

  @Test
  void render_showsStepsDecisionsAndNoSecretValue() {
    Fixture f = new Fixture(dir);

    MigrationPlan plan = f.migration().plan();
    String text = plan.render();

    assertThat(text).contains("legacy-shop (Heroku) -> my-env/my-app (Aptible)")
        .contains("maintenance-on").contains("db:create my-app-db --type postgresql --version 16")
        .contains("SKIP          HEROKU_APP_ID").contains("COPY_FLAGGED  REDIS_URL")
        .contains("web        x2   1024 MB").contains("before_deploy: npm run migrate")
        .contains("managed TLS for www.example.com").contains("[manual]   scheduler-flat-2");
    assertThat(plan.toJson()).contains("\"fingerprint\"").contains("\"action\" : \"COPY_FLAGGED\"");
    assertThat(plan.toString()).contains("legacy-shop -> my-env/my-app");
  }
}
