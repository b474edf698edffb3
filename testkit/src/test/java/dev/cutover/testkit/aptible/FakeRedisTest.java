package dev.cutover.testkit.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.testkit.redis.RedisServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code db:create --type redis} starts a real server that its credential opens; {@code close()} stops it. */
@Tag("integration")
class FakeRedisTest {
  @Test
  void dbCreateRedis_startsARealServerTheCredentialOpens_andCloseStopsIt() throws Exception {
    boolean present = RedisServer.isAvailable();
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but redis-server is not on the PATH (.ci/run installs it)");
    }
    assumeTrue(present, "needs redis-server on the PATH");
    long pid;
    try (FakeAptible fake = FakeAptible.builder().environment("env-a").operationLogsOnStdout(false).build()) {
      assertThat(run(fake, "db:create", "cache", "--type", "redis", "--env", "env-a")).isEqualTo("0");
      URI url = URI.create(run(fake, "db:url", "cache", "--type", "redis").trim());
      String password = url.getUserInfo().substring(url.getUserInfo().indexOf(':') + 1);
      JsonNode db = new ObjectMapper().readTree(fake.home().resolve("state.json").toFile()).get("databases").get(0);
      int port = db.get("fake_redis_port").asInt();
      Path pidFile = fake.home().resolve("redis").resolve(db.get("id").asText()).resolve("redis.pid");
      pid = Long.parseLong(Files.readString(pidFile).trim());

      assertThat(resp(port, "AUTH", password)).isEqualTo("+OK");
      assertThat(resp(port, "PING")).startsWith("-NOAUTH");
      assertThat(ProcessHandle.of(pid).orElseThrow().info().commandLine().orElse("")).doesNotContain(password);
    }
    assertThat(ProcessHandle.of(pid).map(FakeAptible::running).orElse(false)).isFalse();
  }

  /** Runs the CLI in-process: the exit code for db:create, stdout otherwise. */
  private static String run(FakeAptible fake, String... args) {
    Map<String, String> env = new HashMap<>(fake.cliEnvironment());
    env.put("APTIBLE_ACCESS_TOKEN", fake.token().reveal());
    env.values().removeIf(v -> v == null || v.isEmpty());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = new FakeAptibleCli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).run(args);
    return args[0].equals("db:create") ? String.valueOf(exit) : out.toString(StandardCharsets.UTF_8);
  }

  /** One command on a fresh connection; the first reply line. */
  private static String resp(int port, String... args) throws Exception {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = s.getOutputStream();
      StringBuilder cmd = new StringBuilder("*" + args.length + "\r\n");
      for (String a : args) {
        cmd.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
      }
      out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\r' && c >= 0; c = in.read()) {
        line.append((char) c);
      }
      return line.toString();
    }
  }
}
