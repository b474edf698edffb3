package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.process.CommandResult;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.HerokuCli;
import dev.cutover.testkit.heroku.RecordedCall;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.cutover.testkit.process.ProcessLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real heroku CLI 11.10.0 against FakeHeroku: every command Cutover or a user relies on exits 0
 * with the output reference/heroku.md describes. One fake, one CLI, one small database per class.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FakeHerokuCliContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP = "example-app";

  private HerokuCli cli;
  private FakeHeroku fake;
  private TestSupport.Db db;

  @BeforeAll
  void start() {
    cli = TestSupport.cliOrSkip();
    db = TestSupport.Db.create("create table items (id int primary key, name text)",
        "insert into items select g, 'item ' || g from generate_series(1, 1000) g");
    fake = FakeHeroku.start();
    fake.app(APP)
        .formation("web", 2, "Standard-1X", "npm start")
        .formation("worker", 1, "Standard-2X", "node worker.js")
        .configVar("NODE_ENV", "production")
        .configVar("SECRET_KEY_BASE", "s3cr3t value with spaces")
        .addon("heroku-redis:mini", "REDIS_URL")
        .domains("www.example.com", "api.example.com")
        .buildpacks("heroku/nodejs", "https://github.com/heroku/heroku-buildpack-ruby")
        .processTypes(Map.of("web", "npm start", "worker", "node worker.js", "release", "npm run migrate"))
        .postgres(db.connection);
    fake.app("long-app").releases(5000).processTypes(Map.of("web", "npm start"));
    fake.app("fir-app").generation("fir").buildpacks("heroku/nodejs", "heroku/procfile")
        .processTypes(Map.of("web", "npm start", "release", "npm run migrate"));
    fake.app("multi-app").postgres(db.connection)
        .postgres("HEROKU_POSTGRESQL_BLUE", "heroku-postgresql:standard-0", db.connection)
        .follower("HEROKU_POSTGRESQL_GRAY", "HEROKU_POSTGRESQL_BLUE");
    fake.app("shop-app").attach("DATABASE", fake.app("multi-app"), "DATABASE");
  }

  private ProcessLeakCheck leaks;

  @BeforeEach
  void snapshotProcesses() {
    leaks = ProcessLeakCheck.start();
  }

  @AfterEach
  void noCliLeftRunning() {
    leaks.assertNoLeaks();
  }

  @AfterAll
  void stop() {
    if (fake != null) {
      fake.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private CommandResult heroku(Path home, String... args) {
    CommandResult r = cli.run(fake, home, args);
    assertThat(r.exitCode()).as("heroku %s\nstdout: %s\nstderr: %s", String.join(" ", args), r.stdout(), r.stderr())
        .isZero();
    return r;
  }

  @Test
  void appsInfoJson_fakeApp_printsAppAndAddons(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "apps:info", "-a", APP, "--json").stdout());

    assertThat(out.path("app").path("name").asText()).isEqualTo(APP);
    assertThat(out.path("app").path("stack").path("name").asText()).isEqualTo("heroku-24");
    assertThat(out.path("addons")).hasSize(2);
  }

  @Test
  void configJson_fakeApp_printsEveryVar(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "config", "-a", APP, "--json").stdout());

    Map<String, String> vars = JSON.convertValue(out, JSON.getTypeFactory().constructMapType(Map.class, String.class,
        String.class));
    assertThat(vars).isEqualTo(fake.app(APP).configVars());
  }

  @Test
  void addonsJson_fakeApp_listsAddonsWithAttachments(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "addons", "-a", APP, "--json").stdout());

    List<String> plans = new ArrayList<>();
    out.forEach(a -> plans.add(a.path("plan").path("name").asText()));
    assertThat(plans).containsExactlyInAnyOrder("heroku-redis:mini", "heroku-postgresql:essential-0");
    out.forEach(a -> assertThat(a.path("attachments")).hasSize(1));
  }

  @Test
  void domainsJson_fakeApp_listsCustomAndHerokuDomains(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "domains", "-a", APP, "--json").stdout());

    List<String> hosts = new ArrayList<>();
    out.forEach(d -> hosts.add(d.path("hostname").asText()));
    assertThat(hosts).containsExactlyInAnyOrder("www.example.com", "api.example.com", fake.app(APP).herokuDomain());
    assertThat(fake.requests("GET", "/apps/example-app/domains")).last()
        .extracting(c -> c.header("range").orElse("")).isEqualTo("id ..; max=1000;");
  }

  @Test
  void buildpacksJson_fakeApp_listsInOrderWithoutUrn(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "buildpacks", "-a", APP, "--json").stdout());

    assertThat(out).hasSize(2);
    assertThat(out.get(0).path("buildpack").path("url").asText()).isEqualTo("heroku/nodejs");
    assertThat(out.get(1).path("buildpack").path("url").asText()).isEqualTo("https://github.com/heroku/heroku-buildpack-ruby");
  }

  @Test
  void psScale_noArgsThenScale_printsFormationAndPatchesIt(@TempDir Path home) {
    assertThat(heroku(home, "ps:scale", "-a", APP).stdout().strip())
        .isEqualTo("web=2:Standard-1X worker=1:Standard-2X");

    heroku(home, "ps:scale", "worker=3", "-a", APP);

    assertThat(fake.app(APP).quantity("worker")).isEqualTo(3);
    fake.app(APP).formation("worker", 1, "Standard-2X", "node worker.js");
  }

  @Test
  void maintenanceOnOff_fakeApp_patchesTheApp(@TempDir Path home) {
    CommandResult on = heroku(home, "maintenance:on", "-a", APP);
    assertThat(on.stderr()).contains("Enabling maintenance mode for example-app... done");
    assertThat(fake.app(APP).maintenance()).isTrue();

    heroku(home, "maintenance:off", "-a", APP);
    assertThat(fake.app(APP).maintenance()).isFalse();
    assertThat(fake.requests("PATCH", "/apps/example-app")).extracting(RecordedCall::body)
        .containsSubsequence("{\"maintenance\":true}", "{\"maintenance\":false}");
  }

  @Test
  void pgBackups_captureListUrlDownload_realDumpEndToEnd(@TempDir Path home) throws Exception {
    CommandResult capture = heroku(home, "pg:backups:capture", "-a", APP);
    assertThat(capture.stderr()).containsPattern("Backing up DATABASE to b\\d{3}\\.\\.\\. done");

    CommandResult list = heroku(home, "pg:backups", "-a", APP);
    assertThat(list.stdout()).contains("=== Backups").containsPattern("b\\d{3}\\s+.*Completed");

    CommandResult url = heroku(home, "pg:backups:url", "-a", APP);
    assertThat(url.stdout()).endsWith("\n\n");
    assertThat(url.stdout().strip()).startsWith("https://127.0.0.1:").contains("X-Amz-Signature=");

    heroku(home, "pg:backups:download", "-a", APP);
    byte[] head = Files.readAllBytes(home.resolve("latest.dump"));
    assertThat(new String(head, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("PGDMP");
  }

  @Test
  void pgInfo_fakeApp_printsRealVersionAndAddon(@TempDir Path home) {
    String out = heroku(home, "pg:info", "-a", APP).stdout();

    assertThat(out).contains("=== DATABASE_URL").containsPattern("PG Version:\\s+\\d+\\.\\d+")
        .contains("Add-on:").contains("postgresql-fake-");
  }

  @Test
  void pgCredentialsUrl_fakeApp_printsTheLocalDatabaseUrl(@TempDir Path home) {
    String out = heroku(home, "pg:credentials:url", "-a", APP).stdout();

    assertThat(out).contains("Connection URL:")
        .contains("@127.0.0.1:5432/" + db.connection.database());
    assertThat(fake.requests("GET", "/postgres/v0/databases/.*/credentials/default")).last()
        .extracting(c -> c.header("authorization").orElse("")).asString().startsWith("Basic ");
  }

  @Test
  void releasesJson_5000Releases_oneRequestForTheNewest15(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "releases", "-a", "long-app", "--json").stdout());

    assertThat(out).hasSize(15);
    assertThat(out.get(0).path("version").asInt()).isEqualTo(5000);
    assertThat(out.get(14).path("version").asInt()).isEqualTo(4986);
    assertThat(fake.requests("GET", "/apps/long-app/releases")).singleElement()
        .satisfies(c -> assertThat(c.header("range")).contains("version ..; max=15, order=desc"));
  }

  @Test
  void buildpacksJson_firApp_readFromTheCurrentReleasesOciImage(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "buildpacks", "-a", "fir-app", "--json").stdout());

    assertThat(out).extracting(b -> b.path("buildpack").path("name").asText())
        .containsExactly("heroku/nodejs", "heroku/procfile");
    assertThat(fake.requests("GET", "/apps/fir-app/oci-images/.*")).hasSize(1);
    assertThat(fake.requests("GET", "/apps/fir-app/buildpack-installations")).isEmpty();
  }

  @Test
  void pgInfo_twoDatabasesAndAFollower_eachShownTheFollowerNamingItsLeader(@TempDir Path home) {
    String out = heroku(home, "pg:info", "-a", "multi-app").stdout();

    assertThat(out).contains("=== DATABASE_URL").contains("=== HEROKU_POSTGRESQL_BLUE_URL")
        .contains("=== HEROKU_POSTGRESQL_GRAY_URL").containsPattern("Following:\\s+HEROKU_POSTGRESQL_BLUE");
  }

  @Test
  void pgInfoAndAddons_databaseBilledToAnotherApp_showTheBillingApp(@TempDir Path home) throws Exception {
    assertThat(heroku(home, "pg:info", "-a", "shop-app").stdout()).containsPattern("Billing App:\\s+multi-app");

    JsonNode addons = JSON.readTree(heroku(home, "addons", "-a", "shop-app", "--json").stdout());
    assertThat(addons).singleElement().satisfies(a -> {
      assertThat(a.path("app").path("name").asText()).isEqualTo("multi-app");
      assertThat(a.path("attachments")).extracting(at -> at.path("app").path("name").asText()).contains("shop-app");
    });
  }

  @Test
  void psJson_formation_oneDynoPerQuantity(@TempDir Path home) throws Exception {
    JsonNode out = JSON.readTree(heroku(home, "ps", "-a", APP, "--json").stdout());

    assertThat(out).extracting(d -> d.path("name").asText()).containsExactly("web.1", "web.2", "worker.1");
  }
}
