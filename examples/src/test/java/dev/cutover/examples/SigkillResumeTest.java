package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.migration.JournalSummary;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.model.PgConnection;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.postgres.PgFixture;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@code cutover} CLI in a child JVM, killed with SIGKILL (no shutdown hook, no finally) at
 * every step boundary and in the middle of the download and of the restore, then continued with
 * {@code cutover resume} in a new JVM, which is killed at the next point, and so on: one migration,
 * fifteen JVMs. After every kill the journal is readable and resumes at or after the step that
 * was interrupted; at the end the migration is complete, verified, every table holds the source's
 * rows (count and checksum), no process any of the killed JVMs started is still running, and no
 * partial download or dump is left.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SigkillResumeTest {
  static final String TARGET = "killed-shop";
  DemoEnvironment env;
  Path work;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(20);
    work = env.workDirectory(TARGET);
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  /** Where a child is killed: after a step is done, or during one once {@code inside} holds. */
  record KillPoint(String name, MigrationStep step, boolean after, BooleanSupplier inside) {
    static KillPoint after(MigrationStep step) {
      return new KillPoint("after " + step.id(), step, true, () -> true);
    }
  }

  @Test
  void sigkill_atEveryStepBoundaryAndMidDownloadAndMidRestore_resumeCompletesWithSameRows() throws Exception {
    List<KillPoint> points = new ArrayList<>();
    for (MigrationStep s : MigrationStep.values()) {
      if (s == MigrationStep.RESTORE) {
        // PARALLEL downloads in the restore step, into the file it restores from
        points.add(new KillPoint("mid-download", s, false, this::partialDownloadExists));
        points.add(new KillPoint("mid-restore", s, false, this::targetHasTables));
      }
      // no kill point in the Redis steps (they run when redis-server is on the PATH; RedisEndToEndTest kills a Redis copy)
      if (s != MigrationStep.INVENTORY && s != MigrationStep.REPORT && s != MigrationStep.REDIS_COPY
          && s != MigrationStep.REDIS_VERIFY) {
        points.add(KillPoint.after(s));
      }
    }
    Set<ProcessHandle> started = new LinkedHashSet<>();
    List<String> log = new ArrayList<>();
    boolean first = true;
    for (KillPoint point : points) {
      if (point.name().equals("mid-download")) {
        env.heroku().fault(Fault.on("GET", "/backups/.*").delay(Duration.ofSeconds(6)).times(1));
      }
      Child child = first ? cutover("migrate", "-a", DemoEnvironment.SOURCE_APP, "-e", DemoEnvironment.ENVIRONMENT,
          "-t", TARGET, "--repo", env.repository().toString(), "--work-dir", work.toString(), "-q", "--yes")
          : cutover("resume", "--journal", work.resolve("journal.json").toString(), "-q");
      first = false;
      String marker = "Step " + point.step().number() + ". " + point.step().id() + (point.after() ? " done" : " started");
      child.awaitLine(marker, Duration.ofMinutes(3));
      waitUntil(point.inside(), Duration.ofSeconds(60), point.name());
      started.addAll(child.descendants());
      child.sigkill();
      log.add(point.name() + ": killed");

      JournalSummary journal = Migration.readJournal(work.resolve("journal.json"));
      // the child may finish the next step (the report takes milliseconds) before the kill lands
      assertThat(journal.resumesAt().map(MigrationStep::ordinal).orElse(MigrationStep.values().length))
          .as("resumes at, after the kill %s (%s)", point.name(), journal.steps())
          .isGreaterThanOrEqualTo(point.after() ? point.step().ordinal() + 1 : point.step().ordinal());
      assertThat(journal.resumesAt().isPresent() || journal.complete()).as("journal consistent").isTrue();
      env.heroku().clearFaults();
    }

    Child last = cutover("resume", "--journal", work.resolve("journal.json").toString(), "-q");
    int code = last.waitFor(Duration.ofMinutes(5));

    assertThat(code).as("final resume; stderr:%n%s", last.stderr()).isZero();
    JournalSummary done = Migration.readJournal(work.resolve("journal.json"));
    assertThat(done.complete()).isTrue();
    assertThat(last.stdout()).contains("COMPLETED");
    // the report counts the attempts: the restore killed midway ran again
    assertThat(Files.readString(work.resolve("report.md"))).containsPattern("\\| restore \\| DONE \\| [2-9] \\|");
    String targetDb = env.aptible().database(TARGET + "-db").orElseThrow().postgresName().orElseThrow();
    assertThat(Checksums.of(PgFixture.local().admin().withDatabase(targetDb))).as("rows after %s", log)
        .isEqualTo(Checksums.of(env.source().connection()));
    assertThat(started.stream().filter(FakeAptible::running).map(h -> h.pid() + " " + h.info().commandLine().orElse("?")))
        .as("processes started by the killed JVMs still running").isEmpty();
    // a stopped tunnel's processes can take a few seconds to exit on a loaded machine; a leaked one never does
    for (int i = 0; i < 30 && !env.aptible().liveTunnelProcesses().isEmpty(); i++) {
      TimeUnit.MILLISECONDS.sleep(500);
    }
    assertThat(env.aptible().liveTunnelProcesses().stream().map(h -> h.pid() + " " + h.info().commandLine().orElse("?")))
        .as("tunnels").isEmpty();
    assertThat(FaultMatrixTest.partialFiles(work)).as("partial downloads").isEmpty();
    try (Stream<Path> dumps = Files.list(work.resolve("dumps"))) {
      assertThat(dumps).as("dumps after success").isEmpty();
    }
  }

  /**
   * {@code cutover migrate --restore DIRECT} killed with SIGKILL in the middle of the copy, once some tables
   * are journalled as finished; {@code cutover resume} completes: the tables the killed JVM finished are kept
   * as they are (the very row versions it wrote, their {@code xmin}, are still there: not copied again), each
   * table is journalled once, the audit trail says what was kept, and the target holds the source's rows.
   */
  @Test
  void sigkill_midDirectCopy_resumeKeepsTheFinishedTablesAndCompletes() throws Exception {
    try (DemoEnvironment big = DemoEnvironment.start(50_000)) {
      String target = "killed-direct";
      Path dwork = big.workDirectory(target);
      Path journal = dwork.resolve("journal.json");
      Child child = cutover(big, "migrate", "-a", DemoEnvironment.SOURCE_APP, "-e", DemoEnvironment.ENVIRONMENT,
          "-t", target, "--repo", big.repository().toString(), "--work-dir", dwork.toString(), "--restore", "DIRECT",
          "-q", "--yes");
      child.awaitLine("Step 9. restore started", Duration.ofMinutes(3));
      waitUntil(() -> !finishedTables(journal).isEmpty(), Duration.ofSeconds(120), "a table copied");
      Set<ProcessHandle> started = new LinkedHashSet<>(child.descendants());
      child.sigkill();

      List<String> kept = finishedTables(journal);
      assertThat(Migration.readJournal(journal).steps()).as("killed mid-copy").containsEntry("restore",
          dev.cutover.core.report.StepStatus.RUNNING);
      assertThat(kept).as("some tables finished, not all").isNotEmpty().hasSizeLessThan(tableDataEntries(big));
      String targetDb = big.aptible().database(target + "-db").orElseThrow().postgresName().orElseThrow();
      PgConnection targetConn = PgFixture.local().admin().withDatabase(targetDb);
      java.util.Map<String, String> versions = new java.util.LinkedHashMap<>();
      for (String table : kept) {
        versions.put(table, rowVersions(targetConn, table));
      }

      Child last = cutover(big, "resume", "--journal", journal.toString(), "-q");
      int code = last.waitFor(Duration.ofMinutes(5));

      assertThat(code).as("resume; stderr:%n%s", last.stderr()).isZero();
      assertThat(Migration.readJournal(journal).complete()).isTrue();
      for (String table : kept) {
        assertThat(rowVersions(targetConn, table)).as("%s kept, not copied again", table).isEqualTo(versions.get(table));
      }
      List<String> all = finishedTables(journal);
      assertThat(all).as("each table journalled once").doesNotHaveDuplicates().containsAll(kept);
      assertThat(Files.readString(journal.resolveSibling("journal.events.jsonl"))).as("the audit trail")
          .contains("\"copy-resumed\"");
      assertThat(Files.readString(dwork.resolve("report.md"))).contains("were kept, not copied again");
      assertThat(Checksums.of(targetConn)).isEqualTo(Checksums.of(big.source().connection()));
      assertThat(started.stream().filter(FakeAptible::running).map(h -> h.pid() + " " + h.info().commandLine().orElse("?")))
          .as("processes started by the killed JVM still running").isEmpty();
    }
  }

  /** The {@code TABLE DATA} items the journal records as copied, in order. */
  private static List<String> finishedTables(Path journal) {
    try {
      if (!Files.exists(journal)) {
        return List.of();
      }
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"item\" : \"TABLE DATA ([^\"]+)\"")
          .matcher(Files.readString(journal));
      List<String> out = new ArrayList<>();
      while (m.find()) {
        out.add(m.group(1));
      }
      return out;
    } catch (IOException e) {
      return List.of();
    }
  }

  /** How many tables of the source hold data to copy. */
  private static int tableDataEntries(DemoEnvironment e) throws SQLException {
    try (Connection c = PgFixture.open(e.source().connection()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            + " where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')"
            + " and n.nspname not like 'pg_toast%'")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The transaction ids that wrote {@code table}'s rows, with how many each: a re-copy writes new ones. */
  private static String rowVersions(PgConnection db, String table) throws SQLException {
    try (Connection c = PgFixture.open(db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select string_agg(x || ':' || n, ',' order by x) from (select xmin::text x,"
            + " count(*) n from " + table + " group by 1) v")) {
      rs.next();
      return String.valueOf(rs.getString(1));
    }
  }

  private boolean partialDownloadExists() {
    try (Stream<Path> files = Files.list(work.resolve("dumps"))) {
      return files.anyMatch(Files::isRegularFile);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean targetHasTables() {
    return env.aptible().database(TARGET + "-db").flatMap(FakeAptible.Database::postgresName).map(db -> {
      try (Connection c = PgFixture.open(PgFixture.local().admin().withDatabase(db)); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("select count(*) from pg_tables where schemaname = 'public'")) {
        rs.next();
        return rs.getLong(1) > 0;
      } catch (SQLException e) {
        return false;
      }
    }).orElse(false);
  }

  private static void waitUntil(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never reached the kill point " + what);
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  private Child cutover(String... args) throws IOException {
    return cutover(env, args);
  }

  private static Child cutover(DemoEnvironment env, String... args) throws IOException {
    List<String> heroku = env.herokuCli().command();
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.logFile=System.err",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", CutoverCli.class.getName()));
    argv.addAll(List.of(args));
    argv.addAll(List.of("--heroku-api-url", env.heroku().apiUrl(), "--heroku-data-host", env.heroku().dataApiHost(),
        "--heroku-ca-file", env.heroku().caCertificatePem().toString(), "--heroku-cli", heroku.get(heroku.size() - 1),
        "--aptible-cli", env.aptible().cliCommand().get(0), "--aptible-git-remote", env.gitServer().remoteTemplate(),
        "--ssh-key", env.gitServer().clientKey().toString(), "--ssh-known-hosts", env.gitServer().knownHosts().toString(),
        "--tunnel-sslmode", "prefer"));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_"));
    pb.environment().put("HEROKU_API_KEY", env.heroku().apiKey().reveal());
    pb.environment().put("APTIBLE_ACCESS_TOKEN", env.aptible().token().reveal());
    pb.environment().putAll(env.aptible().cliEnvironment());
    return new Child(pb.start());
  }

  /** A child JVM whose stderr is read line by line. */
  static final class Child {
    private final Process process;
    private final List<String> err = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StringBuilder out = new StringBuilder();
    private final Thread errReader;
    private final Thread outReader;

    Child(Process process) {
      this.process = process;
      errReader = daemon(() -> pump(process.getErrorStream(), err::add));
      outReader = daemon(() -> pump(process.getInputStream(), l -> {
        synchronized (out) {
          out.append(l).append('\n');
        }
      }));
    }

    private static Thread daemon(Runnable r) {
      Thread t = new Thread(r, "cutover-child-output");
      t.setDaemon(true);
      t.start();
      return t;
    }

    private static void pump(java.io.InputStream in, java.util.function.Consumer<String> sink) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // the child was killed: its pipes close
      }
    }

    void awaitLine(String fragment, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (err.stream().noneMatch(l -> l.contains(fragment))) {
        if (!process.isAlive() && err.stream().noneMatch(l -> l.contains(fragment))) {
          TimeUnit.MILLISECONDS.sleep(200);
          throw new AssertionError("the child exited (" + process.exitValue() + ") before '" + fragment + "':\n" + stderr());
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no '" + fragment + "' within " + timeout + ":\n" + stderr());
        }
        TimeUnit.MILLISECONDS.sleep(10);
      }
    }

    List<ProcessHandle> descendants() {
      return process.descendants().toList();
    }

    long pid() {
      return process.pid();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** SIGKILL ({@link Process#destroyForcibly()} on Linux), then waits for it to be gone. */
    void sigkill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
    }

    int waitFor(Duration timeout) throws InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("did not finish within " + timeout + ":\n" + stderr());
      }
      errReader.join(5000);
      outReader.join(5000);
      return process.exitValue();
    }

    String stderr() {
      return String.join("\n", err);
    }

    String stdout() {
      synchronized (out) {
        return out.toString();
      }
    }
  }
}
