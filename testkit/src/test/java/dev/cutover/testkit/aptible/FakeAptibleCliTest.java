package dev.cutover.testkit.aptible;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fake CLI's outputs, error texts and exit codes (reference aptible.md §1, §2, §4, §10), run
 * in-process for speed; the launcher and the signal behaviour are covered by the adapter's tests.
 */
class FakeAptibleCliTest {
  private static FakeAptible fake;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void start() {
    fake = FakeAptible.builder().environment("env-a").environment("env-b").operationLogsOnStdout(false).build();
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  static Result run(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(fake.cliEnvironment());
    env.put("APTIBLE_ACCESS_TOKEN", fake.token().reveal());
    env.putAll(extraEnv);
    env.values().removeIf(v -> v == null || v.isEmpty());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new FakeAptibleCli(env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static Result run(String... args) {
    return run(Map.of(), args);
  }

  static Result json(String... args) {
    return run(Map.of("APTIBLE_OUTPUT_FORMAT", "json"), args);
  }

  @Test
  void version_noToken_printsVersion() {
    assertThat(run(Map.of("APTIBLE_ACCESS_TOKEN", ""), "version")).isEqualTo(new Result(0, "aptible-cli v0.26.6\n", ""));
  }

  @Test
  void apps_noToken_tokenErrorExit1() {
    assertThat(run(Map.of("APTIBLE_ACCESS_TOKEN", ""), "apps")).isEqualTo(new Result(1, "",
        "Could not read token: please run aptible login or set APTIBLE_ACCESS_TOKEN\n"));
  }

  @Test
  void login_writesTokensJsonThatLaterCallsUse() throws Exception {
    Result login = run(Map.of("APTIBLE_ACCESS_TOKEN", ""), "login", "--email", "a@b.c", "--password", "pw");
    assertThat(login.exit()).isZero();
    assertThat(login.err()).contains("Token written to").contains("This token will expire after 7 days");
    assertThat(java.nio.file.Files.getPosixFilePermissions(fake.home().resolve("config/tokens.json")))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(run(Map.of("APTIBLE_ACCESS_TOKEN", ""), "environment:list").out()).isEqualTo("env-a\nenv-b\n");
  }

  @Test
  void run_badFormatUnknownCommandNotAJwt_realErrors() {
    assertThat(run(Map.of("APTIBLE_OUTPUT_FORMAT", "yaml"), "apps"))
        .isEqualTo(new Result(1, "", "Invalid APTIBLE_OUTPUT_FORMAT: yaml\n"));
    assertThat(run("foo")).isEqualTo(new Result(1, "", "Could not find command \"foo\".\n"));
    assertThat(run(Map.of("APTIBLE_ACCESS_TOKEN", "not-a-jwt"), "apps").err()).contains("JWT::DecodeError");
    Result usage = run("db:url");
    assertThat(usage.exit()).isEqualTo(1);
    assertThat(usage.err()).startsWith("ERROR: \"aptible db:url\" was called with no arguments\nUsage: \"aptible db:url");
    assertThat(run("apps:create", "x", "--container-size", "abc").err()).isNotEmpty();
    assertThat(run("apps:scale", "web", "--app", "a", "--container-size", "abc").err())
        .isEqualTo("Expected numeric value for '--container-size'; got \"abc\"\n");
  }

  @Test
  void appsCreate_textAndJson_realShapes() {
    Result created = run("apps:create", "shape-app", "--env", "env-a");
    assertThat(created.exit()).isZero();
    assertThat(created.out()).startsWith("Git Remote: ").endsWith("env-a/shape-app.git\n");
    assertThat(created.err()).isEqualTo("App shape-app created!\n");
    assertThat(run("apps:create", "shape-app", "--environment=env-a"))
        .isEqualTo(new Result(1, "", "Handle has already been taken\n"));
    assertThat(run("apps:create", "other").err())
        .isEqualTo("Multiple environments available, please specify with --environment or --env\n");
    assertThat(run("apps:create", "other", "--env", "nope").err()).isEqualTo("Could not find environment nope\n");
    assertThat(run("apps", "--env", "env-a").out()).startsWith("=== env-a\n").contains("\nshape-app\n")
        .doesNotContain("env-b");
    assertThat(run("apps").out()).containsPattern("(?s)^=== env-a\n.*shape-app\n\n=== env-b\n");
    assertThat(run("apps", "--env", "nope").err()).isEqualTo("Specified account does not exist\n");
    String apps = json("apps", "--env", "env-a").out();
    assertThat(apps).startsWith("[\n  {\n    \"id\": ").contains("\"handle\": \"shape-app\",\n")
        .contains("\"status\": \"pending\"").contains("\"services\": [],\n").endsWith("  }\n]\n");
    assertThat(apps.indexOf("\"id\"")).isLessThan(apps.indexOf("\"handle\""));
    assertThat(apps.indexOf("\"git_remote\"")).isLessThan(apps.indexOf("\"services\""));
  }

  @Test
  void config_setUnsetTextEscapingAndJson() {
    run("apps:create", "cfg-app", "--env", "env-b");
    Result set = run("config:set", "--app", "cfg-app", "--env", "env-b", "A=two words", "B=x=y", "C=plain");
    assertThat(set.exit()).isZero();
    assertThat(set.err()).isEqualTo("Updating configuration and restarting app...\n");
    assertThat(run("config", "--app", "cfg-app").out()).isEqualTo("A=two\\ words\nB=x\\=y\nC=plain\n");
    assertThat(json("config", "--app", "cfg-app").out()).contains("\"key\": \"A\",\n    \"value\": \"two words\"");
    assertThat(run("config:set", "--app", "cfg-app", "--foo").err()).isEqualTo("Invalid argument: --foo\n");
    assertThat(run("config:set", "--app", "cfg-app", "NOEQUALS").err()).isEqualTo("Invalid argument: NOEQUALS\n");
    run("config:set", "--app", "cfg-app", "C=");
    run("config:unset", "--app", "cfg-app", "B");
    assertThat(fake.app("cfg-app").orElseThrow().config()).isEqualTo(Map.of("A", "two words"));
    assertThat(fake.app("cfg-app").orElseThrow().restarts()).isEqualTo(3);
    assertThat(run("config", "--app", "missing", "--env", "env-b").err())
        .isEqualTo("Could not find app missing in environment env-b (options provided via CLI arguments)\n");
    assertThat(run("config").err())
        .isEqualTo("Could not find app in current working directory, please specify with --app\n");
  }

  @Test
  void dbVersionsAndDbCreateValidation_realTexts() {
    assertThat(run("db:versions").out()).isEqualTo("=== postgresql\n13\n14\n15\n16\n17\n\n=== redis\n7.2\n8.0\n");
    assertThat(json("db:versions").out()).contains("\"type\": \"postgresql\",\n    \"version\": \"16\",\n"
        + "    \"default\": true,");
    assertThat(run("db:create", "x", "--version", "16", "--env", "env-a").err())
        .isEqualTo("--type is required when passing --version\n");
    assertThat(run("db:create", "x", "--type", "foo", "--env", "env-a").err())
        .isEqualTo("No Database Image of type \"foo\", valid types: postgresql, redis\n");
    assertThat(run("db:create", "x", "--type", "postgresql", "--version", "99", "--env", "env-a").err())
        .isEqualTo("No Database Image of type postgresql with version 99, valid versions: 13 14 15 16 17\n");
    assertThat(run("db:url", "nope").err()).isEqualTo("Could not find database nope\n");
    assertThat(run("db:tunnel", "nope").err()).isEqualTo("Could not find database nope\n");
  }

  @Test
  void dbCreateRedis_credentialsAndUrlTypes() {
    Result created = json("db:create", "cache", "--type", "redis", "--env", "env-a");
    assertThat(created.exit()).isZero();
    assertThat(created.out()).contains("\"type\": \"redis\"").contains("\"version\": \"8.0\"")
        .contains("\"type\": \"redis+ssl\"");
    assertThat(run("db:url", "cache", "--type", "redis+ssl").out()).startsWith("rediss://aptible:");
    assertThat(run("db:url", "cache", "--type", "nope").err())
        .isEqualTo("No credential with type nope for database, valid credential types: redis, redis+ssl\n");
    assertThat(run("db:list", "--env", "env-a").out()).contains("=== env-a\n").contains("cache\n");
  }

  @Test
  void injectedFailures_operationApiAndAuth() {
    run("apps:create", "fail-app", "--env", "env-a");
    fake.failNext("restart");
    Result op = run("restart", "--app", "fail-app");
    assertThat(op.exit()).isEqualTo(1);
    assertThat(op.err()).contains("Disconnected from logs, waiting for operation to complete")
        .containsPattern("Operation #\\d+ failed\\.\n$");
    assertThat(fake.operations()).anySatisfy(o -> {
      assertThat(o.type()).isEqualTo("restart");
      assertThat(o.status()).isEqualTo("failed");
    });
    assertThat(run("restart", "--app", "fail-app").exit()).isZero();
    fake.failNext("apps", FakeAptible.Failure.API, "Service Unavailable");
    assertThat(run("apps")).isEqualTo(new Result(1, "", "An error occurred: Service Unavailable\n"));
    assertThat(run(Map.of("FAKE_APTIBLE_FAIL", "apps=auth"), "apps"))
        .isEqualTo(new Result(1, "", "API authentication error: please run aptible login\n"));
  }

  @Test
  void deployScaleEndpoints_validationAndEffects() {
    run("apps:create", "img-app", "--env", "env-b");
    assertThat(run("apps:scale", "web", "--app", "img-app").err())
        .isEqualTo("Provide at least --container-count, --container-size, or --container-profile\n");
    assertThat(run("apps:scale", "web", "--app", "img-app", "--container-count", "2").err())
        .isEqualTo("Service with type web does not exist for app img-app. Valid types: NONE (deploy the app first).\n");
    assertThat(run("deploy", "--app", "img-app").err()).isEqualTo("You need to deploy either from git or a Docker image\n");
    assertThat(run("deploy", "--app", "img-app", "--git-commitish", "main", "--git-detach").err())
        .isEqualTo("The options --git-commitish and --git-detach are incompatible\n");
    fake.registerImage("registry.example.com/img:1", "web: ./server\nworker: ./work\n", List.of("./migrate"));
    Result deploy = run("deploy", "--app", "img-app", "--docker-image", "registry.example.com/img:1",
        "--private-registry-username", "u", "--private-registry-password", "p4ss", "FOO=bar");
    assertThat(deploy.exit()).isZero();
    assertThat(deploy.err()).isEqualTo("Deploying app...\n");
    FakeAptible.App app = fake.app("img-app").orElseThrow();
    assertThat(app.status()).isEqualTo("provisioned");
    assertThat(app.services()).extracting(FakeAptible.Service::name).containsExactly("web", "worker");
    assertThat(app.beforeDeploy()).containsExactly("./migrate");
    assertThat(app.config()).containsEntry("FOO", "bar").containsEntry("APTIBLE_DOCKER_IMAGE", "registry.example.com/img:1");
    assertThat(run("apps:scale", "web", "--app", "img-app", "--container-count", "3", "--container-size", "2048")
        .exit()).isZero();
    assertThat(fake.app("img-app").orElseThrow().services().get(0)).isEqualTo(
        new FakeAptible.Service("web", "./server", 3, 2048, "m"));
    assertThat(run("services", "--app", "img-app").out()).contains("Service: web\n").contains("Container Count: 3\n")
        .contains("App: img-app\n");
    assertThat(run("endpoints:https:create", "web", "--app", "img-app", "--managed-tls").err())
        .isEqualTo("--managed-tls-domain is required to enable Managed TLS\n");
    assertThat(run("endpoints:https:create", "web", "--app", "img-app", "--managed-tls", "--managed-tls-domain",
        "www.example.com", "--default-domain").err()).startsWith("Conflicting options provided: ");
    Result endpoint = json("endpoints:https:create", "web", "--app", "img-app", "--managed-tls",
        "--managed-tls-domain", "www.example.com");
    assertThat(endpoint.out()).contains("\"hostname\": \"elb-env-b-").contains("\"port\": \"default\"")
        .contains("\"shared\": \"false\"").contains("\"managed_tls_status\": \"pending\"")
        .contains("\"ip_whitelist\": \"all traffic\"");
    String hostname = fake.endpoints().get(0).hostname();
    assertThat(run("endpoints:renew", "elb-nope.aptible.in", "--app", "img-app").err())
        .isEqualTo("Endpoint with hostname elb-nope.aptible.in does not exist (valid hostnames: " + hostname + ")\n");
    assertThat(run("endpoints:renew", hostname, "--app", "img-app").exit()).isZero();
    assertThat(fake.endpoints().get(0).managedTlsStatus()).contains("ready");
    assertThat(run("endpoints:list", "--app", "img-app").out()).contains("Managed TLS Domain: www.example.com\n")
        .contains("Hostname: " + hostname + "\n");
    long deployId = fake.deploys().get(0).id();
    assertThat(run("operation:logs", String.valueOf(deployId)).err()).contains("Requesting operation logs for succeeded deploy");
    assertThat(run("operation:logs", "99999").err()).contains("Operation #99999 not found");
  }
}
