package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(500);
    heroku = env.herokuClient();
    aptible = env.aptibleClient();
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void migrate_happyPath_movesDataConfigCodeServicesAndEndpoints() throws Exception {
    MigrationPlan plan = env.migration(heroku, aptible).plan();
    System.out.println(plan.render());

    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.steps()).extracting(MigrationReport.StepOutcome::status).containsOnly(StepStatus.DONE);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    FakeAptible.App app = env.aptible().app(DemoEnvironment.TARGET_APP).orElseThrow();
    FakeAptible.Database db = env.aptible().database(DemoEnvironment.TARGET_APP + "-db").orElseThrow();
    assertThat(app.config()).containsKeys("NODE_ENV", "SESSION_SECRET", "STRIPE_API_KEY", "REDIS_URL", "DATABASE_URL",
        "PORT").doesNotContainKeys("HEROKU_APP_NAME", "HEROKU_RELEASE_VERSION");
    assertThat(app.config().get("DATABASE_URL")).contains(db.postgresName().orElseThrow());
    assertThat(env.heroku().app(DemoEnvironment.SOURCE_APP).maintenance()).isTrue();
    System.out.println(report.toMarkdown());
    assertThat(Files.exists(plan.workDirectory().resolve("report.md"))).isTrue();
  }
}
