package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.internal.AptibleCli;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.WaitTimeoutException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.process.Command;
import dev.cutover.testkit.process.FakeProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CLI wrapper on a scripted runner: argv, environment, JSON parsing, error mapping, secrets. */
class AptibleCliTest {
  private static final Secret TOKEN = Secret.of("header.payload.signature-token");

  private final Redactor redactor = Redactor.create();

  private AptibleClient client(FakeProcessRunner runner) {
    return AptibleClient.builder().environment("prod-env").accessToken(TOKEN).cliCommand(List.of("/opt/aptible"))
        .cliEnvironment(Map.of("APTIBLE_CONFIG_PATH", "/tmp/cfg")).redactor(redactor).processRunner(runner)
        .secretTransport(SecretTransport.CLI).tunnelTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void build_noTokenGiven_tokenFromTokensJsonInTheEnvironmentNotArgv(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path config) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("APTIBLE_ACCESS_TOKEN") == null,
        "APTIBLE_ACCESS_TOKEN is set and would win");
    java.nio.file.Files.writeString(config.resolve("tokens.json"),
        "{\"https://auth.aptible.com\":\"eyJ.from-file.sig\"}\n");
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> true).reply(0, "[]\n").runner();

    AptibleClient.builder().environment("prod-env").cliEnvironment(Map.of("APTIBLE_CONFIG_PATH", config.toString()))
        .processRunner(runner).build().apps();

    Command apps = runner.commands().get(0);
    assertThat(apps.secretEnvironment()).containsEntry("APTIBLE_ACCESS_TOKEN", Secret.of("eyJ.from-file.sig"));
    assertThat(apps.argv()).noneMatch(a -> a.contains("from-file"));
  }

  @Test
  void discoverToken_tokensJsonWithoutTheConfiguredAuthServer_noTokenAndAProblemNamingIt(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path config) throws Exception {
    java.nio.file.Files.writeString(config.resolve("tokens.json"),
        "{\"https://auth.aptible.com\":\"eyJ.default.sig\",\"https://auth.other.example\":\"eyJ.other.sig\"}\n");

    AptibleClient.TokenLookup fromProcess = AptibleClient.discoverToken(Map.of("APTIBLE_CONFIG_PATH", config.toString()),
        Map.of("APTIBLE_AUTH_ROOT_URL", "https://auth.staging.example"));
    AptibleClient.TokenLookup fromCliEnvironment = AptibleClient.discoverToken(Map.of("APTIBLE_CONFIG_PATH",
        config.toString(), "APTIBLE_AUTH_ROOT_URL", "https://auth.other.example"), Map.of());
    AptibleClient.TokenLookup byDefault = AptibleClient.discoverToken(Map.of(), Map.of("APTIBLE_CONFIG_PATH",
        config.toString()));

    assertThat(fromProcess.token()).isEmpty();
    assertThat(fromProcess.problem()).get().satisfies(p -> {
      assertThat(p.where()).isEqualTo(config.resolve("tokens.json").toString());
      assertThat(p.problem()).contains("https://auth.staging.example").doesNotContain("eyJ");
      assertThat(p.fix()).contains("aptible login");
    });
    assertThat(fromCliEnvironment.token()).contains(Secret.of("eyJ.other.sig"));
    assertThat(byDefault.token()).contains(Secret.of("eyJ.default.sig"));
    assertThat(AptibleClient.discoverToken(Map.of(), Map.of("APTIBLE_ACCESS_TOKEN", "eyJ.env.sig",
        "APTIBLE_CONFIG_PATH", config.toString(), "APTIBLE_AUTH_ROOT_URL", "https://nowhere.example")).token())
        .contains(Secret.of("eyJ.env.sig"));
  }

  @Test
  void database_url_dbUrlWithTheHandleAfterDoubleDash_registered() {
    Redactor redactor = Redactor.create();
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> argv.contains("db:url"))
        .reply(0, "{\"connection_url\": \"postgresql://aptible:url-pass-77@db-x.aptible.in:1/db\"}\n").runner();

    AptibleDatabase db = AptibleClient.builder().environment("prod-env").accessToken(TOKEN).redactor(redactor)
        .processRunner(runner).build().database("app-db");

    assertThat(db.url().reveal()).isEqualTo("postgresql://aptible:url-pass-77@db-x.aptible.in:1/db");
    assertThat(runner.argvs()).singleElement().satisfies(argv -> assertThat(argv.subList(1, argv.size()))
        .containsExactly("db:url", "--environment", "prod-env", "--", "app-db"));
    assertThat(redactor.redact("password=url-pass-77")).doesNotContain("url-pass-77");
  }

  @Test
  void everyCommand_userValuesAfterDoubleDash() {
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> true).reply(0, "{}\n").runner();
    AptibleClient c = client(runner);

    c.createApp("shop");
    c.app("shop").scale("web", 1, 1024);
    c.app("shop").renewEndpoint("elb-prod-1.aptible.in");
    c.app("shop").unsetConfig(List.of("OLD_VAR"));

    assertThat(runner.argvs()).extracting(argv -> argv.subList(argv.size() - 2, argv.size())).containsExactly(
        List.of("--", "shop"), List.of("--", "web"), List.of("--", "elb-prod-1.aptible.in"), List.of("--", "OLD_VAR"));
  }

  @Test
  void setConfig_emptyValue_leftOutBecauseKeyEqualsUnsets() {
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> argv.contains("config:set")).reply(0, "").runner();
    java.util.Map<String, Secret> vars = new java.util.LinkedHashMap<>();
    vars.put("API_KEY", Secret.of("k-123456"));
    vars.put("EMPTY_FLAG", Secret.of(""));

    client(runner).app("web-app").setConfig(vars);
    client(runner).app("web-app").setConfig(Map.of("ONLY_EMPTY", Secret.of("")));

    assertThat(runner.argvs()).singleElement().satisfies(argv -> assertThat(argv)
        .containsExactly("/opt/aptible", "config:set", "--app", "web-app", "--environment", "prod-env", "--", "API_KEY=k-123456"));
  }

  @Test
  void parseJson_operationLogLinesBeforeJson_parsesTheDocument() {
    String stdout = "INFO -- : Provisioning postgresql database...\n[1] INFO -- : still going\n"
        + "INFO -- : Database provision successful.\n{\n  \"id\": 7,\n  \"handle\": \"db\"\n}\n";
    assertThat(AptibleCli.parseJson(stdout)).get().satisfies(json -> assertThat(json.get("id").asInt()).isEqualTo(7));
    assertThat(AptibleCli.parseJson("no json here\n")).isEmpty();
  }

  @Test
  void createDatabase_jsonAfterLogs_argvEnvAndResult() {
    FakeProcessRunner runner = new FakeProcessRunner()
        .on(argv -> argv.contains("db:versions")).reply(0, "[{\"type\":\"postgresql\",\"version\":\"16\",\"default\":true}]")
        .on(argv -> argv.contains("db:create")).reply(0, "INFO -- : Provisioning postgresql database...\n"
            + "{\"id\": 3, \"handle\": \"app-db\", \"type\": \"postgresql\", \"version\": \"16\", \"status\": \"provisioned\","
            + " \"connection_url\": \"postgresql://aptible:db-pass-123@db-x.aptible.in:1/db\", \"disk_size\": 100,"
            + " \"container_size\": 4096}\n").runner();

    DatabaseInfo db = client(runner).createDatabase("app-db", DatabaseSpec.postgresql("16").diskSizeGb(100)
        .containerSizeMb(4096));

    assertThat(db).isEqualTo(new DatabaseInfo("app-db", "prod-env", "postgresql", "16", "provisioned", 100, 4096));
    Command create = runner.commands(argv -> argv.contains("db:create")).get(0);
    assertThat(create.argv()).containsExactly("/opt/aptible", "db:create", "--type", "postgresql",
        "--version", "16", "--disk-size", "100", "--container-size", "4096", "--environment", "prod-env", "--", "app-db");
    assertThat(create.environment()).containsEntry("APTIBLE_OUTPUT_FORMAT", "json")
        .containsEntry("APTIBLE_CONFIG_PATH", "/tmp/cfg");
    assertThat(create.secretEnvironment()).containsEntry("APTIBLE_ACCESS_TOKEN", TOKEN);
    assertThat(String.join(" ", create.argv())).doesNotContain(TOKEN.reveal());
    assertThat(redactor.redact("url postgresql://aptible:db-pass-123@x db-pass-123")).doesNotContain("db-pass-123");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "Could not read token: please run aptible login or set APTIBLE_ACCESS_TOKEN|AUTHENTICATION",
      "API authentication error: please run aptible login|AUTHENTICATION",
      "Could not find app web in environment prod-env (options provided via CLI arguments)|NOT_FOUND",
      "Could not find database db|NOT_FOUND",
      "Specified account does not exist|NOT_FOUND",
      "Handle has already been taken|ALREADY_EXISTS",
      "An error occurred: Handle has already been taken|ALREADY_EXISTS",
      "Operation #42 failed.|OPERATION_FAILED",
      "No Database Image of type \"foo\", valid types: postgresql, redis|INVALID_INPUT",
      "Provide at least --container-count, --container-size, or --container-profile|INVALID_INPUT",
      "Service with type web does not exist for app a. Valid types: cmd.|NOT_FOUND",
      "Tunnel did not come up: bind [127.0.0.1]:5432: Address already in use|TUNNEL",
      "/usr/lib/ruby/x.rb:1:in `x': 500 Internal Server Error (HyperResource::ServerError)|OTHER"})
  void run_cliErrorText_typedException(String text, AptibleException.Kind kind) {
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> true)
        .reply(1, "", "WARN -- : You have installed the Aptible CLI from source.\n" + text + "\n").runner();

    assertThatThrownBy(() -> client(runner).apps()).isInstanceOfSatisfying(AptibleException.class, e -> {
      assertThat(e.kind()).isEqualTo(kind);
      assertThat(e.errorText()).isEqualTo(text);
      assertThat(e.exitCode()).isEqualTo(1);
      assertThat(e.commandLine()).isEqualTo("/opt/aptible apps --environment prod-env");
      assertThat(e.getMessage()).startsWith("aptible.apps: " + text).contains("exit 1");
    });
  }

  @Test
  void run_usageError_firstErrorLineIsTheText() {
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> true).reply(1, "",
        "ERROR: \"aptible db:url\" was called with no arguments\nUsage: \"aptible db:url HANDLE\"\n").runner();
    assertThatThrownBy(() -> client(runner).databaseUrl("db")).isInstanceOfSatisfying(AptibleException.class,
        e -> assertThat(e.errorText()).isEqualTo("ERROR: \"aptible db:url\" was called with no arguments"));
  }

  @Test
  void deployImage_registryPassword_maskedInEverythingTheSdkWrites() {
    Secret password = Secret.of("registry-S3cret-pw");
    FakeProcessRunner runner = new FakeProcessRunner(redactor).on(argv -> argv.contains("deploy"))
        .reply(1, "INFO -- : pulling with registry-S3cret-pw\n", "Operation #9 failed.\n").runner();
    List<String> output = new ArrayList<>();

    assertThatThrownBy(() -> client(runner).app("web-app").deployImage("registry.example.com/team/app:1.2",
        new RegistryCredentials("deployer", password), output::add))
        .isInstanceOfSatisfying(AptibleException.class, e -> {
          assertThat(e.kind()).isEqualTo(AptibleException.Kind.OPERATION_FAILED);
          assertThat(e.commandLine()).contains("--private-registry-password ****")
              .doesNotContain(password.reveal());
          assertThat(e.getMessage()).doesNotContain(password.reveal());
          assertThat(e.outputTail()).noneMatch(l -> l.contains(password.reveal()));
        });
    assertThat(output).isNotEmpty().noneMatch(l -> l.contains(password.reveal()));
    assertThat(runner.argvs().get(0)).containsSubsequence("--docker-image", "registry.example.com/team/app:1.2",
        "--private-registry-username", "deployer", "--private-registry-password", password.reveal());
  }

  @Test
  void openTunnel_noConnectAtLine_waitTimeoutAndProcessClosed() {
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> argv.contains("db:tunnel"))
        .keepsRunning("", "Creating postgresql tunnel to db...\n").runner();

    assertThatThrownBy(() -> client(runner).openTunnel("db")).isInstanceOf(WaitTimeoutException.class)
        .hasMessageContaining("Connect at").hasMessageContaining("Creating postgresql tunnel");
    assertThat(runner.openProcesses()).isEmpty();
  }

  @Test
  void openTunnel_cliExitsFirst_tunnelDidNotComeUp() {
    FakeProcessRunner runner = new FakeProcessRunner().on(argv -> argv.contains("db:tunnel"))
        .reply(1, "", "Creating postgresql tunnel to db...\nTunnel did not come up: bind [127.0.0.1]:6543:"
            + " Address already in use\n").runner();

    assertThatThrownBy(() -> client(runner).openTunnel("db", 6543)).isInstanceOfSatisfying(AptibleException.class,
        e -> {
          assertThat(e.kind()).isEqualTo(AptibleException.Kind.TUNNEL);
          assertThat(e.getMessage()).contains("did not come up").contains("Address already in use");
        });
    assertThat(runner.openProcesses()).isEmpty();
  }

  @Test
  void openTunnel_connectAt_exposesConnectionAndMasksPassword() {
    FakeProcessRunner runner = new FakeProcessRunner(redactor).on(argv -> argv.contains("db:tunnel"))
        .keepsRunning("", "Creating postgresql tunnel to db...\n"
            + "Connect at postgresql://aptible:tunnel-pw-77@localhost.aptible.in:54321/db\n"
            + "Or, use the following arguments:\n* Password: tunnel-pw-77\n").runner();

    try (AptibleTunnel tunnel = client(runner).openTunnel("db")) {
      assertThat(tunnel.host()).isEqualTo("127.0.0.1");
      assertThat(tunnel.port()).isEqualTo(54321);
      assertThat(tunnel.user()).isEqualTo("aptible");
      assertThat(tunnel.databaseName()).isEqualTo("db");
      assertThat(tunnel.password().reveal()).isEqualTo("tunnel-pw-77");
      assertThat(tunnel.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:54321/db?sslmode=require");
      assertThat(redactor.redact("* Password: tunnel-pw-77")).isEqualTo("* Password: ****");
      runner.started().get(0).exit(1);
      assertThatThrownBy(tunnel::connection).isInstanceOfSatisfying(AptibleException.class, e -> {
        assertThat(e.getMessage()).contains("is gone").doesNotContain("tunnel-pw-77");
        assertThat(e.outputTail()).contains("* Password: ****").noneMatch(l -> l.contains("tunnel-pw-77"));
      });
    }
    assertThat(runner.openProcesses()).isEmpty();
  }
}
