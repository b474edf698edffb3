package dev.cutover.core.process.internal;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a child and everything it started. Never throws and never swallows an interrupt: an
 * interrupt cuts the grace period short (straight to SIGKILL) and is re-asserted on return.
 */
final class ProcessTree {
  private static final Logger log = LoggerFactory.getLogger(ProcessTree.class);
  private static final Duration TERM_WAIT = Duration.ofMillis(500);
  private static final Duration KILL_WAIT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 20;

  private ProcessTree() {}

  /**
   * Stops {@code root} and its descendants: optionally SIGINT to the whole tree (as Ctrl-C would:
   * a shell ignores a SIGINT sent to it alone while it waits for its foreground child) and up to
   * {@code grace} for the tree to exit, then SIGTERM and finally SIGKILL to every process still
   * alive. The tree is collected before any signal is sent, since descendants re-parent when the
   * root dies.
   */
  static void stop(ProcessHandle root, boolean interruptFirst, Duration grace) {
    boolean interrupted = Thread.interrupted();
    Set<ProcessHandle> tree = collect(Set.of(root));
    if (interruptFirst && running(root) && !interrupted) {
      sigint(tree);
      interrupted = !awaitGone(tree, grace);
    }
    tree = collect(tree);
    tree.forEach(ProcessHandle::destroy);
    if (!interrupted) {
      interrupted = !awaitGone(tree, TERM_WAIT);
    }
    tree = collect(tree);
    tree.stream().filter(ProcessTree::running).forEach(ProcessHandle::destroyForcibly);
    if (!awaitGone(tree, KILL_WAIT)) {
      interrupted = true;
      awaitGone(tree, KILL_WAIT);
    }
    tree.stream().filter(ProcessTree::running)
        .forEach(h -> log.warn("Process {} survived SIGKILL for {} s", h.pid(), KILL_WAIT.toSeconds()));
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether {@code h} still runs. A zombie does not: it holds no memory, ports or files, only a
   * process-table entry until its parent reaps it, and a killed grandchild re-parented to an init
   * that reaps lazily can stay a zombie for a second.
   */
  static boolean running(ProcessHandle h) {
    if (!h.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
      int end = stat.lastIndexOf(')');
      char state = end > 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : 'R';
      return state != 'Z' && state != 'X' && h.isAlive();
    } catch (IOException | RuntimeException e) {
      return h.isAlive(); // no procfs: trust the JDK
    }
  }

  /** {@code known} plus the current descendants of every live member. */
  private static Set<ProcessHandle> collect(Set<ProcessHandle> known) {
    Set<ProcessHandle> tree = new LinkedHashSet<>(known);
    for (ProcessHandle h : known) {
      if (running(h)) {
        h.descendants().forEach(tree::add);
      }
    }
    return tree;
  }

  /**
   * Polls until every handle is gone or {@code timeout} passes. Returns false only when
   * interrupted (the flag is then clear; the caller re-asserts it).
   */
  private static boolean awaitGone(Set<ProcessHandle> handles, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (handles.stream().anyMatch(ProcessTree::running) && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        return false;
      }
    }
    return true;
  }

  /** ProcessHandle cannot send SIGINT; {@code kill -INT} can. */
  private static void sigint(Set<ProcessHandle> tree) {
    List<String> argv = new ArrayList<>(List.of("kill", "-INT"));
    tree.stream().filter(ProcessTree::running).forEach(h -> argv.add(Long.toString(h.pid())));
    try {
      Process kill = new ProcessBuilder(argv)
          .redirectInput(Redirect.from(ExecProcessRunner.DEV_NULL))
          .redirectOutput(Redirect.DISCARD)
          .redirectError(Redirect.DISCARD)
          .start();
      if (!kill.waitFor(2, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
      }
    } catch (IOException e) {
      log.debug("Could not send SIGINT to {}: {}", argv.subList(2, argv.size()), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
