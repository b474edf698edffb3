package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.testkit.aptible.FakeAptible;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** AptibleClient against the fake {@code aptible} CLI: real processes, real PostgreSQL, real tunnel. */
@Tag("integration")
class AptibleClientFakeAptibleTest {
  private static FakeAptible fake;
  private static Redactor redactor;
  private static AptibleClient aptible;

  @BeforeAll
  static void start() {
    LocalPostgres.require();
    fake = FakeAptible.builder().environment("cut-env").build();
    redactor = Redactor.create();
    aptible = client(fake, redactor);
  }

  static AptibleClient client(FakeAptible fake, Redactor redactor) {
    return AptibleClient.builder().environment(fake.environment()).accessToken(fake.token())
        .cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment()).redactor(redactor)
        .tunnelSslMode("disable").build();
  }

  @AfterAll
  static void stop() {
    if (fake != null) {
      fake.close();
    }
  }

  @Test
  void appDatabaseTunnel_fullSlice_connectsThroughTunnelAndReleasesEverything() throws Exception {
    AptibleApp app = aptible.app("slice-app");
    app.ensureApp();
    app.ensureApp();
    assertThat(fake.app("slice-app")).get().extracting(FakeAptible.App::status).isEqualTo("pending");

    app.ensureDatabase("slice-db", DatabaseSpec.postgresql("15").diskSizeGb(20).containerSizeMb(2048));
    app.ensureDatabase("slice-db", DatabaseSpec.postgresql("15").diskSizeGb(20).containerSizeMb(2048));
    assertThat(fake.databases()).singleElement().satisfies(db -> {
      assertThat(db.version()).isEqualTo("15");
      assertThat(db.diskSizeGb()).isEqualTo(20);
      assertThat(db.containerSizeMb()).isEqualTo(2048);
    });
    String pgName = fake.database("slice-db").orElseThrow().postgresName().orElseThrow();

    Set<Long> before = childPids();
    int port;
    try (AptibleTunnel tunnel = app.openTunnel("slice-db")) {
      port = tunnel.port();
      PgConnection pg = tunnel.connection();
      assertThat(pg.user()).isEqualTo(pgName);
      assertThat(tunnel.databaseName()).isEqualTo(pgName);
      assertThat(tunnel.toString()).doesNotContain(pg.password().reveal());
      assertThat(redactor.redact("pw " + pg.password().reveal())).isEqualTo("pw ****");
      try (Connection c = DriverManager.getConnection(tunnel.jdbcUrl(), pg.user(), pg.password().reveal());
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("select current_user, current_database(), inet_server_port()")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo(pgName);
        assertThat(rs.getString(2)).isEqualTo(pgName);
        assertThat(rs.getInt(3)).isEqualTo(5432);
      }
      assertThat(tunnel.isAlive()).isTrue();
      assertThat(fake.liveTunnelProcesses()).hasSize(1);
    }
    assertThat(portFree(port)).as("port %d released", port).isTrue();
    assertThat(fake.liveTunnelProcesses()).isEmpty();
    assertThat(childPids()).isSubsetOf(before);
  }

  @Test
  void redisDatabase_credentialsVersionsAndTunnel_reachTheRealRedisServer() throws Exception {
    boolean redis = dev.cutover.testkit.redis.RedisServer.isAvailable();
    if (!redis && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError("CI=true but redis-server is not on the PATH (.ci/run installs it)");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(redis, "needs redis-server on the PATH");
    AptibleApp app = aptible.app("cache-app");
    assertThat(app.databaseVersions("redis")).containsExactly("7.2", "8.0");
    app.ensureDatabase("cache-db", new DatabaseSpec("redis", "7.2", 10, 512, java.util.Optional.empty()));

    RedisConnection plain = RedisConnection.parse(app.databaseUrl("cache-db", "redis"));
    RedisConnection tls = RedisConnection.parse(app.databaseUrl("cache-db", "redis+ssl"));
    assertThat(plain.tls()).isFalse();
    assertThat(tls.tls()).isTrue();
    assertThat(tls.port()).isEqualTo(plain.port() + 1);
    assertThat(tls.password().reveal()).isEqualTo(plain.password().reveal());
    try (AptibleTunnel tunnel = app.openTunnel("cache-db")) {
      RedisConnection local = RedisConnection.parse(tunnel.url());
      assertThat(local.user()).isEqualTo("aptible");
      assertThat(local.password().reveal()).isEqualTo(plain.password().reveal());
      assertThat(redactor.redact("pw " + local.password().reveal())).isEqualTo("pw ****");
      assertThatThrownBy(tunnel::connection).isInstanceOf(IllegalStateException.class).hasMessageContaining("use url()");
      try (java.net.Socket socket = new java.net.Socket(local.host(), local.port())) {
        socket.setSoTimeout(10_000);
        String pw = local.password().reveal();
        socket.getOutputStream().write(("*3\r\n$4\r\nAUTH\r\n$7\r\naptible\r\n$" + pw.length() + "\r\n" + pw
            + "\r\n*1\r\n$4\r\nPING\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
            java.nio.charset.StandardCharsets.UTF_8));
        assertThat(in.readLine()).isEqualTo("+OK");
        assertThat(in.readLine()).isEqualTo("+PONG");
      }
    }
    assertThat(fake.liveTunnelProcesses()).isEmpty();
  }

  @Test
  void ensureDatabase_sameHandleOtherVersion_refusesWithoutCreating() {
    AptibleApp app = aptible.app("clash-app");
    app.ensureDatabase("clash-db", DatabaseSpec.postgresql("14"));
    int operations = fake.operations().size();
    assertThatThrownBy(() -> app.ensureDatabase("clash-db", DatabaseSpec.postgresql("16")))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("database.handle"))
        .hasMessageContaining("postgresql 14");
    assertThat(fake.operations()).hasSize(operations);
  }

  @Test
  void createDatabase_versionNotOffered_rejectedAfterDbVersionsOnly() {
    assertThatThrownBy(() -> aptible.createDatabase("v99-db", DatabaseSpec.postgresql("99")))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("database.version"));
    assertThat(fake.database("v99-db")).isEmpty();
  }

  @Test
  void createDatabase_operationFails_typedExceptionWithRedactedCommand() {
    fake.failNext("db:create");
    assertThatThrownBy(() -> aptible.createDatabase("failing-db", DatabaseSpec.postgresql("16")))
        .isInstanceOfSatisfying(AptibleException.class, e -> {
          assertThat(e.kind()).isEqualTo(AptibleException.Kind.OPERATION_FAILED);
          assertThat(e.exitCode()).isEqualTo(1);
          assertThat(e.errorText()).matches("Operation #\\d+ failed\\.");
          assertThat(e.commandLine()).contains("db:create").endsWith("-- failing-db").doesNotContain(fake.token().reveal());
        });
  }

  /** The fake CLI, called directly (no client checks in front): what Aptible refuses, it refuses; "--" ends options. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "apps:create --environment cut-env -- -x | Handle may only contain",
      "apps:create --environment cut-env -- --help | Handle may only contain",
      "apps:create --environment cut-env -- Shop | Handle may only contain",
      "db:create --type postgresql --disk-size 0 --environment cut-env -- small-db | Disk size",
      "db:create --type postgresql --container-size 1000 --environment cut-env -- odd-db | Container size 1000",
      "apps:scale --app none --container-count 500 -- web | Container count"})
  void fakeCli_inputAptibleRefuses_exit1(String args, String error) {
    dev.cutover.core.process.Command.Builder command = dev.cutover.core.process.Command.builder(fake.cliCommand())
        .args(List.of(args.split(" "))).successExitCodes(0, 1).secretEnv("APTIBLE_ACCESS_TOKEN", fake.token());
    fake.cliEnvironment().forEach(command::env);

    dev.cutover.core.process.CommandResult result = dev.cutover.core.process.ProcessRunner.create(redactor)
        .run(command.build());

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
    assertThat(result.stderr()).contains(error);
    assertThat(fake.apps()).noneMatch(a -> a.handle().startsWith("-") || a.handle().equals("Shop"));
  }

  @Test
  void createApp_duplicate_alreadyExists() {
    aptible.createApp("dup-app");
    assertThatThrownBy(() -> aptible.createApp("dup-app"))
        .isInstanceOfSatisfying(AptibleException.class, e -> {
          assertThat(e.kind()).isEqualTo(AptibleException.Kind.ALREADY_EXISTS);
          assertThat(e.errorText()).isEqualTo("Handle has already been taken");
        });
  }

  @Test
  void openTunnel_unknownDatabase_notFoundError() {
    assertThatThrownBy(() -> aptible.openTunnel("no-such-db"))
        .isInstanceOfSatisfying(AptibleException.class, e -> {
          assertThat(e.kind()).isEqualTo(AptibleException.Kind.NOT_FOUND);
          assertThat(e.errorText()).isEqualTo("Could not find database no-such-db");
        });
  }

  @Test
  void openTunnel_portBusy_tunnelDidNotComeUp() throws Exception {
    aptible.app("busy-app").ensureDatabase("busy-db", DatabaseSpec.postgresql("16"));
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> aptible.openTunnel("busy-db", busy.getLocalPort()))
          .isInstanceOfSatisfying(AptibleException.class, e -> {
            assertThat(e.kind()).isEqualTo(AptibleException.Kind.TUNNEL);
            assertThat(e.getMessage()).contains("did not come up").contains("Address already in use");
          });
    }
    assertThat(fake.liveTunnelProcesses()).isEmpty();
  }

  @Test
  void tunnel_cliKilledBySigterm_orphanHoldsPortUntilCloseKillsTree() throws Exception {
    aptible.app("term-app").ensureDatabase("term-db", DatabaseSpec.postgresql("16"));
    AptibleTunnel tunnel = aptible.openTunnel("term-db");
    int port = tunnel.port();
    ProcessHandle cli = ProcessHandle.current().descendants()
        .filter(h -> h.info().arguments().map(a -> List.of(a).contains("db:tunnel")).orElse(false))
        .findFirst().orElseThrow();
    List<ProcessHandle> forwarders = fake.liveTunnelProcesses();
    assertThat(forwarders).hasSize(1);

    cli.destroy();
    cli.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertThat(FakeAptible.running(forwarders.get(0))).as("ssh stand-in survives SIGTERM to the CLI").isTrue();
    assertThat(portFree(port)).isFalse();
    assertThat(tunnel.failure()).get().satisfies(e -> assertThat(e.getMessage()).contains("is gone"));
    tunnel.close();
    assertThat(fake.liveTunnelProcesses()).isEmpty();
    assertThat(portFree(port)).isTrue();
  }

  @Test
  void tunnel_diesWhileInUse_connectionThrowsClearError() throws Exception {
    try (FakeAptible shortLived = FakeAptible.builder().environment("ttl-env")
        .tunnelTtl(java.time.Duration.ofSeconds(2)).build()) {
      AptibleClient client = client(shortLived, Redactor.create());
      client.app("ttl-app").ensureDatabase("ttl-db", DatabaseSpec.postgresql("16"));
      try (AptibleTunnel tunnel = client.openTunnel("ttl-db")) {
        PgConnection pg = tunnel.connection();
        try (Connection c = DriverManager.getConnection(tunnel.jdbcUrl(), pg.user(), pg.password().reveal())) {
          assertThat(c.isValid(5)).isTrue();
        }
        ProcessHandle.current().descendants().filter(h -> h.info().arguments()
            .map(a -> List.of(a).contains("db:tunnel")).orElse(false)).findFirst().orElseThrow()
            .onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(tunnel.isAlive()).isFalse();
        assertThatThrownBy(tunnel::connection).isInstanceOfSatisfying(AptibleException.class, e -> {
          assertThat(e.kind()).isEqualTo(AptibleException.Kind.TUNNEL);
          assertThat(e.getMessage()).contains("ttl-db").contains("Tunnel timed out").contains("exit 1");
        });
      }
      assertThat(shortLived.liveTunnelProcesses()).isEmpty();
    }
  }

  /**
   * The tunnel's child holds the port but is slower to be ready than the client waits: the open
   * fails with the wait, and the CLI and its child are both gone (the CLI has no SIGINT handler
   * yet, so SIGINT alone would end it and leave the child holding the port).
   */
  @Test
  void openTunnel_notReadyInTime_failsAndLeavesNoProcessOfTheTunnel() throws Exception {
    try (FakeAptible slow = FakeAptible.builder().environment("slow-env")
        .tunnelReadyDelay(java.time.Duration.ofMinutes(2)).build()) {
      AptibleClient client = AptibleClient.builder().environment(slow.environment()).accessToken(slow.token())
          .cliCommand(slow.cliCommand()).cliEnvironment(slow.cliEnvironment()).tunnelSslMode("disable")
          .tunnelTimeout(java.time.Duration.ofSeconds(5)).build();
      client.app("slow-app").ensureDatabase("slow-db", DatabaseSpec.postgresql("16"));

      assertThatThrownBy(() -> client.openTunnel("slow-db")).isInstanceOf(dev.cutover.core.WaitTimeoutException.class)
          .hasMessageContaining("slow-db");

      try (java.util.stream.Stream<java.nio.file.Path> recorded = java.nio.file.Files.list(
          java.nio.file.Path.of(slow.cliEnvironment().get("FAKE_APTIBLE_HOME"), "tunnels"))) {
        assertThat(recorded).as("the tunnel's child had started (the fake records its pid then)").isNotEmpty();
      }
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (!slow.liveTunnelProcesses().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(slow.liveTunnelProcesses()).as("tunnel processes left after the failed open").isEmpty();
    }
  }

  @Test
  void cli_noToken_authenticationError() {
    AptibleClient noToken = AptibleClient.builder().environment(fake.environment()).cliCommand(fake.cliCommand())
        .cliEnvironment(fake.cliEnvironment()).build();
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("APTIBLE_ACCESS_TOKEN") == null);
    assertThatThrownBy(noToken::apps).isInstanceOfSatisfying(AptibleException.class, e -> {
      assertThat(e.kind()).isEqualTo(AptibleException.Kind.AUTHENTICATION);
      assertThat(e.getMessage()).contains("aptible login");
    });
  }

  static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static Set<Long> childPids() {
    return ProcessHandle.current().descendants().filter(FakeAptible::running).map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }

  static List<String> fields(ValidationException e) {
    return e.problems().stream().map(ValidationException.Problem::field).toList();
  }
}
