package dev.cutover.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.RedisSource;
import dev.cutover.core.spi.RedisMover;
import dev.cutover.redis.internal.Info;
import dev.cutover.redis.internal.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The parts that need no server: sources, plan inputs, config rewrites, options, parsing. */
class RedisMigratorTest {
  private final RedisMigrator redis = RedisMigrator.builder().build();

  @Test
  void findSources_herokuRedisAndThirdPartyAddons_byTheirUrlVars_withAppCopiesOfTheUrl() {
    AppInventory app = inventory(
        List.of(new Addon("redis-clear-123", "heroku-redis", "heroku-redis:premium-0",
                List.of("REDIS_URL", "REDIS_TLS_URL", "HEROKU_REDIS_MAROON_URL", "HEROKU_REDIS_MAROON_TLS_URL")),
            new Addon("rediscloud-rigid-7", "rediscloud", "rediscloud:30", List.of("REDISCLOUD_URL")),
            new Addon("postgresql-curved-1", "heroku-postgresql", "heroku-postgresql:essential-0",
                List.of("DATABASE_URL"))),
        Map.of("REDIS_URL", "redis://:pw1@ec2-1.compute.amazonaws.com:7010",
            "REDIS_TLS_URL", "rediss://:pw1@ec2-1.compute.amazonaws.com:7011",
            "HEROKU_REDIS_MAROON_URL", "redis://:pw1@ec2-1.compute.amazonaws.com:7010",
            "HEROKU_REDIS_MAROON_TLS_URL", "rediss://:pw1@ec2-1.compute.amazonaws.com:7011",
            "SIDEKIQ_REDIS_URL", "rediss://:pw1@ec2-1.compute.amazonaws.com:7011",
            "REDISCLOUD_URL", "redis://default:pw2@redis-1.cloud.redislabs.com:16000",
            "DATABASE_URL", "postgres://u:p@host:5432/db",
            "CACHE_URL", "redis://:other@elsewhere:6379"));

    List<RedisSource> sources = redis.findSources(app);

    assertThat(sources).hasSize(2);
    RedisSource heroku = sources.get(0);
    assertThat(heroku.service()).isEqualTo("heroku-redis");
    assertThat(heroku.configVars()).containsExactly("REDIS_URL", "REDIS_TLS_URL", "HEROKU_REDIS_MAROON_URL",
        "HEROKU_REDIS_MAROON_TLS_URL", "SIDEKIQ_REDIS_URL");
    assertThat(heroku.tlsConfigVars()).containsExactly("REDIS_TLS_URL", "HEROKU_REDIS_MAROON_TLS_URL",
        "SIDEKIQ_REDIS_URL");
    assertThat(heroku.connectVar()).isEqualTo("REDIS_TLS_URL");
    assertThat(sources.get(1)).isEqualTo(new RedisSource("rediscloud-rigid-7", "rediscloud", "rediscloud:30",
        List.of("REDISCLOUD_URL"), List.of()));
  }

  @Test
  void configRewrites_tlsVarsGetTheTlsUrl_plainVarsThePlainOne() {
    RedisSource source = new RedisSource("r", "heroku-redis", "p", List.of("REDIS_URL", "REDIS_TLS_URL"),
        List.of("REDIS_TLS_URL"));
    Secret plain = Secret.of("redis://aptible:x@db-env-1.aptible.in:10001");
    Secret tls = Secret.of("rediss://aptible:x@db-env-1.aptible.in:10002");
    assertThat(redis.configRewrites(source, plain, tls)).containsExactly(Map.entry("REDIS_URL", plain),
        Map.entry("REDIS_TLS_URL", tls));
  }

  @Test
  void requiredMemoryAndCheckTarget_tooSmallOrOlderTarget_refusedWithEveryProblem() {
    RedisServerInfo source = info("7.0.15", 700L * 1024 * 1024);
    assertThat(redis.requiredMemoryMb(source)).isEqualTo(1050);
    redis.checkTarget(source, "7.2", 2048);
    redis.checkTarget(source, "7.0-aof", 1050);

    assertThatThrownBy(() -> redis.checkTarget(source, "6.2", 1024))
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(ValidationException.Problem::field)
            .containsExactly("redis.version", "redis.containerSizeMb"))
        .hasMessageContaining("use version 7.0 or newer")
        .hasMessageContaining("use a container of at least 1050 MB");
  }

  @Test
  void chooseVersion_oldestAtLeastTheSourcesWithDefaultPersistence_orNone() {
    List<String> offered = List.of("6.2", "7.0-aof", "7.2-nordb", "7.2", "7.2-aof", "8.0", "8.2");
    assertThat(redis.chooseVersion(info("7.0.15", 1), offered)).contains("7.2");
    assertThat(redis.chooseVersion(info("6.2.14", 1), offered)).contains("6.2");
    assertThat(redis.chooseVersion(info("8.0.2", 1), offered)).contains("8.0");
    assertThat(redis.chooseVersion(info("7.0.15", 1), List.of("6.2", "7.0-aof"))).contains("7.0-aof");
    assertThat(redis.chooseVersion(info("8.4.0", 1), offered)).isEmpty();
  }

  @Test
  void builder_badOptions_allReportedAtOnce() {
    assertThatThrownBy(() -> RedisMigrator.builder().connections(0).batchKeys(5).batchBytes(10)
        .timeout(Duration.ZERO).build())
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).problems()).hasSize(4));
  }

  @Test
  void serviceLoader_findsTheMigrator() {
    assertThat(ServiceLoader.load(RedisMover.class).findFirst()).get().isInstanceOf(RedisMigrator.class);
  }

  @Test
  void parse_herokuUrls_tlsAndPlain_passwordNeverShown() {
    RedisConnection tls = RedisConnection.parse(Secret.of("rediss://:p%40ss@ec2-1.amazonaws.com:7011"));
    assertThat(tls.tls()).isTrue();
    assertThat(tls.user()).isEmpty();
    assertThat(tls.password().reveal()).isEqualTo("p@ss");
    assertThat(tls.port()).isEqualTo(7011);
    assertThat(tls.toString()).doesNotContain("p@ss").contains("pin on first use");
    assertThat(tls.url().reveal()).isEqualTo("rediss://:p%40ss@ec2-1.amazonaws.com:7011");
    RedisConnection plain = RedisConnection.parse(Secret.of("redis://h:pw@localhost"));
    assertThat(plain.port()).isEqualTo(6379);
    assertThat(plain.user()).isEqualTo("h");
    assertThatThrownBy(() -> RedisConnection.parse(Secret.of("http://:secret@x:1")))
        .hasMessageNotContaining("secret").hasMessageContaining("scheme must be redis or rediss");
    assertThat(plain.withCertificatePin("AB:CD").hasValidPin()).isFalse();
    assertThatThrownBy(() -> redis.describe(tls.withCertificatePin("AB:CD")))
        .isInstanceOf(ValidationException.class).hasMessageContaining("certificatePin = 'AB:CD'");
  }

  @Test
  void info_parsesVersionMemoryPolicyAndEveryDatabase() {
    RedisServerInfo info = Info.parse("# Server\r\nredis_version:7.0.15\r\nrun_id:abc\r\n# Memory\r\n"
        + "used_memory:1048576\r\nmaxmemory:0\r\nmaxmemory_policy:allkeys-lru\r\n# Keyspace\r\n"
        + "db0:keys=10,expires=3,avg_ttl=0\r\ndb2:keys=5,expires=0,avg_ttl=0\r\n", "");
    assertThat(info.version()).isEqualTo("7.0.15");
    assertThat(info.runId()).isEqualTo("abc");
    assertThat(info.maxmemoryPolicy()).isEqualTo("allkeys-lru");
    assertThat(info.keyspace()).containsExactly(Map.entry(0, new RedisServerInfo.Keyspace(10, 3)),
        Map.entry(2, new RedisServerInfo.Keyspace(5, 0)));
    assertThat(info.keys()).isEqualTo(15);
  }

  @Test
  void keys_groupsRespectTheBudget_andNamesAreEscaped() {
    assertThat(Keys.groups(new long[] {10, 10, 10, 100, 5, 5}, 25)).containsExactly(2, 3, 4, 6);
    assertThat(Keys.groups(new long[0], 25)).isEmpty();
    assertThat(Keys.show(3, "a\"b\n\u00ff".getBytes(StandardCharsets.ISO_8859_1))).isEqualTo("db3 \"a\\\"b\\x0a\\xff\"");
  }

  private static RedisServerInfo info(String version, long used) {
    return new RedisServerInfo(version, "run", used, 0, "noeviction", new TreeMap<>(), "");
  }

  private static AppInventory inventory(List<Addon> addons, Map<String, String> vars) {
    List<ConfigVar> configVars = vars.entrySet().stream().map(e -> new ConfigVar(e.getKey(), Secret.of(e.getValue())))
        .sorted(java.util.Comparator.comparing(ConfigVar::name)).toList();
    return new AppInventory("app", "heroku-24", "us", List.of(), List.of(), Map.of(), configVars, addons, List.of(),
        List.of(), Instant.EPOCH);
  }
}
