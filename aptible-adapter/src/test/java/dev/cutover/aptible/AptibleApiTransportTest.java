package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ApiException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.testkit.aptible.FakeAptible;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Secret-bearing calls ({@code setConfig}, image deploys with registry credentials) go over the
 * fake's Deploy API by default: the values land in the same state the fake CLI reads, the operation
 * is polled through the injected sleeper every second, no {@code aptible} argv carries them, and
 * refusals, failed operations and a bad token become {@link ApiException}s.
 */
@Tag("integration")
class AptibleApiTransportTest {
  private static final String APP = "api-app";
  private static FakeAptible fake;
  private static final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private static final Sleeper recordingSleeper = sleeps::add;

  @BeforeAll
  static void app() {
    fake = FakeAptible.builder().environment("api-env").operationLogsOnStdout(false).build();
    client(Redactor.create()).createApp(APP);
  }

  @AfterAll
  static void stop() {
    fake.close();
  }

  private static AptibleClient client(Redactor redactor) {
    return AptibleClient.builder().environment(fake.environment()).accessToken(fake.token())
        .cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment()).apiUrl(fake.apiUrl())
        .sleeper(recordingSleeper).redactor(redactor).build();
  }

  /** Starts a thread on {@code http}'s dispatcher (an async call to the fake API) and waits for its answer. */
  private static void asyncCall(okhttp3.OkHttpClient http) throws Exception {
    java.util.concurrent.CompletableFuture<Integer> status = new java.util.concurrent.CompletableFuture<>();
    http.newCall(new okhttp3.Request.Builder().url(fake.apiUrl()).build()).enqueue(new okhttp3.Callback() {
      @Override
      public void onFailure(okhttp3.Call call, java.io.IOException e) {
        status.completeExceptionally(e);
      }

      @Override
      public void onResponse(okhttp3.Call call, okhttp3.Response response) {
        response.close();
        status.complete(response.code());
      }
    });
    status.get(30, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void close_ownHttpClient_threadsAndConnectionsGone_callersClientLeftOpen() throws Exception {
    AptibleClient owning = client(Redactor.create());
    okhttp3.OkHttpClient owned = owning.ownedHttpClient().orElseThrow();
    owning.app(APP).setConfig(Map.of("CLOSE_CHECK", Secret.of("one")));
    asyncCall(owned);
    assertThat(owned.connectionPool().connectionCount()).as("pooled connections while open").isPositive();

    owning.close();
    owning.close();

    assertThat(owned.dispatcher().executorService().awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS))
        .as("dispatcher threads ended").isTrue();
    assertThat(owned.connectionPool().connectionCount()).as("pooled connections after close").isZero();

    okhttp3.OkHttpClient callers = new okhttp3.OkHttpClient();
    try {
      AptibleClient borrowing = AptibleClient.builder().environment(fake.environment()).accessToken(fake.token())
          .cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment()).apiUrl(fake.apiUrl())
          .sleeper(recordingSleeper).httpClient(callers).build();
      assertThat(borrowing.ownedHttpClient()).isEmpty();
      borrowing.app(APP).setConfig(Map.of("CLOSE_CHECK", Secret.of("two")));
      borrowing.close();

      assertThat(callers.dispatcher().executorService().isShutdown()).as("caller's dispatcher").isFalse();
      asyncCall(callers);
      assertThat(fake.app(APP).orElseThrow().config()).containsEntry("CLOSE_CHECK", "two");
    } finally {
      callers.dispatcher().executorService().shutdown();
      callers.connectionPool().evictAll();
    }
  }

  /** The fake CLI called directly, with no client checks in front: it refuses endpoints Aptible refuses. */
  @Test
  void fakeCli_endpointsAptibleRefuses_exit1() {
    AptibleClient client = client(Redactor.create());
    fake.registerImage("registry.example.com/team/internal:1", "web: ./serve\n", List.of());
    client.createApp("internal-api");
    client.app("internal-api").deployImage("registry.example.com/team/internal:1", line -> {});
    client.createApp("apex-app");
    client.app("apex-app").deployImage("registry.example.com/team/internal:1", line -> {});

    dev.cutover.core.process.CommandResult internal = fakeCli("endpoints:https:create", "--app", "internal-api",
        "--environment", fake.environment(), "--default-domain", "--", "web");
    dev.cutover.core.process.CommandResult apex = fakeCli("endpoints:https:create", "--app", "apex-app",
        "--environment", fake.environment(), "--managed-tls", "--managed-tls-domain", "example.com", "--", "web");
    dev.cutover.core.process.CommandResult www = fakeCli("endpoints:https:create", "--app", "apex-app",
        "--environment", fake.environment(), "--managed-tls", "--managed-tls-domain", "www.example.com", "--", "web");

    assertThat(internal.exitCode()).as(internal.stderr()).isEqualTo(1);
    assertThat(internal.stderr()).contains("cannot have endpoints");
    assertThat(apex.exitCode()).as(apex.stderr()).isEqualTo(1);
    assertThat(apex.stderr()).contains("apex");
    assertThat(www.exitCode()).as(www.stderr()).isZero();
  }

  private static dev.cutover.core.process.CommandResult fakeCli(String... args) {
    dev.cutover.core.process.Command.Builder command = dev.cutover.core.process.Command.builder(fake.cliCommand())
        .args(List.of(args)).successExitCodes(0, 1).secretEnv("APTIBLE_ACCESS_TOKEN", fake.token());
    fake.cliEnvironment().forEach(command::env);
    return dev.cutover.core.process.ProcessRunner.create(Redactor.create()).run(command.build());
  }

  @Test
  void setConfig_defaultTransport_goesOverTheApiAndTheCliSeesTheValues() {
    AptibleClient client = client(Redactor.create());
    assertThat(client.secretTransport()).isEqualTo(SecretTransport.API);
    sleeps.clear();
    int before = fake.operations().size();

    client.app(APP).setConfig(Map.of("API_SECRET", Secret.of("api-canary-value-1"), "PLAIN", Secret.of("x y=z")));

    assertThat(client.app(APP).config()).extractingFromEntries(Map.Entry::getKey).contains("API_SECRET", "PLAIN");
    assertThat(client.app(APP).config().get("API_SECRET").reveal()).isEqualTo("api-canary-value-1");
    assertThat(fake.app(APP).orElseThrow().config()).containsEntry("PLAIN", "x y=z");
    FakeAptible.Operation op = fake.operations().get(before);
    assertThat(op.type()).isEqualTo("configure");
    assertThat(op.status()).isEqualTo("succeeded");
    assertThat(op.argv()).as("created over the API, not by a CLI argv").isEmpty();
    assertThat(sleeps).as("polled: queued, running, succeeded").containsExactly(Duration.ofSeconds(1));
    assertThat(fake.operations()).allSatisfy(o -> assertThat(String.join(" ", o.argv()))
        .doesNotContain("api-canary-value-1"));
  }

  @Test
  void deployImage_registryCredentials_inTheDeployBodyNotInAnyArgv() {
    fake.registerImage("registry.example.com/team/api:2", "web: ./serve\n", List.of("./migrate"));
    List<String> output = new CopyOnWriteArrayList<>();

    client(Redactor.create()).app(APP).deployImage("registry.example.com/team/api:2",
        new RegistryCredentials("deployer", Secret.of("registry-canary-pw-42")), output::add);

    FakeAptible.Operation deploy = fake.deploys().get(fake.deploys().size() - 1);
    assertThat(deploy.argv()).isEmpty();
    assertThat(deploy.paramsJson()).contains("\"settings\":{\"APTIBLE_DOCKER_IMAGE\":\"registry.example.com/team/api:2\"}")
        .contains("\"APTIBLE_PRIVATE_REGISTRY_USERNAME\":\"deployer\"")
        .contains("\"APTIBLE_PRIVATE_REGISTRY_PASSWORD\":\"registry-canary-pw-42\"");
    FakeAptible.App app = fake.app(APP).orElseThrow();
    assertThat(app.status()).isEqualTo("provisioned");
    assertThat(app.services()).extracting(FakeAptible.Service::name).containsExactly("web");
    assertThat(app.beforeDeploy()).containsExactly("./migrate");
    assertThat(output).singleElement().asString().contains("Operation #" + deploy.id()).contains("succeeded")
        .doesNotContain("registry-canary-pw-42");
  }

  @Test
  void setConfig_operationFails_apiExceptionNamesTheOperationAndNoValueChanges() {
    Redactor redactor = Redactor.create();
    fake.failNext("config:set");

    assertThatThrownBy(() -> client(redactor).app(APP).setConfig(Map.of("FAILS", Secret.of("fail-canary-3"))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.step()).hasValue("aptible.config:set");
          assertThat(e.getMessage()).contains("(configure) ended failed").contains("aptible operation:logs")
              .doesNotContain("fail-canary-3");
          assertThat(e.errorId()).hasValue("operation_failed");
        });
    assertThat(fake.app(APP).orElseThrow().config()).doesNotContainKey("FAILS");
  }

  @Test
  void setConfig_apiRefuses_apiExceptionWithTheApiMessageRedacted() {
    fake.failNext("config:set", FakeAptible.Failure.API, "Env value api-canary-refused is not allowed");
    Redactor redactor = Redactor.create();

    assertThatThrownBy(() -> client(redactor).app(APP).setConfig(Map.of("X_VAR", Secret.of("api-canary-refused"))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(422);
          assertThat(e.method()).isEqualTo("POST");
          assertThat(e.getMessage()).contains("Env value **** is not allowed").doesNotContain("api-canary-refused");
        });
  }

  @Test
  void setConfig_wrongTokenOrUnknownApp_clearApiExceptions() {
    AptibleClient wrongToken = AptibleClient.builder().environment(fake.environment())
        .accessToken(Secret.of("a.b.wrong")).cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment())
        .apiUrl(fake.apiUrl()).build();
    assertThatThrownBy(() -> wrongToken.app(APP).setConfig(Map.of("A_VAR", Secret.of("value"))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(401);
          assertThat(e.getMessage()).contains("aptible login").doesNotContain("a.b.wrong");
        });
    assertThatThrownBy(() -> client(Redactor.create()).app("no-such-app").setConfig(Map.of("A_VAR", Secret.of("value"))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(404);
          assertThat(e.getMessage()).contains("app no-such-app in environment api-env");
        });
  }

  @Test
  void setConfig_cliTransport_putsValuesInArgvAsDocumented() {
    AptibleClient cli = AptibleClient.builder().environment(fake.environment()).accessToken(fake.token())
        .cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment()).secretTransport(SecretTransport.CLI)
        .build();
    cli.app(APP).setConfig(Map.of("VIA_CLI", Secret.of("cli-visible-value")));
    FakeAptible.Operation op = fake.operations().get(fake.operations().size() - 1);
    assertThat(op.argv()).contains("VIA_CLI=cli-visible-value");
  }

  @Test
  void build_plainHttpToARemoteHost_rejected() {
    assertThatThrownBy(() -> AptibleClient.builder().environment("env").apiUrl("http://api.aptible.com").build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field).containsExactly("apiUrl"));
    assertThatThrownBy(() -> AptibleClient.builder().environment("env").apiUrl("not a url").build())
        .isInstanceOf(ValidationException.class).hasMessageContaining("apiUrl");
    assertThat(AptibleClient.builder().environment("env").apiUrl("http://127.0.0.1:9/").build().secretTransport())
        .isEqualTo(SecretTransport.API);
  }
}
