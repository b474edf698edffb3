package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.redis.RedisDataset;
import dev.cutover.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Redis moves without {@code Migration.redis(...)}: the {@code RedisMover} on the classpath is found
 * like the {@code DatabaseMover}, by the CLI (the real main, in a child JVM) and by the static
 * {@link Migration#resume} after a failed Redis copy.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisByDefaultTest {
  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    RedisEndToEndTest.requireRedis();
    env = DemoEnvironment.start(20);
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
  void cliMigrate_postgresAndHerokuRedis_redisUrlPointsAtAptible_journalNamesTheRedisMove() throws Exception {
    assertThat(env.hasRedis()).as("the demo app has a Heroku Redis add-on when redis-server is on the PATH").isTrue();
    String target = "cli-redis-shop";
    Path work = env.workDirectory(target);
    SigkillResumeTest.Child child = Cli.start(env, Cli.connection(env), "migrate", "-a", DemoEnvironment.SOURCE_APP,
        "-e", DemoEnvironment.ENVIRONMENT, "-t", target, "--repo", env.repository().toString(),
        "--work-dir", work.toString(), "-q", "--yes");
    int code = child.waitFor(Duration.ofMinutes(4));

    assertThat(code).as("stderr:%n%s", child.stderr()).isZero();
    assertThat(child.stdout()).contains("COMPLETED", "redis-copy", "redis-verify");
    String sourceUrl = env.heroku().app(DemoEnvironment.SOURCE_APP).configVars().get("REDIS_URL");
    String aptibleTlsUrl = aptible.app(target).databaseUrl(target + "-redis", "redis+ssl").reveal();
    assertThat(env.aptible().app(target).orElseThrow().config().get("REDIS_URL"))
        .isEqualTo(aptibleTlsUrl).isNotEqualTo(sourceUrl).startsWith("rediss://aptible:");
    assertThat(Files.readString(work.resolve("journal.json"))).contains("\"redisHandles\"", target + "-redis");
  }

  @Test
  void staticResume_afterRedisCopyFailed_findsTheRedisMoverItself_andVerifies() {
    try (RedisServer source = RedisServer.builder().password(Secret.of("resume-redis-pw")).tls().start()) {
      RedisDataset.fill(source, 60_000, 0);
      String app = "resume-redis-shop";
      env.heroku().app(app)
          .formation("web", 1, "Standard-1X", "npm start")
          .processTypes(Map.of("web", "npm start"))
          .configVar("REDIS_URL", source.tlsConnection().url().reveal())
          .addon("heroku-redis:premium-0", "REDIS_URL")
          .postgres(env.source().connection());
      AtomicBoolean dropped = new AtomicBoolean();
      MigrationListener dropOnce = new MigrationListener() {
        @Override
        public void progress(MigrationEvent.Progress p) {
          if (p.unit().equals("keys") && p.done() > 0 && !dropped.getAndSet(true)) {
            source.call("CLIENT", "KILL", "TYPE", "normal");
          }
        }
      };
      // no .redis(...) and no .dataMover(...): both come from the classpath
      MigrationPlan plan = env.migration(heroku.app(app), aptible.app(app)).listener(dropOnce).plan();
      assertThat(plan.render()).contains("-> " + app + "-redis");

      assertThatThrownBy(plan::run).isInstanceOf(MigrationException.class).hasMessageContaining("redis-copy");
      assertThat(Migration.readJournal(plan.journal()).resumesAt()).hasValue(MigrationStep.REDIS_COPY);

      MigrationReport report = Migration.resume(plan.journal(), heroku.app(app), aptible.app(app), MigrationListener.NONE);

      assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
      assertThat(report.steps()).filteredOn(s -> s.step().equals(MigrationStep.REDIS_VERIFY.id())).singleElement()
          .satisfies(s -> assertThat(s.status()).isEqualTo(StepStatus.DONE));
      assertThat(env.aptible().app(app).orElseThrow().config().get("REDIS_URL"))
          .isEqualTo(aptible.app(app).databaseUrl(app + "-redis", "redis+ssl").reveal());
    }
  }
}
