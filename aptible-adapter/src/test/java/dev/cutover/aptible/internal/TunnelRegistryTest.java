package dev.cutover.aptible.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clean-up of tunnels a dead run left, on real processes: what the registry files name, and what
 * carries a dead owner in its environment though no file names it (started after its JVM died, or
 * before the JVM could write the file).
 */
class TunnelRegistryTest {
  @TempDir Path dir;
  private final List<ProcessHandle> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void reapOrphans_processMarkedWithADeadOwner_stoppedThoughNoFileNamesIt() throws Exception {
    assumeThat(Files.isDirectory(Path.of("/proc", "self"))).as("procfs").isTrue();
    String deadOwner = deadProcessMark();
    // a re-parented grandchild, as an ssh the CLI started once its JVM was gone: no descendant of anyone here
    ProcessHandle orphan = orphanSleep(deadOwner);
    ProcessHandle mine = orphanSleep(TunnelRegistry.ownerMark());
    ProcessHandle unmarked = orphanSleep(null);

    List<Long> stopped = new TunnelRegistry(dir.resolve("registry")).reapOrphans();

    assertThat(stopped).contains(orphan.pid()).doesNotContain(mine.pid(), unmarked.pid());
    assertThat(orphan.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(mine.isAlive()).as("a tunnel of a JVM still running is left alone").isTrue();
    assertThat(unmarked.isAlive()).as("a process that is no tunnel's is left alone").isTrue();
  }

  @Test
  void reapOrphans_registeredTunnelOfADeadOwner_stoppedAndForgotten() throws Exception {
    ProcessHandle tunnel = orphanSleep(null);
    Path registry = dir.resolve("registry");
    Files.createDirectories(registry);
    String[] owner = deadProcessMark().split("-");
    Files.writeString(registry.resolve("42"), "owner " + owner[0] + " " + owner[1] + "\nprocess " + tunnel.pid() + " "
        + tunnel.info().startInstant().map(Instant::toEpochMilli).orElseThrow() + "\n");

    List<Long> stopped = new TunnelRegistry(registry).reapOrphans();

    assertThat(stopped).contains(tunnel.pid());
    assertThat(tunnel.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(registry.resolve("42")).doesNotExist();
  }

  /** The owner mark of a process that has exited. */
  private static String deadProcessMark() throws Exception {
    Process p = new ProcessBuilder("sleep", "0.2").start();
    long start = p.toHandle().info().startInstant().map(Instant::toEpochMilli).orElseThrow();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return p.pid() + "-" + start;
  }

  /** A {@code sleep} whose parent shell has exited, with {@code mark} as its owner unless null. */
  private ProcessHandle orphanSleep(String mark) throws Exception {
    ProcessBuilder b = new ProcessBuilder("bash", "-c", "sleep 120 >/dev/null 2>&1 & echo $!");
    b.environment().remove(TunnelRegistry.OWNER_VARIABLE);
    if (mark != null) {
      b.environment().put(TunnelRegistry.OWNER_VARIABLE, mark);
    }
    Process shell = b.redirectErrorStream(true).start();
    String pid = new BufferedReader(new InputStreamReader(shell.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
    ProcessHandle sleep = ProcessHandle.of(Long.parseLong(pid.trim())).orElseThrow();
    started.add(sleep);
    return sleep;
  }
}
