package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time: the journal's lock, its holder record, and what happens to a lock whose holder is gone. */
class LockTest {
  @TempDir
  Path dir;

  @Test
  void acquire_secondTimeInTheSameJvm_refusedNamingTheHolderAndTheFirstStaysHeld() throws Exception {
    Path journal = dir.resolve("journal.json");
    try (MigrationLock first = MigrationLock.acquire(journal, "run")) {
      assertThatThrownBy(() -> MigrationLock.acquire(journal, "resume"))
          .isInstanceOfSatisfying(MigrationLockedException.class, e -> {
            assertThat(e.holder()).hasValue(first.holder());
            assertThat(e.getMessage()).contains("pid " + ProcessHandle.current().pid()).contains("Nothing was changed");
          });

      // the refusal opened nothing: the operating system still sees the lock held (a descriptor closed
      // anywhere in this process would have released it)
      assertThat(tryLockFromAnotherProcess(first.file())).isEqualTo("held");
      assertThat(first.isHeld()).isTrue();
    }
    assertThat(MigrationLock.fileFor(journal)).doesNotExist();
    assertThat(tryLockFromAnotherProcess(Files.createFile(MigrationLock.fileFor(journal)))).isEqualTo("free");
  }

  @Test
  void acquire_recordLeftByADeadProcessOnThisHost_takenOver() throws Exception {
    Path journal = dir.resolve("journal.json");
    Process gone = new ProcessBuilder(javaCommand("-version")).redirectErrorStream(true).start();
    gone.getInputStream().readAllBytes();
    gone.waitFor();
    writeRecord(journal, gone.pid(), MigrationLock.hostName());

    try (MigrationLock lock = MigrationLock.acquire(journal, "resume")) {
      assertThat(lock.takenOver()).hasValueSatisfying(h -> assertThat(h.pid()).isEqualTo(gone.pid()));
      assertThat(Files.readString(lock.file())).contains("\"pid\":" + ProcessHandle.current().pid());
    }
  }

  @Test
  void acquire_recordOfAnotherHost_refusedSayingHowToClearIt() throws Exception {
    Path journal = dir.resolve("journal.json");
    writeRecord(journal, 4242, "build-7.example.com");

    assertThatThrownBy(() -> MigrationLock.acquire(journal, "resume"))
        .isInstanceOf(MigrationLockedException.class)
        .hasMessageContaining("pid 4242").hasMessageContaining("build-7.example.com").hasMessageContaining("delete");
  }

  @Test
  void acquire_recordOfALiveProcessWhoseLockIsFree_refused() throws Exception {
    Path journal = dir.resolve("journal.json");
    // the JVM's parent lives as long as the test, and never held this lock
    long pid = ProcessHandle.current().parent().orElseThrow().pid();
    writeRecord(journal, pid, MigrationLock.hostName());

    assertThatThrownBy(() -> MigrationLock.acquire(journal, "resume"))
        .isInstanceOf(MigrationLockedException.class).hasMessageContaining("pid " + pid).hasMessageContaining("still running");
  }

  @Test
  void resume_whileARunHoldsTheLock_refusedAtOnceWithoutCallingAnything() throws Exception {
    Fixture f = new Fixture(dir);
    f.target.deployGate = new CountDownLatch(1);
    CompletableFuture<MigrationReport> first = CompletableFuture.supplyAsync(() -> f.migration().plan().run());
    try {
      assertThat(f.target.deployStarted.await(30, TimeUnit.SECONDS)).as("the first run reached deploy").isTrue();
      MigrationPlan second = f.migration().plan();
      int calls = f.faults.calls.size();

      assertThatThrownBy(second::resume).isInstanceOfSatisfying(MigrationLockedException.class,
          e -> assertThat(e.holder()).hasValueSatisfying(h -> assertThat(h.command()).isEqualTo("run")));
      assertThatThrownBy(second::run).isInstanceOf(MigrationLockedException.class);
      assertThatThrownBy(second::rollback).isInstanceOf(MigrationLockedException.class);

      assertThat(f.faults.calls.subList(calls, f.faults.calls.size())).as("nothing called by the refused runs").isEmpty();
      assertThat(Journal.load(f.journal()).step(MigrationStep.DEPLOY).status).isEqualTo(StepStatus.RUNNING);
    } finally {
      f.target.deployGate.countDown();
    }
    assertThat(first.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(f.faults.count("deploy")).isEqualTo(1);
  }

  @Test
  void resume_stepLeftRunningByAGoneRun_runsItAgainAndLogsWhoLeftIt() {
    Fixture f = new Fixture(dir);
    f.mover.crashDuringRestore = new MigrationRunTest.KilledJvm();
    assertThatThrownBy(() -> f.migration().plan().run()).isInstanceOf(MigrationRunTest.KilledJvm.class);

    MigrationReport report = f.migration().plan().resume();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    List<EventLog.Event> left = EventLog.read(EventLog.fileFor(f.journal())).stream()
        .filter(e -> e.type().equals("step-left-running")).toList();
    assertThat(left).singleElement().satisfies(e -> assertThat(e.text("message")).contains("restore")
        .contains("pid " + ProcessHandle.current().pid()).contains("attempt 1").contains("runs again"));
  }

  private static void writeRecord(Path journal, long pid, String host) throws Exception {
    Files.writeString(MigrationLock.fileFor(journal), "{\"pid\":" + pid + ",\"host\":\"" + host
        + "\",\"user\":\"someone\",\"since\":\"" + Instant.parse("2026-11-24T04:00:00Z") + "\",\"command\":\"run\"}\n");
  }

  /** Asks a child JVM to take the same POSIX lock: {@code held} when it cannot, {@code free} when it can. */
  private String tryLockFromAnotherProcess(Path file) throws Exception {
    Path source = dir.resolve("TryLock.java");
    Files.writeString(source, """
        import java.nio.channels.FileChannel;
        import java.nio.file.*;
        public class TryLock {
          public static void main(String[] a) throws Exception {
            try (FileChannel ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.WRITE)) {
              System.out.print(ch.tryLock() == null ? "held" : "free");
            }
          }
        }
        """);
    Process p = new ProcessBuilder(javaCommand(source.toString(), file.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  private static List<String> javaCommand(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
