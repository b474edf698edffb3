package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.RedisSource;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.spi.RedisMover;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Redis decisions of a plan: one Aptible Redis database per add-on, sized from its memory, or a refusal. */
class RedisPlanTest {
  static final long MB = 1024L * 1024;

  @TempDir
  Path dir;

  @Test
  void plan_withRedisMover_createsOneSizedRedisDatabaseAndSetsItsVars() {
    Fixture f = new Fixture(dir);
    MigrationPlan plan = f.migration().redis(new StubRedis(info(300 * MB), null)).plan();

    RedisMove move = plan.dataMoves(RedisMove.class).get(0);
    assertThat(move.targetHandle()).isEqualTo("my-app-redis");
    assertThat(move.target().type()).isEqualTo("redis");
    assertThat(move.target().version()).as("no db:versions from this target: the source's major.minor").isEqualTo("7.0");
    assertThat(move.target().containerSizeMb()).as("300 MB used x 1.5 -> the next size").isEqualTo(512);
    assertThat(move.configVars()).containsExactly("REDIS_URL");
    assertThat(plan.config()).contains(new ConfigDecision("REDIS_URL", ConfigDecision.Action.SET,
        "the Aptible Redis database my-app-redis (db:url --type redis+ssl)"));
    assertThat(plan.config()).filteredOn(c -> c.name().equals("REDIS_URL")).extracting(ConfigDecision::action)
        .containsExactly(ConfigDecision.Action.SKIP, ConfigDecision.Action.SET);
    assertThat(plan.addons()).filteredOn(a -> a.name().equals("redis-shiny-1")).singleElement()
        .satisfies(a -> assertThat(a.migrated()).isTrue());
    assertThat(plan.steps()).filteredOn(s -> s.step().id().startsWith("redis-")).allMatch(MigrationPlan.PlannedStep::willRun);
    assertThat(plan.render()).contains("redis-shiny-1 (heroku-redis, Redis 7.0.15, 300 MB used, 1200 keys in 2 databases")
        .contains("-> my-app-redis (redis 7.0, 512 MB, 10 GB)").doesNotContain(Fixture.REDIS_SECRET);
    assertThat(plan.canonicalJson()).contains("\"kind\":\"redis\"").doesNotContain(Fixture.REDIS_SECRET);
  }

  @Test
  void plan_redisLargerThanAnyContainer_isRefusedBeforeAnySideEffect() {
    Fixture f = new Fixture(dir);

    assertThatThrownBy(() -> f.migration().redis(new StubRedis(info(200_000 * MB), null)).plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .anySatisfy(p -> {
              assertThat(p.field()).isEqualTo("redis.redis-shiny-1.memory");
              assertThat(p.problem()).contains("largest Aptible container");
            }));
    assertThat(f.work()).doesNotExist();
  }

  @Test
  void plan_redisUnreachable_isAProblemWithoutItsPassword() {
    Fixture f = new Fixture(dir);
    MigrationException down = new MigrationException("redis.describe", "redis.describe: cannot connect to the source"
        + " Redis (redis.example.com:6380): WRONGPASS for " + Fixture.REDIS_SECRET, true, null);

    assertThatThrownBy(() -> f.migration().redis(new StubRedis(null, down)).plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems()).anySatisfy(p -> {
          assertThat(p.field()).isEqualTo("redis.redis-shiny-1");
          assertThat(p.problem()).contains("cannot be reached").doesNotContain(Fixture.REDIS_SECRET);
          assertThat(p.fix()).contains(".redis(...)");
        }));
  }

  @Test
  void plan_withoutRedisMover_keepsRedisAManualFollowUp() {
    MigrationPlan plan = new Fixture(dir).migration().plan();

    assertThat(plan.dataMoves(RedisMove.class)).isEmpty();
    assertThat(plan.addons()).filteredOn(a -> a.name().equals("redis-shiny-1")).singleElement()
        .satisfies(a -> assertThat(a.migrated()).isFalse());
    assertThat(plan.steps()).filteredOn(s -> s.step().id().startsWith("redis-"))
        .allSatisfy(s -> assertThat(s.detail()).startsWith("skipped: Redis data is not moved"));
  }

  private static RedisServerInfo info(long used) {
    return new RedisServerInfo("7.0.15", "run-1", used, 0, "noeviction",
        Map.of(0, new RedisServerInfo.Keyspace(1000, 300), 1, new RedisServerInfo.Keyspace(200, 0)), "");
  }

  /** A mover that plans only: the source add-on of the fixture, {@code info} or {@code failure} from describe. */
  private record StubRedis(RedisServerInfo info, MigrationException failure) implements RedisMover {
    @Override
    public List<RedisSource> findSources(AppInventory inventory) {
      return List.of(new RedisSource("redis-shiny-1", "heroku-redis", "heroku-redis:mini", List.of("REDIS_URL"),
          List.of("REDIS_URL")));
    }

    @Override
    public RedisServerInfo describe(RedisConnection server) {
      if (failure != null) {
        throw failure;
      }
      return info;
    }

    @Override
    public int requiredMemoryMb(RedisServerInfo source) {
      return (int) Math.ceil(source.usedMemoryBytes() * 1.5 / MB);
    }

    @Override
    public Optional<String> chooseVersion(RedisServerInfo source, List<String> offered) {
      return offered.stream().findFirst();
    }

    @Override
    public void checkTarget(RedisServerInfo source, String targetVersion, int targetMemoryMb) {}

    @Override
    public RedisCopyState copy(RedisConnection source, RedisConnection target, Optional<RedisCopyState> resumeFrom,
        boolean replaceExisting, Consumer<RedisCopyState> journal, MigrationListener listener) {
      throw new UnsupportedOperationException("plans only");
    }

    @Override
    public VerificationReport verify(RedisConnection source, RedisConnection target, RedisCopyState copied) {
      throw new UnsupportedOperationException("plans only");
    }

    @Override
    public Map<String, Secret> configRewrites(RedisSource source, Secret targetUrl, Secret targetTlsUrl) {
      throw new UnsupportedOperationException("plans only");
    }
  }
}
