package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.testkit.process.FakeProcessRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad input is rejected before any CLI call, with the field named. */
class AptibleInputValidationTest {
  @TempDir static Path notARepo;

  private static final String VERSIONS = "[\n  {\"type\": \"postgresql\", \"version\": \"15\", \"default\": false},\n"
      + "  {\"type\": \"postgresql\", \"version\": \"16\", \"default\": true}\n]\n";

  static FakeProcessRunner runner() {
    return new FakeProcessRunner().on(argv -> argv.contains("db:versions")).reply(0, VERSIONS).runner();
  }

  static AptibleClient client(FakeProcessRunner runner) {
    return AptibleClient.builder().environment("prod-env").accessToken(Secret.of("tok.en.value"))
        .processRunner(runner).build();
  }

  static Arguments row(String description, String field, Consumer<AptibleClient> call) {
    return Arguments.of(description, field, call);
  }

  static Stream<Arguments> badInputs() {
    DatabaseSpec pg16 = DatabaseSpec.postgresql("16");
    return Stream.of(
        row("app handle with capitals", "app.handle", c -> c.app("My-App").ensureApp()),
        row("app handle with a space", "app.handle", c -> c.app("my app").ensureApp()),
        row("app handle of 65 characters", "app.handle", c -> c.app("a".repeat(65)).ensureApp()),
        row("app handle -x", "app.handle", c -> c.app("-x").ensureApp()),
        row("app handle --help", "app.handle", c -> c.app("--help").configNames()),
        row("app handle in unicode", "app.handle", c -> c.app("caf\u00e9").scale("web", 1, 1024)),
        row("database handle --version", "database.handle", c -> c.app("app").ensureDatabase("--version", pg16)),
        row("tunnel to database -x", "database.handle", c -> c.openTunnel("-x")),
        row("managed TLS on an apex domain", "endpoint.domains[0]",
            c -> c.app("app").ensureHttpsEndpoints("web", List.of("example.com"))),
        row("managed TLS on an apex under co.uk", "endpoint.domains[0]",
            c -> c.app("app").ensureHttpsEndpoints("web", List.of("example.co.uk"))),
        row("endpoint on an internal- app", "target.app",
            c -> c.app("internal-api").ensureHttpsEndpoints("web", List.of("www.example.com"))),
        row("database handle with '!'", "database.handle", c -> c.app("app").ensureDatabase("db!", pg16)),
        row("database type Aptible lacks", "database.type",
            c -> c.app("app").ensureDatabase("db", new DatabaseSpec("oracle", "19", 10, 1024, Optional.empty()))),
        row("database version that is no version", "database.version",
            c -> c.app("app").ensureDatabase("db", DatabaseSpec.postgresql("latest"))),
        row("disk of 0 GB", "database.diskSizeGb", c -> c.app("app").ensureDatabase("db", pg16.diskSizeGb(0))),
        row("disk over 16384 GB", "database.diskSizeGb",
            c -> c.app("app").ensureDatabase("db", pg16.diskSizeGb(20_000))),
        row("database container of 1000 MB", "database.containerSizeMb",
            c -> c.app("app").ensureDatabase("db", pg16.containerSizeMb(1000))),
        row("app container of 3000 MB", "scale.containerSizeMb", c -> c.app("app").scale("web", 1, 3000)),
        row("200 containers", "scale.containerCount", c -> c.app("app").scale("web", 200, 1024)),
        row("scaling Heroku's release phase", "scale.service", c -> c.app("app").scale("release", 1, 1024)),
        row("process type with a space", "scale.service", c -> c.app("app").scale("web app", 1, 1024)),
        row("config name starting with a digit", "config.1BAD",
            c -> c.app("app").setConfig(Map.of("1BAD", Secret.of("value")))),
        row("image pinned by digest", "deploy.image",
            c -> c.app("app").deploy(Deploy.dockerImage("registry.example.com/app@sha256:0123abcd"),
                MigrationListener.NONE)),
        row("image with capitals", "deploy.image",
            c -> c.app("app").deploy(Deploy.dockerImage("Registry/App:1"), MigrationListener.NONE)),
        row("blank registry user", "deploy.registry.username",
            c -> c.app("app").deploy(Deploy.dockerImage("registry.example.com/app:1",
                new RegistryCredentials(" ", Secret.of("registry-pass"))), MigrationListener.NONE)),
        row("git branch that is no ref name", "deploy.branch",
            c -> c.app("app").deploy(Deploy.git(notARepo, "bad..branch"), MigrationListener.NONE)),
        row("git deploy from a directory without .git", "deploy.repo",
            c -> c.app("app").deploy(Deploy.git(notARepo, "main"), MigrationListener.NONE)),
        row("endpoint domain that is no domain", "endpoint.domains[0]",
            c -> c.app("app").ensureHttpsEndpoints("web", List.of("not a domain"))),
        row("endpoint for the release phase", "endpoint.service",
            c -> c.app("app").ensureHttpsEndpoints("release", List.of("www.example.com"))),
        row("tunnel port 70000", "tunnel.port", c -> c.openTunnel("db", 70_000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void call_badInput_rejectedBeforeAnyCliCall(String description, String field, Consumer<AptibleClient> call) {
    FakeProcessRunner runner = runner();
    AptibleClient client = client(runner);

    assertThatThrownBy(() -> call.accept(client)).isInstanceOfSatisfying(ValidationException.class,
        e -> assertThat(e.problems()).extracting(ValidationException.Problem::field).contains(field));
    assertThat(runner.argvs()).as("CLI calls for: " + description).isEmpty();
  }

  @Test
  void builder_badEnvironment_rejectedBeforeAnyCliCall() {
    FakeProcessRunner runner = runner();
    assertThatThrownBy(() -> AptibleClient.builder().environment("Prod Env").processRunner(runner).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("environment"));
    assertThatThrownBy(() -> AptibleClient.builder().processRunner(runner).build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("environment");
    assertThat(runner.argvs()).isEmpty();
  }

  @Test
  void ensureDatabase_manyBadFields_allReportedAtOnce() {
    FakeProcessRunner runner = runner();
    assertThatThrownBy(() -> client(runner).app("app").ensureDatabase("BAD DB",
        new DatabaseSpec("oracle", "x.y", 0, 1000, Optional.empty())))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("database.handle", "database.type",
                "database.version", "database.diskSizeGb", "database.containerSizeMb"));
    assertThat(runner.argvs()).isEmpty();
  }

  @Test
  void createDatabase_versionNotInDbVersions_rejectedBeforeDbCreate() {
    FakeProcessRunner runner = runner();
    assertThatThrownBy(() -> client(runner).createDatabase("db", DatabaseSpec.postgresql("99")))
        .isInstanceOfSatisfying(ValidationException.class, e -> {
          assertThat(e.problems()).extracting(ValidationException.Problem::field).containsExactly("database.version");
          assertThat(e.getMessage()).contains("[15, 16]");
        });
    assertThat(runner.argvs()).singleElement().satisfies(argv -> assertThat(argv).contains("db:versions"));
  }

  @Test
  void advice_theAptibleCliCommands_callNothing() {
    FakeProcessRunner runner = runner();
    AptibleApp app = client(runner).app("shop");
    assertThat(app.activateTlsCommand("elb-prod-env-42.aptible.in"))
        .isEqualTo("aptible endpoints:renew --app shop --environment prod-env elb-prod-env-42.aptible.in");
    assertThat(app.createRedisAdvice(List.of("REDIS_URL", "REDIS_TLS_URL")))
        .contains("aptible db:create --environment prod-env --type redis shop-redis")
        .contains("point REDIS_URL, REDIS_TLS_URL at it")
        .contains("aptible db:url --environment prod-env --type redis+ssl shop-redis");
    assertThat(runner.argvs()).isEmpty();
  }

  @Test
  void setConfig_secretValue_neverInExceptionOrLogs() {
    FakeProcessRunner runner = runner();
    assertThatThrownBy(() -> client(runner).app("app").setConfig(Map.of("bad-name", Secret.of("hunter2-secret"))))
        .isInstanceOf(ValidationException.class).hasMessageNotContaining("hunter2-secret");
  }
}
