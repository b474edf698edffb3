package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.aptible.AptibleRepoPreparation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.MigrationException;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.migration.VerificationFailedException;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TrickyDatabase;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The whole pipeline with the real adapters on the testkit: the real heroku CLI, fake aptible CLI, real PostgreSQL, SSH git. */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndTest {
  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(500);
    heroku = env.herokuClient();
    aptible = env.aptibleClient();
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @AfterEach
  void noTunnelLeft() {
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnel processes left running").isEmpty();
    // a completed migration leaves the source's worker scaled to 0 by the write fence; the next test
    // migrates the same Heroku app again, as it was
    env.heroku().app(DemoEnvironment.SOURCE_APP).formation("worker", 1, "Standard-1X", "node worker.js");
  }

  /** The happy path through {@link NodePostgresMigration}, the guide's example (restored with pg_restore). */
  @Test
  void migrate_happyPath_movesDataConfigCodeServicesAndEndpoints() throws Exception {
    // A database-level setting no dump carries and nothing could derive: it must come from the source.
    try (Connection c = PgFixture.open(env.source().connection()); Statement st = c.createStatement()) {
      st.execute("ALTER DATABASE \"" + env.source().connection().database() + "\" SET statement_timeout = '42s'");
    }
    MigrationReport report = NodePostgresMigration.migrate(heroku, aptible, DemoEnvironment.SOURCE_APP,
        DemoEnvironment.TARGET_APP, env.repository(), dev.cutover.core.MigrationListener.NONE);
    java.nio.file.Path work = env.repository().resolveSibling("legacy-shop-cutover");
    int sourceMajor = heroku.app(DemoEnvironment.SOURCE_APP).inventory().primaryDatabase().orElseThrow().majorVersion();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.steps()).filteredOn(s -> env.hasRedis() || !s.step().startsWith("redis-")) // no Redis: skipped
        .extracting(MigrationReport.StepOutcome::status).containsOnly(StepStatus.DONE);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    assertSameRows(DemoEnvironment.TARGET_APP);

    FakeAptible.App app = env.aptible().app(DemoEnvironment.TARGET_APP).orElseThrow();
    FakeAptible.Database db = env.aptible().database(DemoEnvironment.TARGET_APP + "-db").orElseThrow();
    assertThat(db.version()).isEqualTo(Integer.toString(sourceMajor));
    assertThat(report.toolVersions()).containsEntry("restore strategy", "PG_RESTORE");
    assertThat(app.config()).containsKeys("NODE_ENV", "SESSION_SECRET", "STRIPE_API_KEY", "REDIS_URL", "DATABASE_URL")
        .containsEntry("PORT", "3000").doesNotContainKeys("HEROKU_SLUG_COMMIT", "HEROKU_RELEASE_VERSION");
    assertThat(app.config().get("DATABASE_URL")).contains(db.postgresName().orElseThrow())
        .isNotEqualTo(env.heroku().app(DemoEnvironment.SOURCE_APP).configVars().get("DATABASE_URL"));
    assertThat(app.config().get("STRIPE_API_KEY")).isEqualTo("sk_test_demo_51HxYz");
    assertThat(databaseSettings(db.postgresName().orElseThrow())).as("ALTER DATABASE settings carried from the source")
        .contains("statement_timeout=42s");

    String head;
    try (Git git = Git.open(env.repository().toFile())) {
      head = git.getRepository().resolve("refs/heads/main").name();
    }
    try (Git bare = Git.open(env.aptible().bareRepository(DemoEnvironment.ENVIRONMENT, DemoEnvironment.TARGET_APP).toFile())) {
      assertThat(bare.getRepository().resolve("refs/heads/master").name()).as("the commit deployed").isEqualTo(head);
    }
    assertThat(app.beforeDeploy()).containsExactly("npm run migrate");
    assertThat(app.services()).extracting(FakeAptible.Service::name, FakeAptible.Service::containerCount,
        FakeAptible.Service::containerSizeMb).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("web", 2, 1024), org.assertj.core.groups.Tuple.tuple("worker", 1, 512));
    assertThat(env.aptible().endpoints()).filteredOn(e -> e.app().equals(DemoEnvironment.TARGET_APP))
        .singleElement().satisfies(e -> {
          assertThat(e.service()).isEqualTo("web");
          assertThat(e.managedTlsDomain()).hasValue(DemoEnvironment.DOMAIN);
          assertThat(report.dnsRecords()).containsExactly(
              new MigrationReport.DnsRecord(DemoEnvironment.DOMAIN, "CNAME", e.hostname()));
        });
    assertThat(env.heroku().app(DemoEnvironment.SOURCE_APP).maintenance()).isTrue();
    String markdown = Files.readString(work.resolve("report.md"));
    assertThat(markdown).contains("COMPLETED").contains("Heroku Scheduler")
        .contains("Evidence: content digests against the live source. Every table's rows were digested")
        .contains("**content verified**")
        .contains("| table | kind | rows source | rows target | digest match | time |")
        .contains("| public.users | table | 500 | 500 | yes |");
    assertThat(report.summary()).startsWith("Migrated and verified (content digests against the live source).");
    assertThat(report.verification().orElseThrow().tables()).extracting(VerificationReport.TableCheck::name)
        .containsAll(TrickyDatabase.tables());
    assertThat(report.verification().orElseThrow().tables())
        .allSatisfy(t -> assertThat(t.digest()).as(t.name()).isNotEqualTo(VerificationReport.Digest.MISMATCH))
        .filteredOn(t -> t.kind().contains("table")).allSatisfy(t -> assertThat(t.digest()).as(t.name())
            .isEqualTo(VerificationReport.Digest.MATCH));
    JsonNode verification = new ObjectMapper().readTree(work.resolve("report.json").toFile()).get("verification");
    assertThat(verification.get("evidence").asText()).isEqualTo("LIVE_SOURCE");
    assertThat(verification.get("contentVerified").asBoolean()).isTrue();
    assertThat(verification.get("tables").findValuesAsText("table")).containsAll(TrickyDatabase.tables());
    assertThat(verification.get("tables")).allSatisfy(t -> assertThat(t.fieldNames()).toIterable()
        .contains("table", "kind", "rowsSource", "rowsTarget", "digest", "digestMatch", "timeMillis"));
    assertThat(verification.get("mismatches")).isEmpty();
    try (var dumps = Files.list(work.resolve("dumps"))) {
      assertThat(dumps).as("dump deleted after success").isEmpty();
    }
  }

  /**
   * The pipeline with {@link RestoreStrategy#DIRECT}: no backup is captured or downloaded (the plan says why),
   * the restore copies the live source (read through its Heroku URL) straight into the Aptible database through
   * the tunnel, journalled table by table, and the verification passes as for the backup strategies.
   */
  @Test
  void migrate_direct_copiesFromTheLiveSourceWithoutABackupAndVerifies() throws Exception {
    String handle = "direct-app";
    MigrationPlan plan = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
        .dataMover(env.mover()).restore(RestoreStrategy.DIRECT).plan();

    assertThat(plan.dataMoves(dev.cutover.core.migration.PostgresMove.class)).singleElement()
        .satisfies(m -> assertThat(m.strategy()).isEqualTo(RestoreStrategy.DIRECT));
    assertThat(plan.steps()).filteredOn(s -> s.step() == MigrationStep.CAPTURE).singleElement()
        .satisfies(s -> assertThat(s.willRun()).isFalse());
    int capturesBefore = env.heroku().requests("POST", ".*/backups").size();

    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.step("capture").orElseThrow().status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(report.step("restore").orElseThrow().summary()).contains("copied with DIRECT from the live source");
    assertThat(report.verification()).hasValueSatisfying(v -> {
      assertThat(v.passed()).isTrue();
      assertThat(v.against()).contains("live source");
    });
    assertSameRows(handle);
    assertThat(env.heroku().requests("POST", ".*/backups")).as("no backup captured").hasSize(capturesBefore);
    assertThat(Files.readString(plan.journal())).as("the copy journalled per table")
        .contains("\"TABLE DATA public.users\"");
    assertThat(Files.readString(plan.workDirectory().resolve("report.md")))
        .contains("Evidence: content digests against the live source").contains("| public.users | table | 500 | 500 | yes |");
  }

  /**
   * {@link MigrationPlan#rehearse()} on the real adapters: the data copied with DIRECT into a scratch Aptible
   * database while the Heroku app stays live (no maintenance change, no scaling, no backup), verified, the phases
   * timed; the next plan shows the estimate. The migration itself is not started (no journal).
   */
  @Test
  void rehearse_direct_movesIntoAScratchDatabaseWithHerokuLiveAndThePlanShowsTheEstimate() throws Exception {
    String handle = "rehearsed-app";
    Migration migration = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
        .dataMover(env.mover()).restore(RestoreStrategy.DIRECT);
    MigrationPlan plan = migration.plan();
    int changesBefore = env.heroku().requests("PATCH", ".*").size() + env.heroku().requests("POST", ".*").size();

    dev.cutover.core.migration.RehearsalReport report = plan.rehearse();

    assertThat(env.heroku().requests("PATCH", ".*").size() + env.heroku().requests("POST", ".*").size())
        .as("nothing changed on Heroku (maintenance, formation, backups)").isEqualTo(changesBefore);
    assertThat(Files.exists(plan.journal())).as("the migration was not started").isFalse();
    assertThat(report.moves()).singleElement().satisfies(m -> {
      assertThat(m.scratchDatabase()).isEqualTo(handle + "-db-rehearsal");
      assertThat(m.verified()).as(m.verification()).isTrue();
      assertThat(m.phases()).extracting(dev.cutover.core.migration.RehearsalReport.Phase::name)
          .containsExactly("create-database", "tunnel", "copy", "verify");
      assertThat(m.rows()).isPositive();
    });
    assertThat(report.estimatedDowntime()).isPositive();
    String scratchDb = env.aptible().database(handle + "-db-rehearsal").orElseThrow().postgresName().orElseThrow();
    assertThat(counts(PgFixture.local().admin().withDatabase(scratchDb))).isEqualTo(counts(env.source().connection()));
    assertThat(env.aptible().liveTunnelProcesses()).as("the rehearsal's tunnel closed").isEmpty();
    assertThat(migration.plan().render()).contains("Rehearsal of " + report.at()).contains("estimated downtime");
  }

  /**
   * The target is changed after the restore (one e-mail address of one user, as a faulty restore or
   * a stray writer would): verification against the live source fails the gate naming the table, no
   * cutover step runs, and the report's verification table shows which table's digest differs.
   */
  @Test
  void verify_targetChangedAfterTheRestore_failsTheGateNamingTheTable() throws Exception {
    String handle = "mutated-app";
    DatabaseMover real = env.mover();
    DatabaseMover mutating = (DatabaseMover) java.lang.reflect.Proxy.newProxyInstance(DatabaseMover.class.getClassLoader(),
        new Class<?>[] {DatabaseMover.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("restore") || method.getName().equals("restoreWhileDownloading")) {
            String db = env.aptible().database(handle + "-db").orElseThrow().postgresName().orElseThrow();
            try (Connection c = PgFixture.open(PgFixture.local().admin().withDatabase(db)); Statement st = c.createStatement()) {
              assertThat(st.executeUpdate("update public.users set email = email || '.changed'"
                  + " where id = (select min(id) from public.users)")).isEqualTo(1);
            }
          }
          return result;
        });
    MigrationPlan plan = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle)).dataMover(mutating)
        .workDirectory(env.directory().resolve("mutated-root").resolve("work-" + handle)).plan();

    assertThatThrownBy(plan::run).isInstanceOf(VerificationFailedException.class)
        .hasMessageContaining("verify: the target does not match the source").hasMessageContaining("public.users");

    assertThat(env.aptible().app(handle).orElseThrow().config()).as("configure did not run").doesNotContainKey("DATABASE_URL");
    assertThat(env.aptible().app(handle).orElseThrow().services()).as("nothing deployed or scaled").isEmpty();
    assertThat(Files.readString(plan.workDirectory().resolve("report.md"))).contains("FAILED")
        .contains("| public.users | table | 500 | 500 | **NO** |").contains("| public.invoices | table | 250 | 250 | yes |")
        .containsPattern("content `public\\.users`[^\\n]*expected");
    JsonNode verification = new ObjectMapper().readTree(plan.workDirectory().resolve("report.json").toFile())
        .get("verification");
    assertThat(verification.get("contentVerified").asBoolean()).isFalse();
    assertThat(verification.get("tables")).filteredOn(t -> t.get("table").asText().equals("public.users")).singleElement()
        .satisfies(t -> assertThat(t.get("digestMatch").asBoolean()).isFalse());
    assertThat(verification.get("tables")).filteredOn(t -> t.get("table").asText().equals("public.invoices")).singleElement()
        .satisfies(t -> assertThat(t.get("digestMatch").asBoolean()).isTrue());
    assertThat(verification.get("mismatches").findValuesAsText("name")).contains("public.users");
    plan.rollback();
    assertThat(env.heroku().app(DemoEnvironment.SOURCE_APP).maintenance()).isFalse();
  }

  /**
   * One migration that fails once at every step from preflight to scale, each failure injected where
   * it happens for real where the fakes allow it (the aptible CLI, the Heroku API, a failed backup)
   * and by wrapping the real adapter otherwise. Each resume continues at exactly the failed step; the
   * deploy failure is rolled back first (maintenance off, the report says so), and the resume after
   * the rollback captures and restores again. At the end the data verifies with no duplicated rows.
   */
  @Test
  void resume_afterAFailureAtEachStep_completesWithVerifiedDataAndRollbackInBetween() throws Exception {
    String handle = "chain-app";
    Injector inject = new Injector();
    SourceApp source = inject.wrap(SourceApp.class, heroku.app(DemoEnvironment.SOURCE_APP));
    TargetApp target = inject.wrap(TargetApp.class, aptible.app(handle));
    DatabaseMover mover = inject.wrap(DatabaseMover.class, env.mover());
    RepoPreparation preparation = inject.wrap(RepoPreparation.class, new AptibleRepoPreparation());
    // Its own work root: the other tests migrate the same Heroku app to other targets and complete, and a
    // completed migration's marker (rightly) refuses rolling back any other migration of that app beside it.
    Migration migration = env.migration(source, target).dataMover(mover).repoPreparation(preparation)
        .workDirectory(env.directory().resolve("chain-root").resolve("work-" + handle));
    FakeAptible fake = env.aptible();

    Map<MigrationStep, Runnable> failures = new LinkedHashMap<>();
    failures.put(MigrationStep.PREFLIGHT, () -> inject.failBefore("checkCanRestore"));
    failures.put(MigrationStep.PREPARE_REPO, () -> inject.failBefore("apply"));
    failures.put(MigrationStep.CREATE_APP, () -> fake.failNext("apps:create", FakeAptible.Failure.API, "Service Unavailable"));
    failures.put(MigrationStep.CREATE_DATABASE, () -> fake.failNext("db:create", FakeAptible.Failure.API, "Service Unavailable"));
    failures.put(MigrationStep.MAINTENANCE_ON, () -> env.heroku().fault(Fault.on("PATCH", "/apps/" + DemoEnvironment.SOURCE_APP)
        .status(422, "invalid_params", "Maintenance mode cannot be changed right now").times(1)));
    failures.put(MigrationStep.CAPTURE, () -> env.heroku().app(DemoEnvironment.SOURCE_APP).failNextBackup("pg_dump: connection lost"));
    failures.put(MigrationStep.TUNNEL, () -> fake.failNext("db:tunnel", FakeAptible.Failure.API, "Service Unavailable"));
    failures.put(MigrationStep.RESTORE, () -> inject.failAfter("restoreWhileDownloading"));
    failures.put(MigrationStep.VERIFY, () -> inject.failBefore("verify"));
    failures.put(MigrationStep.CONFIGURE, () -> fake.failNext("config:set"));
    failures.put(MigrationStep.DEPLOY, () -> inject.failBefore("deploy"));
    failures.put(MigrationStep.SCALE, () -> fake.failNext("apps:scale"));

    boolean first = true;
    for (Map.Entry<MigrationStep, Runnable> f : failures.entrySet()) {
      f.getValue().run();
      MigrationPlan plan = migration.plan();
      assertThatThrownBy(first ? plan::run : plan::resume).as("failure at " + f.getKey()).isInstanceOf(MigrationException.class);
      first = false;
      assertThat(Migration.readJournal(plan.journal()).resumesAt()).as("journal after the failure at " + f.getKey())
          .hasValue(f.getKey());
      assertThat(fake.liveTunnelProcesses()).as("tunnels after the failure at " + f.getKey()).isEmpty();
      if (f.getKey() == MigrationStep.DEPLOY) {
        MigrationReport rolledBack = plan.rollback();
        assertThat(env.heroku().app(DemoEnvironment.SOURCE_APP).maintenance()).isFalse();
        assertThat(rolledBack.outcome()).isEqualTo(MigrationReport.Outcome.ROLLED_BACK);
        assertThat(rolledBack.sourceInMaintenance()).isFalse();
        assertThat(rolledBack.targetResources()).contains("app " + DemoEnvironment.ENVIRONMENT + "/" + handle,
            "database " + handle + "-db (postgresql " + plan.database().orElseThrow().version() + ")");
        assertThat(Files.readString(plan.workDirectory().resolve("report.md"))).contains("ROLLED_BACK")
            .contains("Source in maintenance: no").contains(DemoEnvironment.SOURCE_APP + " is primary again");
      }
    }

    MigrationReport report = migration.plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    assertSameRows(handle);
    assertThat(env.heroku().app(DemoEnvironment.SOURCE_APP).maintenance()).isTrue();
    Consumer<String> once = step -> assertThat(report.step(step).orElseThrow().attempts()).as(step).isEqualTo(2);
    List.of("preflight", "prepare-repo", "create-app", "create-database").forEach(once);
    assertThat(report.step("restore").orElseThrow().attempts()).as("restore: failed, redone after the rollback").isEqualTo(3);
    assertThat(fake.app(handle).orElseThrow().services()).extracting(FakeAptible.Service::name)
        .containsExactlyInAnyOrder("web", "worker");
    // the whole history: one failed attempt per injected fault, the rollback, the last resume; two
    // downtime windows (the first closed by the rollback, the second by the deploy)
    assertThat(report.attempts()).hasSize(failures.size() + 2);
    assertThat(report.attempts()).extracting(MigrationReport.Attempt::outcome).containsOnly("FAILED", "ROLLED_BACK", "COMPLETED");
    assertThat(report.failures()).extracting(MigrationReport.Failure::step)
        .containsExactlyElementsOf(failures.keySet().stream().map(MigrationStep::id).toList());
    assertThat(report.rollbacks()).singleElement().satisfies(r -> assertThat(r.undone()).containsExactly(
        "formation of " + DemoEnvironment.SOURCE_APP + " restored (worker=1)",
        "maintenance off on " + DemoEnvironment.SOURCE_APP + ": it serves and takes writes again"));
    assertThat(report.downtimeWindows()).extracting(MigrationReport.DowntimeWindow::endedBy)
        .containsExactly("maintenance off (rollback)", "deployed on the target");
    assertThat(report.deployedRevision()).isPresent();
    assertThat(Migration.audit(migration.plan().journal()).intact()).isTrue();
  }

  /** Row counts of every seeded table: the source database and the target app's database hold the same. */
  private void assertSameRows(String targetApp) throws SQLException {
    TrickyDatabase source = env.source();
    String targetDb = env.aptible().database(targetApp + "-db").orElseThrow().postgresName().orElseThrow();
    PgConnection target = PgFixture.local().admin().withDatabase(targetDb);
    assertThat(counts(target)).isEqualTo(counts(source.connection()));
  }

  private static List<String> databaseSettings(String database) throws SQLException {
    List<String> out = new java.util.ArrayList<>();
    try (Connection conn = PgFixture.open(PgFixture.local().admin());
        java.sql.PreparedStatement st = conn.prepareStatement("select unnest(s.setconfig) from pg_db_role_setting s"
            + " join pg_database d on d.oid = s.setdatabase where d.datname = ? and s.setrole = 0")) {
      st.setString(1, database);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  private static Map<String, Long> counts(PgConnection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection conn = PgFixture.open(c); Statement st = conn.createStatement()) {
      for (String table : TrickyDatabase.tables()) {
        try (ResultSet rs = st.executeQuery("select count(*) from " + table)) {
          rs.next();
          out.put(table, rs.getLong(1));
        }
      }
    }
    return out;
  }
}
