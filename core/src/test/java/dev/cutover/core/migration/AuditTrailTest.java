package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.report.MigrationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The append-only, hash-chained event log beside the journal, and the history the report builds from it. */
class AuditTrailTest {
  @TempDir
  Path dir;

  @Test
  void audit_afterARun_isIntactAndEveryLineChainsToTheOneBefore() throws Exception {
    Fixture f = new Fixture(dir);
    f.migration().plan().run();

    AuditResult result = Migration.audit(f.journal());

    assertThat(result.intact()).as(result.toString()).isTrue();
    List<String> lines = Files.readAllLines(EventLog.fileFor(f.journal()));
    assertThat(result.lines()).isEqualTo(lines.size()).isGreaterThan(20);
    assertThat(lines.get(0)).contains("\"seq\":1").contains("\"event\":\"attempt-started\"")
        .contains("\"prev\":\"" + EventLog.GENESIS + "\"");
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i)).contains("\"prev\":\"" + EventLog.sha256(lines.get(i - 1)) + "\"");
    }
  }

  @Test
  void audit_oneLineEdited_reportsThatLine() throws Exception {
    Path journal = migrated();
    Path log = EventLog.fileFor(journal);
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    int edited = indexOf(lines, "\"event\":\"step-failed\"");
    lines.set(edited, lines.get(edited).replace("injected failure", "nothing to see here"));
    Files.write(log, lines);

    AuditResult result = Migration.audit(journal);

    assertThat(result.intact()).isFalse();
    assertThat(result.firstBrokenLine()).hasValue(edited + 1);
    assertThat(result.problem()).contains("was changed");
  }

  @Test
  void audit_lineDeleted_reportsWhereTheGapIs() throws Exception {
    Path journal = migrated();
    Path log = EventLog.fileFor(journal);
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    int deleted = indexOf(lines, "\"event\":\"maintenance-on\"");
    lines.remove(deleted);
    Files.write(log, lines);

    AuditResult result = Migration.audit(journal);

    assertThat(result.firstBrokenLine()).hasValue(deleted + 1);
    assertThat(result.problem()).contains("deleted or inserted");
  }

  @Test
  void audit_lastLinesRemovedOrLastLineEdited_caughtByTheJournalsRecord() throws Exception {
    Path journal = migrated();
    Path log = EventLog.fileFor(journal);
    List<String> lines = new ArrayList<>(Files.readAllLines(log));

    Files.write(log, lines.subList(0, lines.size() - 2));
    assertThat(Migration.audit(journal).firstBrokenLine()).hasValue(lines.size() - 1);
    assertThat(Migration.audit(journal).problem()).contains("removed from the end");

    List<String> edited = new ArrayList<>(lines);
    edited.set(lines.size() - 1, lines.get(lines.size() - 1).replace("COMPLETED", "FAILED"));
    Files.write(log, edited);
    assertThat(Migration.audit(journal).firstBrokenLine()).hasValue(lines.size());
  }

  @Test
  void audit_withoutEventLog_isRejected() throws Exception {
    Path journal = migrated();
    Files.delete(EventLog.fileFor(journal));

    assertThatThrownBy(() -> Migration.audit(journal)).isInstanceOf(dev.cutover.core.ValidationException.class)
        .hasMessageContaining("no event log");
  }

  @Test
  void resume_afterALineTornByAKill_cutsItLogsTheRepairAndStaysIntact() throws Exception {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isNotNull();
    Files.writeString(EventLog.fileFor(f.journal()), "{\"seq\":999,\"at\":\"2026-", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    f.migration().plan().resume();

    assertThat(Migration.audit(f.journal()).intact()).isTrue();
    assertThat(EventLog.read(EventLog.fileFor(f.journal()))).anySatisfy(e -> {
      assertThat(e.type()).isEqualTo("log-repaired");
      assertThat(e.fields().path("removedBytes").asInt()).isEqualTo(22);
    });
  }

  /**
   * Fail, resume (fails again), roll back, migrate again: the report shows every attempt with who
   * ran it, both downtime windows with their start and end, both failures and the rollback.
   */
  @Test
  void report_failResumeRollbackMigrate_showsTheWholeHistory() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("captureBackup", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).hasMessageContaining("capture");
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().plan().resume()).hasMessageContaining("deploy");
    f.migration().plan().rollback();

    MigrationReport report = f.migration().plan().run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.attempts()).extracting(MigrationReport.Attempt::number, MigrationReport.Attempt::command,
        MigrationReport.Attempt::outcome).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, "run", "FAILED"), org.assertj.core.groups.Tuple.tuple(2, "resume", "FAILED"),
        org.assertj.core.groups.Tuple.tuple(3, "rollback", "ROLLED_BACK"), org.assertj.core.groups.Tuple.tuple(4, "run", "COMPLETED"));
    assertThat(report.attempts()).allSatisfy(a -> {
      assertThat(a.operator()).isEqualTo(MigrationLock.userName() + "@" + MigrationLock.hostName());
      assertThat(a.endedAt()).isPresent();
    });
    assertThat(report.downtimeWindows()).hasSize(2);
    MigrationReport.DowntimeWindow first = report.downtimeWindows().get(0);
    MigrationReport.DowntimeWindow second = report.downtimeWindows().get(1);
    assertThat(first.endedBy()).contains("maintenance off");
    assertThat(second.endedBy()).contains("deployed");
    assertThat(first.end().orElseThrow()).isBefore(second.start());
    assertThat(report.downtimeStart()).hasValue(second.start());
    assertThat(report.failures()).extracting(MigrationReport.Failure::attempt, MigrationReport.Failure::step)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "capture"), org.assertj.core.groups.Tuple.tuple(2, "deploy"));
    assertThat(report.rollbacks()).singleElement().satisfies(r -> {
      assertThat(r.attempt()).isEqualTo(3);
      assertThat(r.undone()).containsExactly("formation of legacy-shop restored (worker=1)",
          "maintenance off on legacy-shop: it serves and takes writes again");
      assertThat(r.remaining()).contains("app my-env/my-app", "database my-app-db (postgresql 16)");
    });
    String md = f.read(f.work().resolve("report.md"));
    assertThat(md).contains("| 1 | run |").contains("| 2 | resume |").contains("| 3 | rollback |").contains("| 4 | run |")
        .contains("maintenance off (rollback)").contains("deployed on the target")
        .contains("- did: maintenance off on legacy-shop");
  }

  private Path migrated() {
    Fixture f = new Fixture(dir);
    f.faults.failNext("deploy", 1);
    assertThatThrownBy(() -> f.migration().plan().run()).isNotNull();
    f.migration().plan().resume();
    return f.journal();
  }

  private static int indexOf(List<String> lines, String fragment) {
    for (int i = 1; i < lines.size() - 1; i++) {
      if (lines.get(i).contains(fragment)) {
        return i;
      }
    }
    throw new AssertionError("no middle line with " + fragment);
  }
}
