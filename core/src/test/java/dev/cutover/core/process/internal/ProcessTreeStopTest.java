package dev.cutover.core.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.WaitTimeoutException;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against real children that misbehave: grandchildren that ignore signals and hold a port. */
class ProcessTreeStopTest {
  /** Ignores SIGINT and SIGTERM, listens on a free loopback port, prints it, then sleeps forever. */
  private static final String STUBBORN_PY = String.join("\n",
      "import os, signal, socket, sys, time",
      "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
      "signal.signal(signal.SIGINT, signal.SIG_IGN)",
      "s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(1)",
      "print('grandchild', os.getpid(), 'listening', s.getsockname()[1], flush=True)",
      "while True: time.sleep(1)",
      "");

  @TempDir
  static Path dir;
  private static Path parentScript;
  private static Path hangScript;

  private final Redactor redactor = Redactor.create();
  private final ProcessRunner runner = ProcessRunner.create(redactor, Duration.ofMillis(300));

  @BeforeAll
  static void scripts() throws IOException {
    boolean python = Stream.of(System.getenv("PATH").split(":")).anyMatch(p -> Files.isExecutable(Path.of(p, "python3")));
    if (!python && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("python3 is required on CI for the process-tree tests");
    }
    Assumptions.assumeTrue(python, "python3 not on PATH");
    Files.writeString(dir.resolve("stubborn.py"), STUBBORN_PY);
    // The parent ignores SIGTERM and SIGINT too, and reports its grandchild on stdout.
    parentScript = dir.resolve("parent.sh");
    Files.writeString(parentScript, String.join("\n",
        "#!/bin/bash",
        "trap '' TERM INT",
        "echo 'parent starting' >&2",
        "python3 " + dir.resolve("stubborn.py") + " &",
        "wait",
        ""));
    parentScript.toFile().setExecutable(true);
    // A grandchild that ignores SIGTERM and SIGINT and keeps stderr open; its pid goes to file $1.
    hangScript = dir.resolve("hang.sh");
    Files.writeString(hangScript, String.join("\n",
        "(trap '' TERM INT; echo $BASHPID > \"$1\"; exec sleep 600) &",
        "while [ ! -s \"$1\" ]; do sleep 0.05; done",
        "echo 'about to hang' >&2",
        "wait",
        ""));
  }

  @Test
  void close_grandchildIgnoresSigtermAndSigint_wholeTreeGoneAndPortFree() throws Exception {
    RunningProcess parent = runner.start(Command.of(parentScript.toString()), line -> {});
    String line = parent.awaitLine(l -> l.contains("listening"), Duration.ofSeconds(20));
    String[] words = line.split(" ");
    long grandchildPid = Long.parseLong(words[1]);
    int port = Integer.parseInt(words[3]);
    ProcessHandle root = ProcessHandle.of(parent.pid()).orElseThrow();
    List<ProcessHandle> tree = Stream.concat(Stream.of(root), root.descendants()).toList();
    assertThat(tree).extracting(ProcessHandle::pid).contains(grandchildPid);

    parent.close();

    // Gone, or a zombie waiting for init to reap it (see ProcessTree.running): nothing runs any more.
    assertThat(tree).noneMatch(ProcessTree::running);
    assertThat(ProcessHandle.of(grandchildPid).filter(ProcessTree::running)).isEmpty();
    assertThat(parent.isAlive()).isFalse();
    assertPortFree(port);
    parent.close(); // idempotent: no exception, nothing left to do
  }

  @Test
  void run_timeout_killsTreeAndReportsRedactedCommandAndStderrTail() throws Exception {
    redactor.register(Secret.of("pa55word-canary"));
    Path pidFile = dir.resolve("timeout.pid");
    Command cmd = Command.builder("bash", hangScript.toString(), pidFile.toString(),
            "postgres://u:pa55word-canary@db.internal/app")
        .timeout(Duration.ofSeconds(3)).build();

    assertThatThrownBy(() -> runner.run(cmd))
        .isInstanceOfSatisfying(CommandFailedException.class, e -> {
          assertThat(e.timedOut()).isTrue();
          assertThat(e.exitCode()).isEqualTo(-1);
          assertThat(e.commandLine()).contains("postgres://u:****@db.internal/app").doesNotContain("pa55word-canary");
          assertThat(e.outputTail()).contains("about to hang");
          assertThat(e.getMessage()).startsWith("bash: timed out after 3 s").contains("about to hang")
              .doesNotContain("pa55word-canary");
        });
    long grandchild = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(grandchild).filter(ProcessTree::running)).isEmpty();
  }

  @Test
  void run_interrupted_killsChildRestoresFlagAndThrowsCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Path pidFile = dir.resolve("interrupted.pid");
    Thread worker = new Thread(() -> {
      try {
        runner.run(Command.of("bash", "-c", "echo $$ > " + pidFile + "; echo started; exec sleep 60"),
            l -> started.countDown());
      } catch (RuntimeException e) {
        thrown.set(e);
        flagAfter.set(Thread.currentThread().isInterrupted());
      }
    });
    worker.start();
    started.await();
    worker.interrupt();
    worker.join();

    assertThat(thrown.get()).isInstanceOf(MigrationCancelledException.class);
    assertThat(flagAfter).isTrue();
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(pid).filter(ProcessTree::running)).isEmpty();
  }

  @Test
  void awaitLine_interrupted_killsChildRestoresFlagAndThrowsCancelled() throws Exception {
    RunningProcess p = runner.start(Command.of("sleep", "60"), l -> {});
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagAfter = new AtomicBoolean();
    Thread waiter = new Thread(() -> {
      try {
        p.awaitLine(l -> false, Duration.ofMinutes(1));
      } catch (RuntimeException e) {
        thrown.set(e);
        flagAfter.set(Thread.currentThread().isInterrupted());
      }
    });
    waiter.start();
    waiter.interrupt();
    waiter.join();

    assertThat(thrown.get()).isInstanceOf(MigrationCancelledException.class);
    assertThat(flagAfter).isTrue();
    assertThat(p.isAlive()).isFalse();
    p.close();
  }

  @Test
  void awaitLine_lineAlreadyPrinted_foundUnredacted() {
    redactor.register(Secret.of("tunnel-pass"));
    try (RunningProcess p = runner.start(Command.of("bash", "-c",
        "echo 'Connect at postgresql://aptible:tunnel-pass@localhost:5555/db'; exec sleep 60"), l -> {})) {
      p.awaitLine(l -> l.startsWith("Connect"), Duration.ofSeconds(20));
      // A second wait for the same line finds it among the lines already seen.
      assertThat(p.awaitLine(l -> l.startsWith("Connect"), Duration.ofSeconds(20)))
          .isEqualTo("Connect at postgresql://aptible:tunnel-pass@localhost:5555/db");
      assertThat(p.outputTail()).containsExactly("Connect at postgresql://aptible:****@localhost:5555/db");
    }
  }

  @Test
  void awaitLine_childExitsFirst_throwsCommandFailedWithTail() {
    try (RunningProcess p = runner.start(Command.of("bash", "-c", "echo 'ssh: connection refused' >&2; exit 255"), l -> {})) {
      assertThatThrownBy(() -> p.awaitLine(l -> l.startsWith("Connect"), Duration.ofSeconds(20)))
          .isInstanceOfSatisfying(CommandFailedException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(255);
            assertThat(e.outputTail()).containsExactly("ssh: connection refused");
            assertThat(e.getMessage()).contains("exited 255 before printing the expected line")
                .contains("ssh: connection refused");
          });
      assertThat(p.waitFor(Duration.ofSeconds(5))).hasValue(255);
    }
  }

  @Test
  void awaitLine_nothingMatchesInTime_throwsWaitTimeoutWithLastLine() {
    try (RunningProcess p = runner.start(Command.of("bash", "-c", "echo 'still connecting'; exec sleep 60"), l -> {})) {
      p.awaitLine(l -> l.equals("still connecting"), Duration.ofSeconds(20));
      assertThatThrownBy(() -> p.awaitLine(l -> l.startsWith("Connect"), Duration.ofMillis(200)))
          .isInstanceOfSatisfying(WaitTimeoutException.class, e -> {
            assertThat(e.what()).contains("bash");
            assertThat(e.lastState()).contains("still connecting");
          });
    }
  }

  @Test
  void running_zombieGrandchild_notRunningThoughJdkSaysAlive() throws Exception {
    // The parent is SIGSTOPped so it cannot reap its killed child: the child stays a zombie.
    Process parent = new ProcessBuilder("bash", "-c", "sleep 60 & echo $!; kill -STOP $$; wait").start();
    try {
      long child = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream(),
          java.nio.charset.StandardCharsets.UTF_8)).readLine().trim());
      ProcessHandle h = ProcessHandle.of(child).orElseThrow();
      assertThat(ProcessTree.running(h)).isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!state(parent.pid()).equals("T") && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      h.destroyForcibly();
      while (ProcessTree.running(h) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(ProcessTree.running(h)).isFalse();
      assertThat(h.isAlive()).as("still a zombie, as the JDK sees it").isTrue();
    } finally {
      parent.destroyForcibly();
    }
  }

  private static String state(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  }

  private static void assertPortFree(int port) throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      assertThat(s.isBound()).isTrue();
    }
  }
}
