package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.InventoryGap;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.process.FakeProcessRunner;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Apps shaped as real ones are, against the strict FakeHeroku (no CLI): fir apps, several
 * databases and a follower, a database billed to another app, parts that cannot be read.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerokuInventoryShapesTest {
  private FakeHeroku fake;
  private TestSupport.Db main;
  private TestSupport.Db analytics;
  private HerokuClient heroku;

  @BeforeAll
  void seed() {
    main = TestSupport.Db.create("create table orders (id int)");
    analytics = TestSupport.Db.create("create table events (id int)", "create table sessions (id int)");
    fake = FakeHeroku.start();
    heroku = HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl()).dataApiHost(fake.dataApiHost())
        .processRunner(new FakeProcessRunner()).build();
  }

  @AfterAll
  void stop() {
    heroku.close();
    fake.close();
    main.close();
    analytics.close();
  }

  @BeforeEach
  void reset() {
    fake.clearFaults().clearRequests();
  }

  @Test
  void inventory_firApp_processTypesAndReleasePhaseFromTheOciImage() {
    fake.app("fir-app").generation("fir").buildpacks("heroku/nodejs", "heroku/procfile")
        .formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start", "worker", "node worker.js", "release", "npm run migrate"));

    AppInventory inv = heroku.app("fir-app").inventory();

    assertThat(inv.generation()).isEqualTo("fir");
    assertThat(inv.processTypes()).containsExactlyInAnyOrderEntriesOf(
        Map.of("web", "npm start", "worker", "node worker.js", "release", "npm run migrate"));
    assertThat(inv.releasePhase()).contains("npm run migrate");
    assertThat(inv.buildpacks()).containsExactly("heroku/nodejs", "heroku/procfile");
    assertThat(inv.gaps()).isEmpty();
    // fir has no classic buildpack installations and no slugs: the image was read instead.
    assertThat(fake.requests("GET", "/apps/fir-app/oci-images/.*")).hasSize(1);
    assertThat(fake.requests("GET", "/apps/fir-app/(slugs/.*|buildpack-installations)")).isEmpty();
  }

  @Test
  void inventory_twoPostgresAddonsAndAFollower_everyDatabaseWithItsNamesFollowerMarked() {
    fake.app("two-db-app").postgres(main.connection)
        .attach("HEROKU_POSTGRESQL_ONYX", fake.app("two-db-app"), "DATABASE")
        .postgres("HEROKU_POSTGRESQL_BLUE", "heroku-postgresql:standard-0", analytics.connection)
        .follower("HEROKU_POSTGRESQL_GRAY", "HEROKU_POSTGRESQL_BLUE")
        .addon("heroku-redis:mini", "REDIS_URL");

    AppInventory inv = heroku.app("two-db-app").inventory();

    assertThat(inv.databases()).hasSize(3);
    PostgresInfo primary = inv.primaryDatabase().orElseThrow();
    assertThat(primary.attachmentNames()).containsExactlyInAnyOrder("DATABASE", "HEROKU_POSTGRESQL_ONYX");
    assertThat(primary.configVars()).containsExactlyInAnyOrder("DATABASE_URL", "HEROKU_POSTGRESQL_ONYX_URL");
    assertThat(primary.attachmentName()).isEqualTo("DATABASE");
    assertThat(primary.follower()).isFalse();
    assertThat(primary.ownerApp()).isEqualTo("two-db-app");
    assertThat(primary.majorVersion()).isGreaterThanOrEqualTo(12);

    assertThat(inv.primaryDatabases()).hasSize(2).first().isEqualTo(primary);
    PostgresInfo blue = inv.primaryDatabases().get(1);
    assertThat(blue.attachmentName()).isEqualTo("HEROKU_POSTGRESQL_BLUE");
    assertThat(blue.configVars()).containsExactly("HEROKU_POSTGRESQL_BLUE_URL");
    assertThat(blue.plan()).isEqualTo("heroku-postgresql:standard-0");
    assertThat(blue.dataSizeBytes()).isPositive();

    assertThat(inv.followers()).singleElement().satisfies(f -> {
      assertThat(f.attachmentName()).isEqualTo("HEROKU_POSTGRESQL_GRAY");
      assertThat(f.configVars()).containsExactly("HEROKU_POSTGRESQL_GRAY_URL");
      assertThat(f.leader()).isEqualTo(blue.addonName());
    });
    // Each URL config var is there for the configure step to rewrite.
    for (PostgresInfo db : inv.databases()) {
      db.configVars().forEach(v -> assertThat(inv.configVar(v)).as(v).isPresent());
    }
    // The Redis add-on's config var, in the form a Redis mover reads it.
    assertThat(inv.addons("heroku-redis")).singleElement().satisfies(r -> {
      assertThat(r.configVars()).containsExactly("REDIS_URL");
      assertThat(r.attachmentNames()).containsExactly("REDIS");
      assertThat(inv.configVar("REDIS_URL")).isPresent();
    });
  }

  @Test
  void inventory_databaseAttachedFromAnotherApp_ownerIsTheBillingApp() {
    fake.app("billing-app").postgres(main.connection);
    fake.app("web-app").attach("DATABASE", fake.app("billing-app"), "DATABASE")
        .formation("web", 1, "Standard-1X", "npm start");

    AppInventory inv = heroku.app("web-app").inventory();

    PostgresInfo db = inv.primaryDatabase().orElseThrow();
    assertThat(db.ownerApp()).isEqualTo("billing-app");
    assertThat(db.ownedBy("web-app")).isFalse();
    assertThat(db.attachmentNames()).containsExactly("DATABASE");
    assertThat(db.configVars()).containsExactly("DATABASE_URL");
    assertThat(inv.configVar("DATABASE_URL").map(v -> v.value().reveal()))
        .contains(fake.app("billing-app").configVars().get("DATABASE_URL"));
    assertThat(inv.addons()).singleElement().extracting(Addon::ownerApp).isEqualTo("billing-app");
  }

  @Test
  void inventory_releasesAndADatabaseAnswer404_gapsNotAFailureAndNotBlamedOnTheApp() {
    fake.app("gappy-app").postgres(main.connection)
        .postgres("HEROKU_POSTGRESQL_PINK", "heroku-postgresql:standard-0", analytics.connection)
        .provisioning("HEROKU_POSTGRESQL_PINK", true)
        .processTypes(Map.of("web", "npm start"));
    fake.fault(Fault.on("GET", "/apps/gappy-app/releases").status(404));

    AppInventory inv = heroku.app("gappy-app").inventory();

    assertThat(inv.databases()).hasSize(2);
    PostgresInfo pink = inv.databases().stream().filter(d -> d.attachmentName().equals("HEROKU_POSTGRESQL_PINK"))
        .findFirst().orElseThrow();
    assertThat(pink.version()).isEmpty();
    assertThat(pink.dataSizeBytes()).isEqualTo(-1);
    assertThat(inv.primaryDatabase().orElseThrow().version()).isNotEmpty();
    assertThat(inv.processTypes()).isEmpty();
    assertThat(inv.gaps()).extracting(InventoryGap::part)
        .containsExactlyInAnyOrder("process types", "database " + pink.addonName());
    assertThat(inv.gaps()).allSatisfy(g -> assertThat(g.reason()).contains("404").doesNotContain("gappy-app'"));
    assertThat(inv.addons()).filteredOn(a -> a.attachmentNames().contains("HEROKU_POSTGRESQL_PINK"))
        .extracting(Addon::state).containsExactly("provisioning");
    assertThat(inv.toString()).contains("2 gaps");
  }

  @Test
  void databases_directCall_readsFollowersToo() {
    fake.app("follow-app").postgres(main.connection).follower("HEROKU_POSTGRESQL_AMBER", "DATABASE");

    List<PostgresInfo> dbs = heroku.app("follow-app").databases();

    assertThat(dbs).hasSize(2);
    PostgresInfo leader = dbs.stream().filter(d -> !d.follower()).findFirst().orElseThrow();
    assertThat(leader.attachmentName()).isEqualTo("DATABASE");
    assertThat(dbs).filteredOn(PostgresInfo::follower).singleElement()
        .satisfies(f -> assertThat(f.leader()).isEqualTo(leader.addonName()));
    // The leader's URL the data API answers with is a secret like any database URL.
    String url = fake.app("follow-app").configVars().get("DATABASE_URL");
    assertThat(heroku.redactor().redact("x " + url)).isEqualTo("x ****");
  }
}
