package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.cutover.core.ApiException;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.heroku.FakeApp;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.RecordedCall;
import dev.cutover.testkit.process.FakeProcessRunner;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Inventory and Platform API behaviour against FakeHeroku (no CLI): completeness with pagination,
 * bounded release reads, rate limits, retries and the error messages users see.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerokuAppInventoryTest {
  private static final String APP = "big-app";
  private FakeHeroku fake;
  private TestSupport.Db db;
  private FakeTime time;

  @BeforeAll
  void seed() {
    db = TestSupport.Db.create("create table t (id int)");
    fake = FakeHeroku.start();
    FakeApp app = fake.app(APP)
        .stack("heroku-22").region("eu")
        .formation("web", 2, "Standard-1X", "bundle exec puma -C config/puma.rb")
        .formation("worker", 3, "Performance-M", "bundle exec sidekiq")
        .processTypes(Map.of("web", "bundle exec puma -C config/puma.rb", "worker", "bundle exec sidekiq",
            "release", "bundle exec rake db:migrate"))
        .postgres(db.connection)
        .addon("heroku-redis:mini", "REDIS_URL")
        .addon("papertrail:choklad", "PAPERTRAIL_API_TOKEN")
        .addon("sendgrid:starter", "SENDGRID_API_KEY")
        .addon("scheduler:standard")
        .buildpacks("heroku/nodejs", "https://github.com/heroku/heroku-buildpack-ruby");
    IntStream.rangeClosed(1, 36).forEach(i -> app.configVar("VAR_" + i, "value-" + i + "-" + "x".repeat(i)));
    app.domains(IntStream.rangeClosed(1, 1249).mapToObj(i -> "host" + i + ".example.com").toArray(String[]::new));
    app.releases(5000);
  }

  @AfterAll
  void stop() {
    fake.close();
    db.close();
  }

  @BeforeEach
  void reset() {
    fake.clearFaults().clearRequests().rateLimitRefill(Duration.ofMillis(800)).rateLimitRemaining(4500);
    time = new FakeTime();
  }

  private HerokuClient client(Secret key) {
    return HerokuClient.builder().apiKey(key).apiUrl(fake.apiUrl()).dataApiHost(fake.dataApiHost())
        .processRunner(new FakeProcessRunner()).clock(time).sleeper(time).build();
  }

  private HerokuClient client() {
    return client(fake.apiKey());
  }

  @Test
  void inventory_bigApp_isCompleteAndCorrect() {
    AppInventory inv;
    try (HerokuClient heroku = client()) {
      inv = heroku.app(APP).inventory();
    }

    assertThat(inv.app()).isEqualTo(APP);
    assertThat(inv.stack()).isEqualTo("heroku-22");
    assertThat(inv.region()).isEqualTo("eu");
    assertThat(inv.takenAt()).isEqualTo(time.instant());
    assertThat(inv.formation()).containsExactly(
        new Formation("web", 2, "Standard-1X", "bundle exec puma -C config/puma.rb"),
        new Formation("worker", 3, "Performance-M", "bundle exec sidekiq"));
    assertThat(inv.processTypes()).hasSize(3).containsEntry("release", "bundle exec rake db:migrate");
    Map<String, String> vars = inv.configVars().stream()
        .collect(Collectors.toMap(ConfigVar::name, v -> v.value().reveal(), (a, b) -> a, LinkedHashMap::new));
    assertThat(vars).hasSize(40).isEqualTo(fake.app(APP).configVars());
    assertThat(inv.addons()).hasSize(5).extracting(Addon::plan).containsExactlyInAnyOrder(
        "heroku-postgresql:essential-0", "heroku-redis:mini", "papertrail:choklad", "sendgrid:starter",
        "scheduler:standard");
    assertThat(inv.addons()).filteredOn(a -> a.service().equals("heroku-redis")).singleElement()
        .extracting(Addon::configVars).isEqualTo(List.of("REDIS_URL"));
    assertThat(inv.domains()).hasSize(1250).doesNotHaveDuplicates();
    assertThat(inv.customDomains()).hasSize(1249).contains(new Domain("host1249.example.com", "custom",
        "host1249.example.com.herokudns.com"));
    assertThat(inv.domains()).contains(new Domain(fake.app(APP).herokuDomain(), "heroku", ""));
    assertThat(inv.buildpacks()).containsExactly("heroku/nodejs", "https://github.com/heroku/heroku-buildpack-ruby");
    PostgresInfo pg = inv.primaryDatabase().orElseThrow();
    assertThat(pg.attachmentName()).isEqualTo("DATABASE");
    assertThat(pg.plan()).isEqualTo("heroku-postgresql:essential-0");
    assertThat(pg.majorVersion()).isGreaterThanOrEqualTo(12);
    assertThat(pg.dataSizeBytes()).isPositive();
    assertThat(inv.databases()).hasSize(1);
    assertThat(inv.generation()).isEqualTo("cedar");
    assertThat(inv.gaps()).isEmpty();
    assertThat(inv.jobAddons()).extracting(Addon::service).containsExactly("scheduler");
    assertThat(fake.requests()).allSatisfy(c -> {
      assertThat(c.header("user-agent").orElseThrow()).matches("cutover/\\d+\\.\\d+\\.\\d+.*");
      assertThat(c.header("accept").orElseThrow()).isEqualTo("application/vnd.heroku+json; version=3");
    });
    // Every paged list asks for Heroku's largest page from the start, as the CLI does for domains:
    // 1250 domains are two pages, not seven of the default 200.
    List<RecordedCall> domainPages = fake.requests("GET", "/apps/big-app/domains");
    assertThat(domainPages).extracting(RecordedCall::status).containsExactly(206, 200);
    assertThat(domainPages.get(0).header("range")).contains("id ..; max=1000;");
    assertThat(domainPages.get(1).header("range").orElseThrow()).startsWith("id ]");
    assertThat(fake.requests()).filteredOn(c -> c.path().matches("/apps/big-app/(formation|addons|addon-attachments)"))
        .allSatisfy(c -> assertThat(c.header("range")).contains("id ..; max=1000;"))
        .extracting(RecordedCall::path).contains("/apps/big-app/formation", "/apps/big-app/addons",
            "/apps/big-app/addon-attachments");
    // 5000 releases: one request for the newest page, not 25 pages of 200.
    assertThat(fake.requests("GET", "/apps/big-app/releases")).singleElement()
        .satisfies(c -> assertThat(c.header("range")).contains("version ..; max=10, order=desc"));
  }

  @Test
  void inventory_json_masksEveryConfigVarValue() throws Exception {
    AppInventory inv;
    try (HerokuClient heroku = client()) {
      inv = heroku.app(APP).inventory();
    }
    ObjectMapper mapper = new ObjectMapper()
        .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));

    String json = mapper.writeValueAsString(inv);

    assertThat(json).contains("\"VAR_1\"").contains("\"****\"");
    fake.app(APP).configVars().values().forEach(v -> assertThat(json).doesNotContain(v));
  }

  @Test
  void configVars_429ThenOk_waitsTheAdvertisedRetryAfter() {
    fake.fault(Fault.on("GET", "/apps/big-app/config-vars").rateLimited(Duration.ofSeconds(7)).times(1));

    try (HerokuClient heroku = client()) {
      assertThat(heroku.app(APP).configVars()).hasSize(40);
    }

    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(7));
    assertThat(fake.requests("GET", "/apps/big-app/config-vars")).extracting(RecordedCall::status)
        .containsExactly(429, 200);
  }

  @Test
  void requests_lowRateLimitRemaining_slowDownBeforeTheNextCall() {
    fake.rateLimitRefill(Duration.ofHours(1)).rateLimitRemaining(4); // the pool would gain one up to 800 ms after this
    try (HerokuClient heroku = client()) {
      heroku.app(APP).formation();
      assertThat(time.sleeps).isEmpty();
      assertThat(heroku.lastRateLimitRemaining()).hasValue(3);

      heroku.app(APP).formation();
    }

    // Each request took a token: 3 left after the first, so the client paused for the 7 missing ones.
    assertThat(time.sleeps).containsExactly(Duration.ofMillis(800 * 7));
    assertThat(fake.requests("GET", "/apps/big-app/formation")).hasSize(2);
  }

  @Test
  void requests_poolRunsDry_429SaysHowLongHerokuAsksToWait() {
    // A pool of 2 that will not refill within the test: the third request finds it empty.
    fake.rateLimitRefill(Duration.ofHours(1)).rateLimitRemaining(2);
    try (HerokuClient heroku = client()) {
      heroku.app(APP).formation();
      heroku.app(APP).formation();
      assertThat(heroku.lastRateLimitRemaining()).hasValue(0);
      assertThatThrownBy(() -> heroku.app(APP).formation()).isInstanceOfSatisfying(ApiException.class, e -> {
        assertThat(e.status()).isEqualTo(429);
        assertThat(e.errorId()).contains("rate_limit");
        assertThat(e.retryable()).isTrue();
        assertThat(e.getMessage()).contains("rate limit").contains("Retry-After 3600 s");
      });
    } finally {
      fake.rateLimitRefill(Duration.ofMillis(800)).rateLimitRemaining(4500);
    }

    assertThat(fake.requests("GET", "/apps/big-app/formation")).extracting(RecordedCall::status)
        .containsExactly(200, 200, 429);
  }

  @Test
  void formation_slowAnswerTimesOut_retriedAfterBackoff() {
    fake.fault(Fault.on("GET", "/apps/big-app/formation").delay(Duration.ofSeconds(3)).times(1));
    okhttp3.OkHttpClient impatient = new okhttp3.OkHttpClient.Builder().readTimeout(Duration.ofMillis(500)).build();

    try (HerokuClient heroku = HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl())
        .dataApiHost(fake.dataApiHost()).processRunner(new FakeProcessRunner()).clock(time).sleeper(time)
        .httpClient(impatient).build()) {
      assertThat(heroku.app(APP).formation()).hasSize(2);
    }

    // The slow answer timed out and was retried after the first backoff (a loaded machine may need one more).
    assertThat(time.sleeps).startsWith(Duration.ofSeconds(1)).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void rateLimitRemaining_fake_readsTheAccountEndpoint() {
    fake.rateLimitRefill(Duration.ofHours(1)).rateLimitRemaining(1234); // no token gained while the test reads
    try (HerokuClient heroku = client()) {
      assertThat(heroku.rateLimitRemaining()).isEqualTo(1234);
    }
  }

  @Test
  void inventory_badToken_401SaysHowToFixTheToken() {
    try (HerokuClient heroku = client(Secret.of("wrong-token-xyz"))) {
      assertThatThrownBy(() -> heroku.app(APP).inventory())
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.errorId()).contains("unauthorized");
            assertThat(e.requestId()).isPresent();
            assertThat(e.getMessage()).contains("token was rejected").contains("HEROKU_API_KEY")
                .doesNotContain("wrong-token-xyz");
          });
    }
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void inventory_unknownApp_404NamesTheApp() {
    try (HerokuClient heroku = client()) {
      assertThatThrownBy(() -> heroku.app("no-such-app").inventory())
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.errorId()).contains("not_found");
            assertThat(e.path()).isEqualTo("/apps/no-such-app");
            assertThat(e.getMessage()).contains("Heroku app 'no-such-app'").contains("not found");
          });
    }
  }

  @Test
  void configVars_500EveryTime_failsAfterRetriesWithBackoff() {
    fake.fault(Fault.on("GET", "/apps/big-app/config-vars").status(500));

    try (HerokuClient heroku = client()) {
      assertThatThrownBy(() -> heroku.app(APP).configVars())
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(500);
            assertThat(e.retryable()).isTrue();
            assertThat(e.getMessage()).contains("server error").contains("GET /apps/big-app/config-vars");
          });
    }

    assertThat(fake.requests("GET", "/apps/big-app/config-vars")).hasSize(4);
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
  }

  @Test
  void maintenance_onThenOff_patchesTheAppAndIsIdempotent() {
    try (HerokuClient heroku = client()) {
      HerokuApp app = heroku.app(APP);
      app.maintenance(true);
      app.maintenance(true);
      assertThat(fake.app(APP).maintenance()).isTrue();
      assertThat(app.maintenance()).isTrue();

      app.maintenance(false);
      assertThat(fake.app(APP).maintenance()).isFalse();
    }
    assertThat(fake.requests("PATCH", "/apps/big-app")).extracting(RecordedCall::body)
        .containsExactly("{\"maintenance\":true}", "{\"maintenance\":true}", "{\"maintenance\":false}");
  }

  @Test
  void maintenanceCommand_theHerokuCliCommand_callsNothing() {
    try (HerokuClient heroku = client()) {
      HerokuApp app = heroku.app(APP);
      assertThat(app.maintenanceCommand(true)).isEqualTo("heroku maintenance:on -a " + APP);
      assertThat(app.maintenanceCommand(false)).isEqualTo("heroku maintenance:off -a " + APP);
      assertThat(app.stopDynoCommand("run.1")).isEqualTo("heroku ps:stop run.1 -a " + APP);
    }
    assertThat(fake.requests("PATCH", "/apps/big-app")).isEmpty();
  }

  @Test
  void features_fakeApp_listsNameAndState() {
    fake.app("feature-app").feature("runtime-dyno-metadata", true).feature("preboot", false);
    try (HerokuClient heroku = client()) {
      assertThat(heroku.app("feature-app").features()).containsExactlyInAnyOrder(
          new AppFeature("runtime-dyno-metadata", true), new AppFeature("preboot", false));
    }
  }

  @Test
  void builder_hostTheCliWouldNotUse_refusedRatherThanSplitTheTraffic() {
    for (String url : List.of("https://api.example.com", "http://127.0.0.2:5000", "http://[::1]:5000",
        "http://api.heroku.com", "http://127.0.0.1:5000/v3")) {
      assertThatThrownBy(() -> HerokuClient.builder().apiKey(Secret.of("k")).apiUrl(url).build())
          .as(url).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
              .extracting(ValidationException.Problem::field).containsExactly("apiUrl"));
    }
    assertThatThrownBy(() -> HerokuClient.builder().apiKey(Secret.of("k")).apiUrl("https://api.example.com").build())
        .hasMessageContaining("api.heroku.com").hasMessageContaining("127.0.0.1");
    for (String url : List.of("https://api.heroku.com", "https://api.staging.herokudev.com", "http://localhost:5000",
        "http://127.0.0.1:5000/")) {
      HerokuClient.builder().apiKey(Secret.of("k")).apiUrl(url).processRunner(new FakeProcessRunner()).build().close();
    }
  }

  @Test
  void builder_badSettings_oneValidationExceptionListsEveryProblem() {
    assertThatThrownBy(() -> HerokuClient.builder().apiUrl("http://api.example.com").dataApiHost("127.0.0.1:5000")
        .cliCommand(List.of()).build())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
            .extracting(ValidationException.Problem::field)
            .containsExactly("apiKey", "apiUrl", "dataApiHost", "cliCommand"));
  }

  @Test
  void app_invalidName_rejectedBeforeAnyRequest() {
    try (HerokuClient heroku = client()) {
      assertThatThrownBy(() -> heroku.app("Bad_Name")).isInstanceOf(ValidationException.class)
          .hasMessageContaining("Bad_Name");
    }
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void databaseUrl_postgresApp_isTheConfigVarAndRegistered() {
    try (HerokuClient heroku = client()) {
      Secret url = heroku.app(APP).databaseUrl("DATABASE").orElseThrow();
      assertThat(url.reveal()).isEqualTo(fake.app(APP).configVars().get("DATABASE_URL"));
      assertThat(heroku.redactor().redact("x " + url.reveal())).isEqualTo("x ****");
    }
  }

  @Test
  void directConnection_herokuHost_requiresTlsLoopbackKeptAndPrivateSpacePlansRefused() {
    fake.app("remote-db-app").configVar("DATABASE_URL",
        "postgres://u1:direct-canary-pw@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9");
    try (HerokuClient heroku = client()) {
      HerokuApp remote = heroku.app("remote-db-app");
      dev.cutover.core.model.PgConnection c = remote.directConnection(new dev.cutover.core.model.PostgresInfo(
          "postgresql-a", "DATABASE", "heroku-postgresql:standard-0", "16.4", 1));
      assertThat(c.host()).isEqualTo("ec2-1-2-3-4.compute-1.amazonaws.com");
      assertThat(c.sslMode()).as("Heroku takes outside connections over TLS only").isEqualTo("require");
      assertThat(heroku.redactor().redact("x direct-canary-pw")).isEqualTo("x ****");

      dev.cutover.core.model.PgConnection local = heroku.app(APP).directConnection(
          new dev.cutover.core.model.PostgresInfo("postgresql-b", "DATABASE", "heroku-postgresql:essential-0", "16.4", 1));
      assertThat(local.sslMode()).as("a loopback stand-in keeps its URL's mode").isEqualTo("prefer");

      for (String plan : List.of("heroku-postgresql:private-0", "heroku-postgresql:shield-2")) {
        assertThatThrownBy(() -> remote.directConnection(new dev.cutover.core.model.PostgresInfo("postgresql-c",
            "DATABASE", plan, "16.4", 1))).isInstanceOf(dev.cutover.core.MigrationException.class)
            .hasMessageContaining("only from inside its Private Space").hasMessageNotContaining("direct-canary-pw");
      }
    }
  }
}
