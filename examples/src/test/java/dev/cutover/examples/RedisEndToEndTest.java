package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.migration.VerificationFailedException;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.redis.RedisMigrator;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.redis.RedisDataset;
import dev.cutover.testkit.redis.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

/**
 * Heroku Postgres and Heroku Redis to Aptible through the {@link Migration} facade, with the real
 * parts: a real {@code redis-server} with TLS and a self-signed certificate as the Heroku Redis
 * add-on (its {@code REDIS_URL} and {@code REDIS_TLS_URL} in the fake Heroku app), the fake
 * {@code aptible db:create --type redis} starting a real target server reached through a real
 * {@code aptible db:tunnel}, PostgreSQL, the heroku CLI and SSH git as in {@link EndToEndTest}.
 * One shared environment; each test migrates its own app into its own target.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisEndToEndTest {
  /** The acceptance's data set; {@code -Dcutover.redis.e2eKeys=N} shrinks it on a slow laptop. */
  static final int KEYS = Integer.getInteger("cutover.redis.e2eKeys", 500_000);
  static final Secret SOURCE_PASSWORD = Secret.of("heroku-redis-canary-7d21");

  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    requireRedis();
    env = DemoEnvironment.start(20);
    heroku = env.herokuClient();
    aptible = env.aptibleClient();
  }

  static void requireRedis() {
    boolean present = RedisServer.isAvailable();
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true but redis-server is not on the PATH (.ci/run installs it)");
    }
    assumeTrue(present, "needs redis-server on the PATH (apt-get install redis-server)");
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @AfterEach
  void noTunnelLeft() {
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnel processes left running").isEmpty();
  }

  @Test
  void migrate_postgresAndHerokuRedis_everyKeyTypeValueAndTtlVerified_redisUrlPointsAtAptible() throws Exception {
    try (RedisServer source = herokuRedis()) {
      RedisDataset.fill(source, KEYS, 50);
      String app = "cache-shop";
      addApp(app, source);
      MigrationPlan plan = migration(app).plan();

      String addon = plan.addons().stream().filter(a -> a.service().equals("heroku-redis")).findFirst().orElseThrow().name();
      assertThat(plan.render()).contains(addon + " (heroku-redis, Redis 7.0", KEYS + 1 + " keys in 3 databases",
          "-> cache-shop-redis (redis 7.2", "REDIS_URL (redis), REDIS_TLS_URL (redis+ssl), SIDEKIQ_REDIS_URL (redis)",
          "TLS certificate pinned " + source.certificatePin());
      assertThat(plan.addons()).filteredOn(a -> a.service().equals("heroku-redis")).singleElement()
          .satisfies(a -> assertThat(a.migrated()).isTrue());
      Map<String, ConfigDecision.Action> config = new LinkedHashMap<>();
      plan.config().forEach(c -> config.merge(c.name(), c.action(), (a, b) -> b));
      assertThat(config).containsEntry("REDIS_URL", ConfigDecision.Action.SET)
          .containsEntry("REDIS_TLS_URL", ConfigDecision.Action.SET).containsEntry("SIDEKIQ_REDIS_URL", ConfigDecision.Action.SET);

      MigrationReport report = plan.run();

      assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
      System.out.println("redis-copy: " + step(report, MigrationStep.REDIS_COPY).summary() + " (step "
          + step(report, MigrationStep.REDIS_COPY).duration().toMillis() + " ms); redis-verify: "
          + step(report, MigrationStep.REDIS_VERIFY).duration().toMillis() + " ms");
      assertThat(report.steps()).extracting(MigrationReport.StepOutcome::status).containsOnly(StepStatus.DONE);
      assertThat(step(report, MigrationStep.REDIS_COPY).summary()).contains(KEYS + 1 + " keys", "db0 ", "db1 ", "db2 ",
          "pinned " + source.certificatePin());
      assertThat(step(report, MigrationStep.REDIS_VERIFY).summary()).contains("checks passed (content digests against the"
          + " live source Redis: db0 ", "db1 ", "db2 ");
      assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
      assertThat(Checksums.of(dev.cutover.testkit.postgres.PgFixture.local().admin()
          .withDatabase(env.aptible().database(app + "-db").orElseThrow().postgresName().orElseThrow())))
          .isEqualTo(Checksums.of(env.source().connection()));

      RedisConnection target = env.aptible().redis(app + "-redis").orElseThrow();
      assertSameKeyspace(source, target);
      try (Jedis from = jedis(source.connection()); Jedis to = jedis(target)) {
        assertThat(sha256(to.get(RedisDataset.BIG_KEY.getBytes()))).as("the 50 MB key")
            .isEqualTo(sha256(from.get(RedisDataset.BIG_KEY.getBytes())));
        for (int i : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, KEYS - 1}) {
          from.select(RedisDataset.db(i));
          to.select(RedisDataset.db(i));
          String key = RedisDataset.key(i);
          assertThat(to.type(key)).as(key).isEqualTo(from.type(key));
          long sourceTtl = from.pttl(key);
          long targetTtl = to.pttl(key);
          if (RedisDataset.expires(i)) {
            assertThat(targetTtl).as("TTL of %s", key).isPositive().isLessThanOrEqualTo(sourceTtl + 1000)
                .isGreaterThan(sourceTtl - 600_000);
          } else {
            assertThat(targetTtl).as("no TTL on %s", key).isEqualTo(-1);
          }
        }
      }

      Map<String, String> vars = env.aptible().app(app).orElseThrow().config();
      String aptibleUrl = aptible.app(app).databaseUrl(app + "-redis", "redis").reveal();
      String aptibleTlsUrl = aptible.app(app).databaseUrl(app + "-redis", "redis+ssl").reveal();
      assertThat(vars).containsEntry("REDIS_URL", aptibleUrl).containsEntry("REDIS_TLS_URL", aptibleTlsUrl)
          .containsEntry("SIDEKIQ_REDIS_URL", aptibleUrl);
      assertThat(aptibleUrl).startsWith("redis://aptible:");
      assertThat(aptibleTlsUrl).startsWith("rediss://aptible:");
      assertThat(String.valueOf(vars)).doesNotContain(SOURCE_PASSWORD.reveal());
      String aptiblePassword = RedisConnection.parse(Secret.of(aptibleUrl)).password().reveal();
      Path work = env.workDirectory(app);
      for (Path written : List.of(work.resolve("journal.json"), work.resolve("journal.events.jsonl"),
          work.resolve("report.json"), work.resolve("report.md"))) {
        assertThat(Files.readString(written)).as("secrets in %s", written).doesNotContain(SOURCE_PASSWORD.reveal())
            .doesNotContain(aptiblePassword);
      }
      assertThat(report.targetResources()).anyMatch(r -> r.startsWith("data in " + app + "-redis: copied at")
          && r.contains(KEYS + 1 + " keys"));
    }
  }

  @Test
  void copy_sourceConnectionDroppedMidCopy_failsClearly_resumeContinuesFromTheCheckpointAndVerifies() {
    try (RedisServer source = herokuRedis()) {
      RedisDataset.fill(source, 60_000, 5);
      String app = "dropped-shop";
      addApp(app, source);
      AtomicBoolean dropped = new AtomicBoolean();
      MigrationListener dropOnce = listener(e -> {
        if (e instanceof MigrationEvent.Progress p && p.unit().equals("keys") && p.done() > 0 && !dropped.getAndSet(true)) {
          source.call("CLIENT", "KILL", "TYPE", "normal");
        }
      });
      MigrationPlan plan = migration(app).listener(dropOnce).plan();

      assertThatThrownBy(plan::run).isInstanceOf(MigrationException.class)
          .hasMessageContaining("redis-copy").hasMessageContaining("source").hasMessageContaining("resume");
      assertThat(Migration.readJournal(plan.journal()).resumesAt()).hasValue(MigrationStep.REDIS_COPY);
      assertThat(env.aptible().app(app).orElseThrow().config()).as("nothing switched over").doesNotContainKey("REDIS_URL");

      MigrationReport report = migration(app).plan().resume();

      assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
      assertThat(step(report, MigrationStep.REDIS_COPY).summary()).contains("resumed from the journalled checkpoint");
      assertThat(step(report, MigrationStep.REDIS_VERIFY).status()).isEqualTo(StepStatus.DONE);
      assertSameKeyspace(source, env.aptible().redis(app + "-redis").orElseThrow());
    }
  }

  @Test
  void copy_targetOutOfMemory_failsClearly_rollbackSaysWhatRemains_resumeAfterMoreMemoryVerifies() {
    try (RedisServer source = herokuRedis()) {
      RedisDataset.fill(source, 20_000, 5);
      String app = "oom-shop";
      addApp(app, source);
      MigrationListener shrinkTarget = listener(e -> {
        if (e instanceof MigrationEvent.StepStarted s && s.step().equals("redis-copy")) {
          configSet(app, "maxmemory", "3mb");
        }
      });
      MigrationPlan plan = migration(app).listener(shrinkTarget).plan();

      assertThatThrownBy(plan::run).isInstanceOf(MigrationException.class)
          .hasMessageContaining("redis-copy").hasMessageContaining("memory");
      assertThat(Migration.readJournal(plan.journal()).resumesAt()).hasValue(MigrationStep.REDIS_COPY);

      MigrationReport rolledBack = migration(app).plan().rollback();
      assertThat(rolledBack.outcome()).isEqualTo(MigrationReport.Outcome.ROLLED_BACK);
      assertThat(env.heroku().app(app).maintenance()).as("the source serves again").isFalse();
      assertThat(rolledBack.targetResources()).as("what the rollback leaves on Aptible")
          .contains("database " + app + "-redis (redis 7.2)")
          .anyMatch(r -> r.startsWith("data in " + app + "-redis: copied before the rollback (out of date"));

      configSet(app, "maxmemory", "0");
      MigrationReport report = migration(app).plan().resume();

      assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
      assertThat(step(report, MigrationStep.REDIS_VERIFY).status()).isEqualTo(StepStatus.DONE);
      assertSameKeyspace(source, env.aptible().redis(app + "-redis").orElseThrow());
    }
  }

  @Test
  void verify_keyChangedAfterTheFence_failsTheGateNamingTheKey_resumeCopiesAgainAndVerifies() {
    try (RedisServer source = herokuRedis()) {
      RedisDataset.fill(source, 20_000, 0);
      String app = "changed-shop";
      addApp(app, source);
      AtomicBoolean changed = new AtomicBoolean();
      MigrationListener writeAfterCopy = listener(e -> {
        if (e instanceof MigrationEvent.StepStarted s && s.step().equals("redis-verify") && !changed.getAndSet(true)) {
          source.call("SET", RedisDataset.key(0), "written after the fence");
        }
      });
      MigrationPlan plan = migration(app).listener(writeAfterCopy).plan();

      assertThatThrownBy(plan::run).isInstanceOf(VerificationFailedException.class)
          .hasMessageContaining("redis-verify").hasMessageContaining(RedisDataset.key(0))
          .hasMessageContaining("nothing was switched over");
      assertThat(Migration.readJournal(plan.journal()).resumesAt()).as("the copy is out of date: it runs again")
          .hasValue(MigrationStep.REDIS_COPY);
      assertThat(env.aptible().app(app).orElseThrow().config()).as("the gate held").doesNotContainKey("REDIS_URL");

      MigrationReport report = migration(app).plan().resume();

      assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
      assertThat(step(report, MigrationStep.REDIS_COPY).summary()).contains("replacing what an earlier attempt wrote");
      try (Jedis to = jedis(env.aptible().redis(app + "-redis").orElseThrow())) {
        assertThat(to.get(RedisDataset.key(0))).isEqualTo("written after the fence");
      }
      assertThat(env.aptible().app(app).orElseThrow().config()).containsKey("REDIS_URL");
    }
  }

  @Test
  void copy_sigkillMidCopy_resumeInANewJvmContinuesFromTheJournalAndVerifies() throws Exception {
    int keys = 150_000;
    try (RedisServer source = herokuRedis()) {
      RedisDataset.fill(source, keys, 0);
      String app = "killed-cache";
      addApp(app, source);
      Path work = env.workDirectory(app);
      Path journal = work.resolve("journal.json");
      // one connection and small batches: slow enough to be killed in the middle
      SigkillResumeTest.Child first = child("run", app, work, 1, 10);
      first.awaitLine("Step " + MigrationStep.REDIS_COPY + " started", Duration.ofMinutes(3));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (targetKeys(app) < 2000 || !Files.readString(journal).contains("sourceRunId")) {
        assertThat(System.nanoTime()).as("a journalled checkpoint with keys on the target").isLessThan(deadline);
        TimeUnit.MILLISECONDS.sleep(20);
      }
      List<ProcessHandle> started = first.descendants();
      first.sigkill();
      long copiedBeforeTheKill = targetKeys(app);

      assertThat(copiedBeforeTheKill).as("killed mid-copy").isLessThan(keys);
      assertThat(Migration.readJournal(journal).resumesAt()).hasValue(MigrationStep.REDIS_COPY);

      SigkillResumeTest.Child second = child("resume", app, work, 4, 500);
      int code = second.waitFor(Duration.ofMinutes(5));

      assertThat(code).as("resume; stderr:%n%s", second.stderr()).isZero();
      assertThat(second.stdout()).contains("COMPLETED");
      assertThat(Files.readString(work.resolve("report.json"))).contains("resumed from the journalled checkpoint")
          .contains("checks passed (content digests against the live source Redis: db0 ");
      assertSameKeyspace(source, env.aptible().redis(app + "-redis").orElseThrow());
      assertThat(started.stream().filter(FakeAptible::running).map(h -> h.pid() + " " + h.info().commandLine().orElse("?")))
          .as("processes the killed JVM started, still running").isEmpty();
    }
  }

  // ------------------------------------------------------------------------------------------ helpers

  private SigkillResumeTest.Child child(String mode, String app, Path work, int connections, int batchKeys)
      throws IOException {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.logFile=System.err",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-Dheroku.api=" + env.heroku().apiUrl(),
        "-Dheroku.data=" + env.heroku().dataApiHost(), "-Dheroku.ca=" + env.heroku().caCertificatePem(),
        "-Dheroku.cli=" + String.join("\u001f", env.herokuCli().command()),
        "-Daptible.env=" + DemoEnvironment.ENVIRONMENT, "-Daptible.cli=" + String.join("\u001f", env.aptible().cliCommand()),
        "-Daptible.git=" + env.gitServer().remoteTemplate(), "-Daptible.sshKey=" + env.gitServer().clientKey(),
        "-Daptible.knownHosts=" + env.gitServer().knownHosts(), RedisMigrationChild.class.getName(), mode, app,
        work.toString(), env.repository().toString(), String.valueOf(connections), String.valueOf(batchKeys)));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_"));
    pb.environment().put("HEROKU_API_KEY", env.heroku().apiKey().reveal());
    pb.environment().put("APTIBLE_ACCESS_TOKEN", env.aptible().token().reveal());
    pb.environment().putAll(env.aptible().cliEnvironment());
    return new SigkillResumeTest.Child(pb.start());
  }

  /** Keys in every database of the target, 0 before it exists. */
  private long targetKeys(String app) {
    return env.aptible().redis(app + "-redis").map(c -> {
      try (Jedis j = jedis(c)) {
        return keyspace(j).values().stream().mapToLong(v -> Long.parseLong(v.substring(5, v.indexOf(',')))).sum();
      } catch (RuntimeException e) {
        return 0L;
      }
    }).orElse(0L);
  }

  private RedisServer herokuRedis() {
    return RedisServer.builder().password(SOURCE_PASSWORD).tls().start();
  }

  /** A Heroku app with Postgres and a premium Heroku Redis add-on (plain and TLS URLs), plus an app var copying the URL. */
  private void addApp(String name, RedisServer redis) {
    env.heroku().app(name)
        .formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start"))
        .configVar("NODE_ENV", "production")
        .configVar("REDIS_URL", redis.connection().url().reveal())
        .configVar("REDIS_TLS_URL", redis.tlsConnection().url().reveal())
        .configVar("SIDEKIQ_REDIS_URL", redis.connection().url().reveal())
        .addon("heroku-redis:premium-0", "REDIS_URL", "REDIS_TLS_URL")
        .postgres(env.source().connection());
  }

  private Migration migration(String app) {
    return env.migration(heroku.app(app), aptible.app(app)).dataMover(env.mover())
        .redis(RedisMigrator.builder().build());
  }

  private void configSet(String app, String name, String value) {
    try (Jedis j = jedis(env.aptible().redis(app + "-redis").orElseThrow())) {
      j.configSet(name, value);
    }
  }

  private static MigrationReport.StepOutcome step(MigrationReport report, MigrationStep step) {
    return report.steps().stream().filter(s -> s.step().equals(step.id())).findFirst().orElseThrow();
  }

  /** Keys and keys with a TTL per logical database, as {@code INFO keyspace} says, are the same on both. */
  private static void assertSameKeyspace(RedisServer source, RedisConnection target) {
    try (Jedis from = jedis(source.connection()); Jedis to = jedis(target)) {
      assertThat(keyspace(to)).isEqualTo(keyspace(from)).hasSize(3);
    }
  }

  private static Map<String, String> keyspace(Jedis j) {
    Map<String, String> dbs = new LinkedHashMap<>();
    for (String line : j.info("keyspace").split("\r?\n")) {
      if (line.startsWith("db")) {
        // db0:keys=166667,expires=55556,avg_ttl=… (avg_ttl differs by the copy's duration)
        dbs.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1, line.indexOf(",avg_ttl")));
      }
    }
    return dbs;
  }

  private static Jedis jedis(RedisConnection c) {
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().resp2().socketTimeoutMillis(120_000);
    if (!c.password().reveal().isEmpty()) {
      b.password(c.password().reveal());
    }
    return new Jedis(new HostAndPort(c.host(), c.port()), b.build());
  }

  private static String sha256(byte[] value) throws Exception {
    assertThat(value).isNotNull();
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value));
  }

  private static MigrationListener listener(Consumer<MigrationEvent> on) {
    return new MigrationListener() {
      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        on.accept(event);
      }

      @Override
      public void progress(MigrationEvent.Progress event) {
        on.accept(event);
      }
    };
  }
}
