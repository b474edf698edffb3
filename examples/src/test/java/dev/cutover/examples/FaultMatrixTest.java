package dev.cutover.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
 * tunnel process, the target PostgreSQL). For each: the run (or resume) fails with an exception
 * naming the step and what to do, the journal resumes at that step, no tunnel or child process is
 * left, no partial download is left; once it is cleared, {@code resume()} goes on. The faults of a git
 * deploy meet one migration in turn, as a migration that keeps failing would; the last resume
 * completes, verification passes, and every table holds the same rows as the source (count and
 * checksum). One seeded source database for the whole class.
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

  /** The step that downloads the backup: PARALLEL downloads in the restore step, restoring as the bytes arrive. */
  static final MigrationStep DOWNLOAD = MigrationStep.RESTORE;

  /**
   * One migration meets every fault below, one after the other in step order: each fails the run
   * (then each resume) at its step with a message naming the step, the cause and {@code resume};
   * each is cleared, and the next resume carries on until the last one completes with the source's
   * rows. The faults: Aptible refuses {@code db:create} ({@code An error occurred: ...}, nothing
   * provisioned; a provision operation that starts and then fails leaves a pending database to
   * deprovision by hand, see docs/RELIABILITY.md); Heroku refuses maintenance mode; the backup fails;
   * the download is cut off mid-stream; the signed URL has expired (403); the tunnel's process is
   * killed once the first table's rows are in; the target refuses every further CREATE INDEX / ALTER
   * TABLE (an event trigger raising an error, as a read-only or quota-exceeded target would); the
   * Aptible git server's pre-receive hook rejects the push.
   */
  @Test
  void run_aFaultAtEveryStepInTurn_eachFailsClearlyAndTheLastResumeCompletesWithSameRows() throws Exception {
    String handle = "f-chain";
    AtomicReference<String> stage = new AtomicReference<>("");
    AtomicBoolean tunnelKilled = new AtomicBoolean();
    AtomicBoolean refused = new AtomicBoolean();
    Path hook = env.aptible().bareRepository(DemoEnvironment.ENVIRONMENT, handle).resolve("hooks/pre-receive");
    byte[][] originalHook = new byte[1][];
    MigrationListener faults = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        boolean rowsIn = event.step().equals("restore") && "rows".equals(event.unit()) && event.done() > 0;
        if (rowsIn && stage.get().equals("tunnel") && tunnelKilled.compareAndSet(false, true)) {
          for (ProcessHandle p : env.aptible().liveTunnelProcesses()) {
            p.destroyForcibly();
            p.onExit().join();
          }
        }
        if (rowsIn && stage.get().equals("refuse") && refused.compareAndSet(false, true)) {
          sql(targetDatabase(handle), "create schema cut_fault",
              "create function cut_fault.refuse() returns event_trigger language plpgsql as "
                  + "$$ begin raise exception 'target refuses writes (disk quota exceeded)'; end $$",
              "create event trigger cut_fault_refuse on ddl_command_end when tag in ('CREATE INDEX', 'ALTER TABLE') "
                  + "execute function cut_fault.refuse()");
        }
      }

      @Override
      public void stepStarted(MigrationEvent.StepStarted event) {
        if (event.step().equals("deploy") && stage.get().equals("push") && originalHook[0] == null) {
          originalHook[0] = read(hook);
          write(hook, "#!/bin/sh\necho 'ERROR -- : push rejected: pre-receive hook declined'\nexit 1\n".getBytes(UTF_8));
        }
      }
    };
    List<Stage> chain = List.of(
        new Stage("db:create", MigrationStep.CREATE_DATABASE, "Service Unavailable",
            () -> env.aptible().failNext("db:create", FakeAptible.Failure.API, "Service Unavailable"), () -> { }),
        new Stage("maintenance", MigrationStep.MAINTENANCE_ON, "Maintenance mode cannot be changed",
            () -> env.heroku().fault(Fault.on("PATCH", "/apps/" + DemoEnvironment.SOURCE_APP)
                .status(422, "invalid_params", "Maintenance mode cannot be changed right now").times(1)), () -> { }),
        new Stage("capture", MigrationStep.CAPTURE, "pg_dump: connection lost",
            () -> env.heroku().app(DemoEnvironment.SOURCE_APP).failNextBackup("pg_dump: connection lost"), () -> { }),
        new Stage("cut", DOWNLOAD, "download", () -> env.heroku().cutDownloadsAfter(20_000),
            () -> env.heroku().cutDownloadsAfter(-1)),
        new Stage("expired", DOWNLOAD, "403", () -> env.heroku().expireDownloads(true),
            () -> env.heroku().expireDownloads(false)),
        new Stage("tunnel", MigrationStep.RESTORE, "restore", () -> stage.set("tunnel"), () -> stage.set("")),
        new Stage("refuse", MigrationStep.RESTORE, "target refuses writes", () -> stage.set("refuse"), () -> {
          stage.set("");
          sql(targetDatabase(handle), "drop event trigger cut_fault_refuse", "drop schema cut_fault cascade");
        }),
        new Stage("push", MigrationStep.DEPLOY, "rejected", () -> stage.set("push"), () -> {
          stage.set("");
          write(hook, originalHook[0]);
        }));
    failsAtEachStageThenCompletes(handle, faults, m -> m, chain);

    assertThat(tunnelKilled).as("the tunnel was killed during the restore").isTrue();
    assertThat(refused).as("the target refused writes during the restore").isTrue();
  }

  /** One fault of a chain: armed before its run, cleared once the run has failed at {@code step}. */
  record Stage(String name, MigrationStep step, String mentions, Runnable arm, Runnable disarm) { }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** An image deploy whose {@code aptible deploy} operation fails (a git deploy's failure is the rejected push of the chain above). */
  @Test
  void run_aptibleDeployOperationFails_resumeCompletesWithSameRows() throws Exception {
    String image = "registry.example.com/legacy-shop:v42";
    env.aptible().registerImage(image, "web: npm start\nworker: node worker.js\n", List.of("npm run migrate"));
    failsAtEachStageThenCompletes("f-deploy", null, m -> m.deploy(Deploy.dockerImage(image)),
        List.of(new Stage("deploy", MigrationStep.DEPLOY, "failed", () -> env.aptible().failNext("deploy"), () -> { })));
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Runs the migration to {@code handle} with each stage's fault armed in turn: the first run and
   * then each resume must fail at the stage's step, naming it, the cause and {@code resume}, with
   * the journal resuming there, no tunnel, child process or partial download left; the fault is then
   * cleared. The last resume must complete, verified, with the source's rows, each step attempted
   * once more than it failed.
   */
  private void failsAtEachStageThenCompletes(String handle, MigrationListener listener,
      java.util.function.UnaryOperator<Migration> options, List<Stage> stages) throws Exception {
    ProcessLeakCheck leaks = ProcessLeakCheck.start();
    Migration migration = options.apply(env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
        .dataMover(env.mover()));
    if (listener != null) {
      migration = migration.listener(listener);
    }
    Map<MigrationStep, Integer> failures = new EnumMap<>(MigrationStep.class);
    Path journal = null;
    for (Stage stage : stages) {
      stage.arm().run();
      MigrationPlan plan = migration.plan();
      journal = plan.journal();
      MigrationException e = catchThrowableOfType(MigrationException.class, failures.isEmpty() ? plan::run : plan::resume);

      assertThat(e).as("the run with the fault %s at %s", stage.name(), stage.step()).isNotNull();
      assertThat(e.step()).as("the step the exception names (%s)", stage.name()).hasValue(stage.step().id());
      assertThat(e.getMessage()).startsWith(stage.step().id()).containsIgnoringCase(stage.mentions()).contains("resume");
      assertThat(Migration.readJournal(journal).resumesAt()).as("journal after %s", stage.name()).hasValue(stage.step());
      assertThat(env.aptible().liveTunnelProcesses()).as("tunnels after %s", stage.name()).isEmpty();
      leaks.assertNoLeaks();
      assertThat(partialFiles(plan.workDirectory())).as("partial downloads after %s", stage.name()).isEmpty();
      stage.disarm().run();
      failures.merge(stage.step(), 1, Integer::sum);
    }
    MigrationReport report = migration.plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    failures.forEach((step, n) -> assertThat(report.step(step.id()).orElseThrow().attempts())
        .as("attempts of " + step).isEqualTo(n + 1));
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    assertThat(Checksums.of(targetDatabase(handle))).as("rows of every table (count, checksum)")
        .isEqualTo(Checksums.of(env.source().connection()));
    try (Stream<Path> dumps = Files.list(journal.resolveSibling("dumps"))) {
      assertThat(dumps).as("dump deleted after success").isEmpty();
    }
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnels after the last resume").isEmpty();
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
