package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationException;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.migration.VerificationFailedException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.heroku.FakeApp;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The write fence and several databases end to end, through the {@link Migration} facade with the real
 * adapters on the testkit: FakeHeroku's worker dynos really write into the source database (a local
 * PostgreSQL database), the real {@code heroku} CLI captures, the fake {@code aptible} CLI creates real
 * target databases. Each test migrates its own Heroku app with its own source database.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WriteFenceEndToEndTest {
  private static final String TICK = "insert into events (kind) values ('tick')";

  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;
  final List<TestDatabase> databases = new ArrayList<>();

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(20);
    heroku = env.herokuClient();
    aptible = env.aptibleClient();
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
    databases.forEach(TestDatabase::close);
  }

  @AfterEach
  void noTunnelLeft() {
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnel processes left running").isEmpty();
  }

  @Test
  void migrate_workerWritingIntoTheSource_isScaledToZeroTheFreezeProvenAndTheDataVerified_rollbackRestoresIt()
      throws Exception {
    TestDatabase db = sourceDatabase();
    FakeApp app = nodeApp("fenced-shop", db).addon("scheduler:standard").worker("worker", TICK);
    awaitRows(db, 13);

    MigrationPlan plan = migration("fenced-shop", heroku.app("fenced-shop")).plan();
    MigrationReport report = plan.run();

    assertThat(plan.render()).contains("scale worker 1 -> 0").contains("freeze proven from the write counters of DATABASE")
        .contains("job add-ons not stopped by scaling: scheduler-");
    assertThat(plan.warnings()).anyMatch(w -> w.startsWith("scheduler-") && w.contains("runs jobs that scaling the"
        + " formation does not stop"));
    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.step("maintenance-on").orElseThrow().summary()).contains("scaled worker to 0 (was worker=1)")
        .contains("write freeze proven for DATABASE");
    assertThat(app.quantity("worker")).isZero();
    assertThat(app.quantity("web")).isEqualTo(1);
    long frozen = rows(db.connection(), "events");
    assertThat(rows(target("fenced-shop-db"), "events")).as("every write the worker made is on the target")
        .isEqualTo(frozen).isGreaterThan(12);
    assertThat(env.aptible().app("fenced-shop").orElseThrow().services()).extracting(FakeAptible.Service::name,
        FakeAptible.Service::containerCount).contains(org.assertj.core.groups.Tuple.tuple("worker", 1));

    MigrationReport rolledBack = migration("fenced-shop", heroku.app("fenced-shop")).plan().rollback();

    assertThat(app.quantity("worker")).as("the formation the fence recorded").isEqualTo(1);
    assertThat(app.maintenance()).isFalse();
    assertThat(rolledBack.rollbacks()).singleElement().satisfies(r -> assertThat(r.undone())
        .contains("formation of fenced-shop restored (worker=1)"));
    awaitRows(db, frozen + 1);
  }

  @Test
  void migrate_fenceDisabledByAFault_theWorkerStillWriting_failsBeforeTheCaptureNamingTheTable() throws Exception {
    TestDatabase db = sourceDatabase();
    FakeApp app = nodeApp("leaky-shop", db).worker("worker", TICK);
    awaitRows(db, 13);
    // the fault: Heroku answers the formation change but the worker goes on (the fence is disabled)
    SourceApp leaky = intercept(heroku.app("leaky-shop"), "scale", (real, args) -> Map.of());

    MigrationPlan plan = migration("leaky-shop", leaky).plan();

    assertThatThrownBy(plan::run).isInstanceOf(MigrationException.class)
        .hasMessageContaining("maintenance-on: the source is still being written after the write fence")
        .hasMessageMatching("(?s).*DATABASE: written between \\S+ and \\S+: public\\.events \\(\\+\\d+ inserted\\).*");
    assertThat(Migration.readJournal(plan.journal()).steps()).containsEntry("maintenance-on", StepStatus.FAILED)
        .containsEntry("capture", StepStatus.PENDING);
    assertThat(app.transfers()).as("no backup taken of a database still being written").isEmpty();
    assertThat(env.aptible().app("leaky-shop").orElseThrow().config()).doesNotContainKey("DATABASE_URL");
    assertThat(app.quantity("worker")).isEqualTo(1);

    migration("leaky-shop", leaky).plan().rollback();
    assertThat(app.maintenance()).isFalse();
  }

  @Test
  void migrate_aWriterStartedAfterTheCapture_failsTheVerificationGateNamingTheTable() throws Exception {
    TestDatabase db = sourceDatabase();
    FakeApp app = nodeApp("late-shop", db).worker("worker", TICK);
    awaitRows(db, 13);
    // someone starts `heroku run:detached` during the downtime, once the backup is taken
    SourceApp source = intercept(heroku.app("late-shop"), "captureBackup", (real, args) -> {
      BackupRef backup = (BackupRef) real.invoke(heroku.app("late-shop"), args);
      app.oneOffDyno("insert into events (kind) values ('late')");
      return backup;
    });

    MigrationPlan plan = migration("late-shop", source).plan();

    assertThatThrownBy(plan::run).isInstanceOfSatisfying(VerificationFailedException.class, e -> {
      assertThat(e.getMessage()).contains("write-freeze public.events: expected no writes since").contains("inserted at");
      assertThat(e.verification().mismatches()).first().satisfies(c -> {
        assertThat(c.kind()).isEqualTo("write-freeze");
        assertThat(c.name()).isEqualTo("public.events");
      });
    });
    assertThat(Migration.readJournal(plan.journal()).resumesAt()).hasValue(MigrationStep.VERIFY);
    assertThat(env.aptible().app("late-shop").orElseThrow().config()).as("nothing cut over")
        .doesNotContainKey("DATABASE_URL");
  }

  @Test
  void migrate_twoPostgresAddonsAndAFollower_movesBothPrimariesWithTheirOwnUrlsAndListsTheFollower() throws Exception {
    TestDatabase main = sourceDatabase();
    TestDatabase ledger = PgFixture.local().createDatabase("cut_fence_ledger_");
    databases.add(ledger);
    ledger.execute("create table entries (id bigserial primary key, amount numeric not null)",
        "insert into entries (amount) select g * 1.5 from generate_series(1, 37) g");
    FakeApp app = nodeApp("twin-shop", main)
        .postgres("HEROKU_POSTGRESQL_BLUE", "heroku-postgresql:standard-0", ledger.connection())
        .follower("HEROKU_POSTGRESQL_GRAY", "DATABASE");

    MigrationPlan plan = migration("twin-shop", heroku.app("twin-shop")).plan();
    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(plan.databaseHandle()).hasValue("twin-shop-db");
    assertThat(rows(target("twin-shop-db"), "events")).isEqualTo(rows(main.connection(), "events")).isEqualTo(12);
    assertThat(rows(target("twin-shop-db-blue"), "entries")).isEqualTo(37);
    assertThat(tables(target("twin-shop-db-blue"))).containsExactly("entries");
    assertThat(tables(target("twin-shop-db"))).containsExactly("events");
    Map<String, String> config = env.aptible().app("twin-shop").orElseThrow().config();
    assertThat(config.get("DATABASE_URL")).contains(postgresName("twin-shop-db"));
    assertThat(config.get("HEROKU_POSTGRESQL_BLUE_URL")).contains(postgresName("twin-shop-db-blue"));
    assertThat(config).doesNotContainKey("HEROKU_POSTGRESQL_GRAY_URL");
    assertThat(app.transfers()).as("one backup of each primary, none of the follower").hasSize(2);
    String follower = plan.addons().stream().filter(a -> a.action().contains("follower")).findFirst().orElseThrow().name();
    assertThat(plan.render()).contains(follower + " (heroku-postgresql:standard-0): not migrated: a follower")
        .contains("HEROKU_POSTGRESQL_BLUE (").contains("-> twin-shop-db-blue");
    assertThat(report.addonsNotMigrated()).extracting(MigrationReport.AddonEntry::name).contains(follower);
    assertThat(report.step("verify").orElseThrow().summary()).contains("DATABASE verified (")
        .contains("; HEROKU_POSTGRESQL_BLUE verified (");
  }

  @Test
  void resume_afterTheDownloadOfABackupListedOnTheOwnerAppFailed_downloadsThatBackupAgainFromTheOwner()
      throws Exception {
    TestDatabase db = sourceDatabase();
    FakeApp owner = env.heroku().app("ledger-owner").postgres(db.connection());
    FakeApp app = env.heroku().app("shared-shop").buildpacks("heroku/nodejs")
        .formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start"))
        .attach("DATABASE", owner, "DATABASE");
    Migration migration = migration("shared-shop", heroku.app("shared-shop"));
    MigrationPlan plan = migration.plan();
    env.heroku().expireDownloads(true);
    try {
      assertThatThrownBy(plan::run).isInstanceOf(MigrationException.class).hasMessageContaining("403");
    } finally {
      env.heroku().expireDownloads(false);
    }
    assertThat(java.nio.file.Files.readString(plan.journal())).contains("\"backupApp\" : \"ledger-owner\"");

    MigrationReport report = migration.plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(owner.transfers()).as("one backup, on the owner app: the resume did not capture another").hasSize(1);
    assertThat(app.transfers()).isEmpty();
    assertThat(report.step("capture").orElseThrow().summary()).contains("(listed on ledger-owner)");
    // the restore step downloads the backup while it restores (PARALLEL on the backup path)
    assertThat(report.step("restore").orElseThrow().summary()).contains("backup b001 (listed on ledger-owner) again");
    assertThat(rows(target("shared-shop-db"), "events")).isEqualTo(12);
  }

  // ---------------------------------------------------------------- helpers

  private TestDatabase sourceDatabase() {
    TestDatabase db = PgFixture.local().createDatabase("cut_fence_");
    databases.add(db);
    db.execute("create table events (id bigserial primary key, kind text not null, at timestamptz default now())",
        "insert into events (kind) select 'seed' from generate_series(1, 12)");
    return db;
  }

  /** A Node.js app like the demo's, with a web and a worker process type, on {@code db}. */
  private FakeApp nodeApp(String name, TestDatabase db) {
    return env.heroku().app(name).buildpacks("heroku/nodejs")
        .formation("web", 1, "Standard-1X", "npm start")
        .formation("worker", 1, "Standard-1X", "node worker.js")
        .processTypes(Map.of("web", "npm start", "worker", "node worker.js"))
        .configVar("NODE_ENV", "production")
        .postgres(db.connection());
  }

  private Migration migration(String handle, SourceApp source) {
    return env.migration(source, aptible.app(handle)).dataMover(env.mover());
  }

  /** {@code real} with one method answered by {@code answer} (which may call the real one). */
  private static SourceApp intercept(SourceApp real, String method, Answer answer) {
    return (SourceApp) Proxy.newProxyInstance(SourceApp.class.getClassLoader(), new Class<?>[] {SourceApp.class},
        (proxy, m, args) -> {
          try {
            return m.getName().equals(method) ? answer.answer(m, args) : m.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @FunctionalInterface
  private interface Answer {
    Object answer(java.lang.reflect.Method real, Object[] args) throws Throwable;
  }

  private PgConnection target(String handle) {
    return PgFixture.local().admin().withDatabase(postgresName(handle));
  }

  private String postgresName(String handle) {
    return env.aptible().database(handle).orElseThrow().postgresName().orElseThrow();
  }

  /** Waits until the worker has written: {@code events} holds at least {@code atLeast} rows (12 seeded). */
  private static void awaitRows(TestDatabase db, long atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (rows(db.connection(), "events") < atLeast) {
      assertThat(System.nanoTime()).as("the worker writes within 20 s").isLessThan(deadline);
      Thread.sleep(25);
    }
  }

  private static long rows(PgConnection c, String table) throws SQLException {
    try (Connection conn = PgFixture.open(c); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<String> tables(PgConnection c) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection conn = PgFixture.open(c); Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("select relname from pg_stat_user_tables order by 1")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
