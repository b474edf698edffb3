package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.PgConnection;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.RecordedCall;
import dev.cutover.testkit.process.FakeProcessRunner;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The write fence's Heroku half against FakeHeroku, whose worker dynos really write into a local
 * database: scaling a type to 0 returns once its dynos have stopped writing, and scaling back
 * restores them; job add-ons, which scaling cannot stop, are recognised.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerokuFenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private FakeHeroku fake;
  private TestSupport.Db db;
  private HerokuClient heroku;

  @BeforeAll
  void start() {
    db = TestSupport.Db.create("create table events (id bigserial primary key, kind text not null)",
        "create table audit (id bigserial primary key, note text)");
    fake = FakeHeroku.start();
    heroku = HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl()).dataApiHost(fake.dataApiHost())
        .processRunner(new FakeProcessRunner()).build();
  }

  @AfterAll
  void stop() {
    if (heroku != null) {
      heroku.close();
    }
    if (fake != null) {
      fake.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void scale_workerWritingIntoTheDatabase_stopsWritingWhenScaledToZeroAndWritesAgainWhenRestored() throws Exception {
    fake.app("fence-app").postgres(db.connection)
        .formation("web", 2, "Standard-1X", "npm start")
        .formation("worker", 1, "Standard-1X", "node worker.js")
        .worker("worker", "insert into events (kind) values ('tick')");
    HerokuApp app = heroku.app("fence-app");
    long writing = awaitRows("events", n -> n > 0);

    Map<String, Integer> before = app.scale(Map.of("worker", 0));

    assertThat(before).containsExactly(Map.entry("worker", 1));
    assertThat(fake.app("fence-app").quantity("worker")).isZero();
    assertThat(fake.app("fence-app").quantity("web")).isEqualTo(2);
    long frozen = rows("events");
    assertThat(frozen).isGreaterThanOrEqualTo(writing);
    Thread.sleep(1000);
    assertThat(rows("events")).as("no write after scale() returned").isEqualTo(frozen);
    assertThat(fake.requests("GET", "/apps/fence-app/dynos")).isNotEmpty();
    assertThat(app.scale(Map.of("worker", 0))).as("already at 0: nothing to change").isEmpty();

    assertThat(app.scale(before)).containsExactly(Map.entry("worker", 0));

    awaitRows("events", n -> n > frozen);
    List<JsonNode> patches = new ArrayList<>();
    for (RecordedCall c : fake.requests("PATCH", "/apps/fence-app/formation")) {
      patches.add(JSON.readTree(c.body()));
    }
    assertThat(patches).hasSize(2);
    assertThat(patches.get(0).path("updates")).singleElement().satisfies(u -> {
      assertThat(u.path("type").asText()).isEqualTo("worker");
      assertThat(u.path("quantity").asInt()).isZero();
    });
    assertThat(patches.get(1).path("updates").get(0).path("quantity").asInt()).isEqualTo(1);
  }

  @Test
  void scale_unknownTypeAndNegativeQuantity_bothRejectedBeforeAnyChange() {
    fake.app("strict-app").formation("web", 1, "Basic", "npm start");
    java.util.HashMap<String, Integer> bad = new java.util.HashMap<>(Map.of("clock", 0));

    assertThatThrownBy(() -> heroku.app("strict-app").scale(bad))
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.getMessage())
            .contains("clock").contains("not a process type of strict-app").contains("[web]"));
    assertThatThrownBy(() -> heroku.app("strict-app").scale(Map.of("web", -1)))
        .isInstanceOf(ValidationException.class).hasMessageContaining("must be 0 or more");
    assertThat(fake.requests("PATCH", "/apps/strict-app/formation")).isEmpty();
  }

  @Test
  void inventory_schedulerJobWriting_isAJobAddonAndScalingDoesNotStopIt() throws Exception {
    fake.app("cron-app").postgres(db.connection)
        .formation("web", 1, "Standard-1X", "npm start")
        .schedulerJob("insert into audit (note) values ('nightly')");
    HerokuApp app = heroku.app("cron-app");

    AppInventory inv = app.inventory();
    app.scale(Map.of("web", 0));

    assertThat(inv.jobAddons()).singleElement().satisfies(a -> {
      assertThat(a.service()).isEqualTo("scheduler");
      assertThat(a.runsJobs()).isTrue();
    });
    assertThat(inv.addons()).filteredOn(a -> !a.service().equals("scheduler")).noneMatch(Addon::runsJobs);
    long afterScale = rows("audit");
    awaitRows("audit", n -> n > afterScale);
  }

  @Test
  void runningOneOffDynos_detachedDynoWriting_isListedAndFormationDynosAreNot() throws Exception {
    fake.app("oneoff-app").postgres(db.connection)
        .formation("web", 1, "Standard-1X", "npm start")
        .formation("worker", 1, "Standard-1X", "node worker.js")
        .oneOffDyno("insert into audit (note) values ('backfill')");
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (fake.app("oneoff-app").writes("run") == 0) {
      assertThat(System.nanoTime()).as("the one-off dyno writes within 15 s").isLessThan(deadline);
      Thread.sleep(20);
    }

    List<String> dynos = heroku.app("oneoff-app").runningOneOffDynos().orElseThrow();

    assertThat(dynos).singleElement().asString().startsWith("run.").contains("(up): psql -c 'insert into audit");
  }

  private long awaitRows(String table, LongPredicate until) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    long n = rows(table);
    while (!until.test(n)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(table + " stayed at " + n + " rows for 15 s");
      }
      Thread.sleep(50);
      n = rows(table);
    }
    return n;
  }

  private long rows(String table) throws Exception {
    PgConnection c = db.connection;
    Properties p = new Properties();
    p.setProperty("user", c.user());
    p.setProperty("password", c.password().reveal());
    try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), p); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
