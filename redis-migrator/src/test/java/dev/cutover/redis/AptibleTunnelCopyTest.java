package dev.cutover.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisSource;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.process.ProcessLeakCheck;
import dev.cutover.testkit.redis.RedisDataset;
import dev.cutover.testkit.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The copy as the pipeline will run it: into an Aptible Redis database made by the fake
 * {@code aptible db:create --type redis} (a real redis-server), through a real {@code aptible db:tunnel}
 * (the fake CLI's TCP forwarder), from a Heroku-like TLS source; then the config var rewrites.
 */
@Tag("integration")
class AptibleTunnelCopyTest {
  @Test
  void copy_throughTheAptibleTunnel_verifies_andRedisUrlsPointAtAptible() throws Exception {
    ProcessLeakCheck leaks = ProcessLeakCheck.start();
    RedisMigrator redis = RedisMigrator.builder().build();
    try (RedisServer source = Servers.source(); FakeAptible aptible = FakeAptible.builder().environment("env-a")
        .operationLogsOnStdout(false).build()) {
      RedisDataset.fill(source, 20_000, 5);
      cli(aptible, "db:create", "cache", "--type", "redis", "--environment", "env-a");
      Secret url = Secret.of(cli(aptible, "db:url", "cache", "--type", "redis").trim());
      Secret tlsUrl = Secret.of(cli(aptible, "db:url", "cache", "--type", "redis+ssl").trim());

      Process tunnel = start(aptible, "db:tunnel", "cache", "--type", "redis");
      try {
        RedisConnection target = RedisConnection.parse(Secret.of(connectAt(tunnel)));
        RedisCopyState copied = redis.copy(source.tlsConnection(), target, Optional.empty(), false, s -> {},
            MigrationListener.NONE);
        assertThat(copied.keys()).isEqualTo(20_001);
        VerificationReport report = redis.verify(source.tlsConnection(), target, copied);
        assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      } finally {
        new ProcessBuilder("kill", "-INT", String.valueOf(tunnel.pid())).start().waitFor();
        assertThat(tunnel.waitFor(20, TimeUnit.SECONDS)).isTrue();
      }

      RedisSource heroku = new RedisSource("redis-clear-1", "heroku-redis", "heroku-redis:premium-0",
          List.of("REDIS_URL", "REDIS_TLS_URL"), List.of("REDIS_TLS_URL"));
      assertThat(redis.configRewrites(heroku, url, tlsUrl)).containsEntry("REDIS_URL", url)
          .containsEntry("REDIS_TLS_URL", tlsUrl);
      assertThat(url.reveal()).startsWith("redis://aptible:");
      assertThat(tlsUrl.reveal()).startsWith("rediss://aptible:");
    }
    leaks.assertNoLeaks();
  }

  private static Process start(FakeAptible aptible, String... args) throws IOException {
    List<String> argv = new ArrayList<>(aptible.cliCommand());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().putAll(aptible.cliEnvironment());
    pb.environment().put("APTIBLE_ACCESS_TOKEN", aptible.token().reveal());
    return pb.start();
  }

  private static String cli(FakeAptible aptible, String... args) throws Exception {
    Process p = start(aptible, args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(err).isZero();
    return out;
  }

  /** The URL of the tunnel's {@code Connect at} line (stderr), once it is ready. */
  private static String connectAt(Process tunnel) throws IOException {
    BufferedReader err = new BufferedReader(new InputStreamReader(tunnel.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line = err.readLine(); line != null; line = err.readLine()) {
      if (line.startsWith("Connect at ")) {
        return line.substring("Connect at ".length());
      }
      seen.append(line).append('\n');
    }
    throw new AssertionError("no Connect at line:\n" + seen);
  }
}
