package dev.cutover.aptible.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the processes of every open database tunnel in a per-user directory, so that a later
 * run can stop the tunnel of a run that died without closing it (SIGKILL, OOM killer, power cut):
 * the CLI and its {@code ssh} child survive their parent and keep a port and a database session.
 * {@link #reapOrphans()} stops every registered process whose owning JVM is gone and which is still
 * the same process (pid and start time both match). The files hold pids and start times only.
 *
 * <p>A JVM killed between starting a tunnel and registering it, or a CLI that starts its {@code ssh}
 * after its JVM died, leaves processes no file names; so every tunnel process also carries its owner
 * in its environment ({@link #OWNER_VARIABLE}, inherited by whatever the CLI starts), and where
 * {@code /proc} exists {@link #reapOrphans()} stops the processes whose owner there is gone too.
 * Thread-safe; never throws (a registry it cannot write only loses the clean-up).
 */
public final class TunnelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(TunnelRegistry.class);
  /** The environment variable a tunnel's processes inherit: {@code <owner pid>-<owner start, epoch ms>}. */
  public static final String OWNER_VARIABLE = "CUTOVER_TUNNEL_OWNER";
  private static final byte[] OWNER_PREFIX = (OWNER_VARIABLE + "=").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private final Path dir;

  TunnelRegistry(Path dir) {
    this.dir = dir;
  }

  /** The registry under {@code java.io.tmpdir}, one per user. */
  public static TunnelRegistry standard() {
    return new TunnelRegistry(Path.of(System.getProperty("java.io.tmpdir"), "cutover-tunnels-"
        + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_")));
  }

  /** Records {@code processes} as the tunnel {@code id}, owned by this JVM. */
  public void register(long id, Collection<ProcessHandle> processes) {
    StringBuilder text = new StringBuilder(line("owner", ProcessHandle.current()));
    processes.forEach(p -> text.append(line("process", p)));
    try {
      for (int attempt = 0; ; attempt++) {
        if (!Files.isDirectory(dir)) {
          dev.cutover.core.PrivateFiles.createDirectory(dir);
        }
        try {
          Files.writeString(dir.resolve(Long.toString(id)), text);
          break;
        } catch (java.nio.file.NoSuchFileException e) {
          if (attempt > 0) {
            throw e; // the last tunnel of another JVM removed the directory twice in a row
          }
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      LOG.debug("Cannot register tunnel {} in {}: {}", id, dir, e.toString());
    }
  }

  /** Forgets the tunnel {@code id} (it was closed); the registry's directory goes with its last tunnel. */
  public void unregister(long id) {
    try {
      Files.deleteIfExists(dir.resolve(Long.toString(id)));
      Files.deleteIfExists(dir);
    } catch (java.nio.file.DirectoryNotEmptyException e) {
      // another tunnel, of this JVM or another, is still open
    } catch (IOException e) {
      LOG.debug("Cannot unregister tunnel {}: {}", id, e.toString());
    }
  }

  /** The value of {@link #OWNER_VARIABLE} for the tunnels this JVM starts. */
  public static String ownerMark() {
    return ProcessHandle.current().pid() + "-" + startMillis(ProcessHandle.current());
  }

  /**
   * Stops the processes of every tunnel whose owning JVM is no longer running, and forgets those
   * tunnels. Blocks briefly (no waiting for the processes to exit).
   *
   * @return the pids stopped
   */
  public List<Long> reapOrphans() {
    List<Long> stopped = new ArrayList<>();
    reapRegistered(stopped);
    reapMarked(Path.of("/proc"), stopped);
    if (!stopped.isEmpty()) {
      LOG.warn("Stopped {} tunnel process(es) {} left running by a cutover run that ended without closing its tunnel",
          stopped.size(), stopped);
    }
    return stopped;
  }

  /** Stops the processes under {@code proc} whose {@link #OWNER_VARIABLE} names a JVM that is gone. */
  static void reapMarked(Path proc, List<Long> stopped) {
    if (!Files.isDirectory(proc)) {
      return; // no procfs: the registry files are all there is
    }
    try (java.nio.file.DirectoryStream<Path> pids = Files.newDirectoryStream(proc, "[0-9]*")) {
      for (Path p : pids) {
        // the handle first: it pins the start time, so a pid reused after the read is not the one stopped
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(p.getFileName().toString()));
        Optional<String> owner = process.flatMap(h -> owner(p.resolve("environ")));
        if (owner.isPresent() && !ownerRunning(owner.get()) && !stopped.contains(process.get().pid())) {
          process.get().destroyForcibly();
          stopped.add(process.get().pid());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot look for orphaned tunnel processes in {}: {}", proc, e.toString());
    }
  }

  /** The owner mark in a process's {@code environ} file, if it has one and can be read. */
  private static Optional<String> owner(Path environ) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(environ);
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // another user's process, or gone
    }
    for (int start = 0; start < bytes.length; ) {
      int end = start;
      while (end < bytes.length && bytes[end] != 0) {
        end++;
      }
      if (java.util.Arrays.equals(bytes, start, Math.min(end, start + OWNER_PREFIX.length), OWNER_PREFIX, 0,
          OWNER_PREFIX.length)) {
        return Optional.of(new String(bytes, start + OWNER_PREFIX.length, end - start - OWNER_PREFIX.length,
            java.nio.charset.StandardCharsets.US_ASCII));
      }
      start = end + 1;
    }
    return Optional.empty();
  }

  /** Whether the JVM a mark names still runs; a mark that cannot be read counts as running (nothing is stopped). */
  private static boolean ownerRunning(String mark) {
    String[] parts = mark.split("-");
    try {
      return parts.length != 2 || same(Long.parseLong(parts[0]), Long.parseLong(parts[1])).isPresent();
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private void reapRegistered(List<Long> stopped) {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        List<String[]> entries = Files.readAllLines(f).stream().map(l -> l.split(" ")).filter(a -> a.length == 3).toList();
        if (entries.isEmpty() || !entries.get(0)[0].equals("owner") || same(entries.get(0)).isPresent()) {
          continue;
        }
        for (String[] e : entries.subList(1, entries.size())) {
          same(e).ifPresent(p -> {
            Stream.concat(p.descendants(), Stream.of(p)).forEach(ProcessHandle::destroyForcibly);
            stopped.add(p.pid());
          });
        }
        Files.deleteIfExists(f);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read the tunnel registry {}: {}", dir, e.toString());
    }
  }

  private static String line(String kind, ProcessHandle p) {
    return kind + " " + p.pid() + " " + startMillis(p) + "\n";
  }

  private static long startMillis(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
  }

  /** The live process an entry ({@code kind pid start}) names, when it is still the same one. */
  private static Optional<ProcessHandle> same(String[] entry) {
    return same(Long.parseLong(entry[1]), Long.parseLong(entry[2]));
  }

  /** The live process {@code pid}, when it is still the one that started at {@code start} (an unknown start matches nothing). */
  private static Optional<ProcessHandle> same(long pid, long start) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> start >= 0 && startMillis(p) == start);
  }
}
