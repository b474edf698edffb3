package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.spi.TargetApp;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.heroku.RecordedCall;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.process.ProcessLeakCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix of issue 8, in process, on the testkit: each fault is injected where it happens
 * for real (the fake Heroku API and storage, the fake aptible CLI, the SSH git server's hook, the
 * tunnel process, the target PostgreSQL). For each: the run fails with an exception naming the step
 * and what to do, the journal resumes at that step, no tunnel or child process is left, no partial
 * download is left; then {@code resume()} completes, verification passes, and every table holds the
 * same rows as the source (count and checksum). One seeded source database for the whole class; each
 * case migrates to its own target app.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultMatrixTest {
  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

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
  }

  @AfterEach
  void clearFaults() {
    env.heroku().clearFaults().expireDownloads(false).cutDownloadsAfter(-1);
    // each case migrates the same Heroku app; a completed one leaves its worker scaled to 0 by the write fence
    env.heroku().app(DemoEnvironment.SOURCE_APP).formation("worker", 1, "Standard-1X", "node worker.js");
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnel processes left running").isEmpty();
  }

  // ------------------------------------------------------------------ inventory (before any journal)

  static Stream<Arguments> persistentInventoryFaults() {
    return Stream.of(
        Arguments.of("429", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/config-vars")
            .rateLimited(Duration.ofSeconds(1)), "429"),
        Arguments.of("500", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/formation")
            .status(500), "500"),
        Arguments.of("timeout", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/addons")
            .delay(Duration.ofSeconds(4)), "timeout"));
  }

  /**
   * A Heroku API fault that outlasts the client's retries fails {@code plan()} at the inventory with
   * a message naming the step, the request and the cause; nothing is written and nothing but GETs
   * reached Heroku. Once the API answers again the same migration plans and runs (the other cases).
   */
  @ParameterizedTest(name = "inventory_heroku{0}_failsNamingTheStepAndWritesNothing")
  @MethodSource("persistentInventoryFaults")
  void inventory_persistentApiFault_failsNamingTheStepAndWritesNothing(String name, Fault fault, String cause) {
    ProcessLeakCheck leaks = ProcessLeakCheck.start();
    String handle = "inv-" + name;
    try (HerokuClient shortTimeouts = shortTimeoutClient()) {
      Migration migration = env.migration(shortTimeouts.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
          .dataMover(env.mover());
      env.heroku().clearRequests().fault(fault);

      MigrationException e = catchThrowableOfType(MigrationException.class, migration::plan);

      assertThat(e).as("plan() with a persistent %s", name).isNotNull();
      assertThat(e.getMessage()).contains("inventory").containsIgnoringCase(cause).contains("plan again");
      assertThat(env.heroku().requests()).extracting(RecordedCall::method).containsOnly("GET");
      assertThat(env.workDirectory(handle)).doesNotExist();
      assertThat(env.aptible().app(handle)).isEmpty();

      env.heroku().clearFaults();
      MigrationPlan plan = migration.plan();

      assertThat(plan.source()).isEqualTo(DemoEnvironment.SOURCE_APP);
      assertThat(plan.resumesAt()).isEmpty();
    }
    leaks.assertNoLeaks();
  }

  static Stream<Arguments> transientInventoryFaults() {
    return Stream.of(
        Arguments.of("429", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/config-vars")
            .rateLimited(Duration.ofSeconds(1)).times(2)),
        Arguments.of("500", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/formation").status(500).times(1)),
        Arguments.of("503", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/domains").status(503).times(1)),
        Arguments.of("timeout", Fault.on("GET", "/apps/" + DemoEnvironment.SOURCE_APP + "/addons")
            .delay(Duration.ofSeconds(4)).times(1)));
  }

  /** A transient Heroku API fault during the inventory is retried; the plan is the same as without it. */
  @ParameterizedTest(name = "inventory_transientHeroku{0}_retriedAndPlanned")
  @MethodSource("transientInventoryFaults")
  void inventory_transientApiFault_retriedAndPlanned(String name, Fault fault) {
    try (HerokuClient shortTimeouts = shortTimeoutClient()) {
      Migration migration = env.migration(shortTimeouts.app(DemoEnvironment.SOURCE_APP), aptible.app("inv-ok-" + name))
          .dataMover(env.mover());
      String expected = migration.plan().render();
      env.heroku().clearRequests().fault(fault);

      MigrationPlan plan = migration.plan();

      assertThat(plan.render()).isEqualTo(expected);
      // the fake logs a request when it has answered: the delayed one shows up once its delay is over
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (env.heroku().requests("GET", fault.path()).size() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(env.heroku().requests("GET", fault.path())).as("the faulted request was retried").hasSizeGreaterThan(1);
    }
  }

  // ------------------------------------------------------------------ faults during a run

  @Test
  void run_maintenanceCallFails_resumeCompletesWithSameRows() throws Exception {
    assertFailsThenResumes("f-maint", MigrationStep.MAINTENANCE_ON, "Maintenance mode cannot be changed",
        () -> env.heroku().fault(Fault.on("PATCH", "/apps/" + DemoEnvironment.SOURCE_APP)
            .status(422, "invalid_params", "Maintenance mode cannot be changed right now").times(1)),
        () -> { }, null);
  }

  @Test
  void run_captureFails_resumeCompletesWithSameRows() throws Exception {
    assertFailsThenResumes("f-capture", MigrationStep.CAPTURE, "pg_dump: connection lost",
        () -> env.heroku().app(DemoEnvironment.SOURCE_APP).failNextBackup("pg_dump: connection lost"), () -> { }, null);
  }

  @Test
  void run_downloadCutOffMidStream_resumeCompletesWithSameRows() throws Exception {
    assertFailsThenResumes("f-cut", MigrationStep.CAPTURE, "download",
        () -> env.heroku().cutDownloadsAfter(20_000), () -> env.heroku().cutDownloadsAfter(-1), null);
  }

  @Test
  void run_downloadUrlExpired403_resumeCompletesWithSameRows() throws Exception {
    assertFailsThenResumes("f-expired", MigrationStep.CAPTURE, "403",
        () -> env.heroku().expireDownloads(true), () -> env.heroku().expireDownloads(false), null);
  }

  /** The tunnel's process is killed after the first table's rows are in: the restore fails; resume restores again. */
  @Test
  void run_tunnelDiesMidRestore_resumeCompletesWithSameRows() throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    MigrationListener killTunnel = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        if (event.step().equals("restore") && "rows".equals(event.unit()) && event.done() > 0 && killed.compareAndSet(false, true)) {
          for (ProcessHandle p : env.aptible().liveTunnelProcesses()) {
            p.destroyForcibly();
            p.onExit().join();
          }
        }
      }
    };
    assertFailsThenResumes("f-tunnel", MigrationStep.RESTORE, "restore", () -> { }, () -> { }, killTunnel);
    assertThat(killed).as("the tunnel was killed during the restore").isTrue();
  }

  /**
   * Once the first table's rows are in, the target refuses every further CREATE INDEX / ALTER TABLE
   * (an event trigger raising an error, as a read-only or quota-exceeded target would): the restore
   * fails naming the statement; with the trigger gone, resume restores again from scratch.
   */
  @Test
  void run_targetRefusesWritesMidRestore_resumeCompletesWithSameRows() throws Exception {
    String handle = "f-refuse";
    AtomicBoolean armed = new AtomicBoolean();
    MigrationListener refuse = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        if (event.step().equals("restore") && "rows".equals(event.unit()) && event.done() > 0 && armed.compareAndSet(false, true)) {
          sql(targetDatabase(handle), "create schema cut_fault",
              "create function cut_fault.refuse() returns event_trigger language plpgsql as "
                  + "$$ begin raise exception 'target refuses writes (disk quota exceeded)'; end $$",
              "create event trigger cut_fault_refuse on ddl_command_end when tag in ('CREATE INDEX', 'ALTER TABLE') "
                  + "execute function cut_fault.refuse()");
        }
      }
    };
    assertFailsThenResumes(handle, MigrationStep.RESTORE, "target refuses writes", () -> { },
        () -> sql(targetDatabase(handle), "drop event trigger cut_fault_refuse", "drop schema cut_fault cascade"), refuse);
    assertThat(armed).as("the target refused writes during the restore").isTrue();
  }

  /**
   * Aptible refuses {@code db:create} ({@code An error occurred: ...}, nothing provisioned). A
   * provision operation that starts and then fails leaves a pending database that must be
   * deprovisioned by hand first (the adapter says so); the fake has no {@code db:deprovision}, see
   * docs/RELIABILITY.md.
   */
  @Test
  void run_aptibleDbCreateFails_resumeCompletesWithSameRows() throws Exception {
    assertFailsThenResumes("f-dbcreate", MigrationStep.CREATE_DATABASE, "Service Unavailable",
        () -> env.aptible().failNext("db:create", FakeAptible.Failure.API, "Service Unavailable"), () -> { }, null);
  }

  /** An image deploy whose {@code aptible deploy} operation fails (a git deploy's failure is the rejected push below). */
  @Test
  void run_aptibleDeployOperationFails_resumeCompletesWithSameRows() throws Exception {
    String image = "registry.example.com/legacy-shop:v42";
    env.aptible().registerImage(image, "web: npm start\nworker: node worker.js\n", List.of("npm run migrate"));
    assertFailsThenResumes("f-deploy", MigrationStep.DEPLOY, "failed", () -> env.aptible().failNext("deploy"), () -> { },
        null, m -> m.deploy(Deploy.dockerImage(image)));
  }

  /** The Aptible git server's pre-receive hook rejects the push: the deploy step fails naming the rejection. */
  @Test
  void run_gitPushRejected_resumeCompletesWithSameRows() throws Exception {
    String handle = "f-push";
    Path hook = env.aptible().bareRepository(DemoEnvironment.ENVIRONMENT, handle).resolve("hooks/pre-receive");
    byte[][] original = new byte[1][];
    MigrationListener reject = new MigrationListener() {
      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        if (event.step().equals("deploy") && original[0] == null) {
          try {
            original[0] = Files.readAllBytes(hook);
            Files.writeString(hook, "#!/bin/sh\necho 'ERROR -- : push rejected: pre-receive hook declined'\nexit 1\n");
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    };
    assertFailsThenResumes(handle, MigrationStep.DEPLOY, "rejected", () -> { }, () -> {
      try {
        Files.write(hook, original[0]);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, reject);
  }

  // ------------------------------------------------------------------ helpers

  private void assertFailsThenResumes(String handle, MigrationStep step, String mentions, Runnable arm, Runnable disarm,
      MigrationListener listener) throws Exception {
    assertFailsThenResumes(handle, step, mentions, arm, disarm, listener, m -> m);
  }

  private void assertFailsThenResumes(String handle, MigrationStep step, String mentions, Runnable arm, Runnable disarm,
      MigrationListener listener, java.util.function.UnaryOperator<Migration> options) throws Exception {
    ProcessLeakCheck leaks = ProcessLeakCheck.start();
    TargetApp target = aptible.app(handle);
    Migration migration = options.apply(env.migration(heroku.app(DemoEnvironment.SOURCE_APP), target).dataMover(env.mover()));
    if (listener != null) {
      migration = migration.listener(listener);
    }
    arm.run();
    MigrationPlan plan = migration.plan();

    MigrationException e = catchThrowableOfType(MigrationException.class, plan::run);

    assertThat(e).as("run() with the fault at " + step).isNotNull();
    assertThat(e.step()).as("the step the exception names").hasValue(step.id());
    assertThat(e.getMessage()).startsWith(step.id()).containsIgnoringCase(mentions).contains("resume");
    assertThat(Migration.readJournal(plan.journal()).resumesAt()).as("journal after the fault").hasValue(step);
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnels after the fault").isEmpty();
    leaks.assertNoLeaks();
    assertThat(partialFiles(plan.workDirectory())).as("partial downloads after the fault").isEmpty();

    disarm.run();
    MigrationReport report = migration.plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.step(step.id()).orElseThrow().attempts()).as("attempts of " + step).isEqualTo(2);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    assertThat(Checksums.of(targetDatabase(handle))).as("rows of every table (count, checksum)")
        .isEqualTo(Checksums.of(env.source().connection()));
    try (Stream<Path> dumps = Files.list(plan.workDirectory().resolve("dumps"))) {
      assertThat(dumps).as("dump deleted after success").isEmpty();
    }
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnels after the resume").isEmpty();
    leaks.assertNoLeaks();
  }

  static List<Path> partialFiles(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".part")
          || f.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  private dev.cutover.core.model.PgConnection targetDatabase(String handle) {
    String db = env.aptible().database(handle + "-db").orElseThrow().postgresName().orElseThrow();
    return PgFixture.local().admin().withDatabase(db);
  }

  private static void sql(dev.cutover.core.model.PgConnection db, String... statements) {
    try (Connection c = PgFixture.open(db); Statement st = c.createStatement()) {
      for (String s : statements) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A client for the fake Heroku whose calls time out after 2 s (the default is minutes). */
  private HerokuClient shortTimeoutClient() {
    return HerokuClient.builder().apiKey(env.heroku().apiKey()).apiUrl(env.heroku().apiUrl())
        .dataApiHost(env.heroku().dataApiHost()).cliCommand(env.herokuCli().command())
        .extraCaCertificate(env.heroku().caCertificatePem()).redactor(env.redactor())
        .httpClient(new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(2)).build()).build();
  }
}
