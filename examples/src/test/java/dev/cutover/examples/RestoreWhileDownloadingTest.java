package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationException;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.process.ProcessLeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PARALLEL on the backup path restores while the backup downloads, with the real adapters on the testkit
 * (the fake Heroku's storage serving the archive slowly, the real {@code heroku} CLI, the fake aptible CLI
 * and its tunnel, the local PostgreSQL): the plan says so, the audit trail shows tables restored before the
 * download ended (counted when the download-finished event was written, not measured in time), and a
 * download that breaks off mid-way stops the restore cleanly, naming the download; resume then downloads
 * the same backup again, continues the restore and verifies the target.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestoreWhileDownloadingTest {
  /** The storage's rate: the seeded archive (about 430 KB) takes seconds to arrive, its tables milliseconds to load. */
  private static final long BYTES_PER_SECOND = 64 * 1024;

  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(2_000);
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
    env.heroku().clearFaults().downloadRate(0).cutDownloadsAfter(-1);
    // each case migrates the same Heroku app; a completed one leaves its worker scaled to 0 by the write fence
    env.heroku().app(DemoEnvironment.SOURCE_APP).formation("worker", 1, "Standard-1X", "node worker.js");
  }

  @Test
  void run_parallelFromABackupServedSlowly_restoreStartsBeforeTheDownloadEnds() throws Exception {
    env.heroku().downloadRate(BYTES_PER_SECOND);
    MigrationPlan plan = migration("ov-slow").plan();

    assertThat(plan.render()).contains("restores while it downloads").contains("while the backup downloads");
    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    List<JsonNode> events = events(plan);
    JsonNode started = only(events, "restore-while-downloading");
    JsonNode finished = only(events, "download-finished");
    assertThat(started.get("seq").asLong()).as("restore started before the download finished")
        .isLessThan(finished.get("seq").asLong());
    assertThat(finished.get("tablesRestoredBefore").asInt()).as("tables restored and journalled while downloading")
        .isPositive();
    assertThat(finished.get("sha256").asText()).isEqualTo(report.dumpSha256().orElseThrow());
    assertThat(Checksums.of(targetDatabase("ov-slow"))).isEqualTo(Checksums.of(env.source().connection()));
  }

  @Test
  void run_downloadBreaksOffMidRestore_stopsCleanlyNamingTheDownloadAndResumeCompletes() throws Exception {
    ProcessLeakCheck leaks = ProcessLeakCheck.start();
    env.heroku().downloadRate(BYTES_PER_SECOND).cutDownloadsAfter(3 * BYTES_PER_SECOND);
    Migration migration = migration("ov-cut");
    MigrationPlan plan = migration.plan();

    MigrationException e = catchThrowableOfType(MigrationException.class, plan::run);

    assertThat(e).isNotNull();
    assertThat(e.step()).hasValue(MigrationStep.RESTORE.id());
    assertThat(e.getMessage()).contains("download of backup").contains("broke off").contains("resume");
    assertThat(Migration.readJournal(plan.journal()).resumesAt()).hasValue(MigrationStep.RESTORE);
    assertThat(Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("cutover-download"))).as("download threads left").isEmpty();
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnels after the fault").isEmpty();
    leaks.assertNoLeaks();
    try (Stream<Path> dumps = Files.list(plan.workDirectory().resolve("dumps"))) {
      assertThat(dumps).as("partial download deleted").isEmpty();
    }

    env.heroku().cutDownloadsAfter(-1).downloadRate(0);
    MigrationReport report = migration.plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.step(MigrationStep.RESTORE.id()).orElseThrow().attempts()).isEqualTo(2);
    assertThat(report.verification()).hasValueSatisfying(v -> assertThat(v.passed()).isTrue());
    List<JsonNode> events = events(plan);
    assertThat(events.stream().filter(n -> n.get("event").asText().equals("restore-while-downloading")))
        .as("the restore started twice, each time on a download").hasSize(2);
    assertThat(only(events, "download-finished").get("backup").asText()).as("the same backup downloaded again")
        .isEqualTo(events.stream().filter(n -> n.get("event").asText().equals("restore-while-downloading"))
            .findFirst().orElseThrow().get("backup").asText());
    assertThat(Checksums.of(targetDatabase("ov-cut"))).isEqualTo(Checksums.of(env.source().connection()));
    assertThat(env.aptible().liveTunnelProcesses()).as("tunnels after the resume").isEmpty();
    leaks.assertNoLeaks();
  }

  private Migration migration(String handle) {
    return env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle)).dataMover(env.mover())
        .restore(RestoreStrategy.PARALLEL);
  }

  private static List<JsonNode> events(MigrationPlan plan) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(plan.journal().resolveSibling("journal.events.jsonl"))) {
      out.add(json.readTree(line));
    }
    return out;
  }

  private static JsonNode only(List<JsonNode> events, String type) {
    List<JsonNode> found = events.stream().filter(n -> n.get("event").asText().equals(type)).toList();
    assertThat(found).as("events " + type).hasSize(1);
    return found.get(0);
  }

  private dev.cutover.core.model.PgConnection targetDatabase(String handle) {
    String db = env.aptible().database(handle + "-db").orElseThrow().postgresName().orElseThrow();
    return PgFixture.local().admin().withDatabase(db);
  }
}
