package dev.cutover.testkit.process;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Fails a test that leaves a child process (a tunnel, a CLI) running. Take a snapshot before the
 * test and check after it:
 *
 * <pre>{@code
 * private ProcessLeakCheck leaks;
 * @BeforeEach void snapshot() { leaks = ProcessLeakCheck.start(); }
 * @AfterEach void noLeaks() { leaks.assertNoLeaks(); }
 * }</pre>
 *
 * <p>Only descendants of this JVM count, so a test's children that were re-parented after their
 * parent died are not seen; the process-tree tests check those by pid. Not thread-safe.
 */
public final class ProcessLeakCheck {
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private final Set<ProcessHandle> before;

  private ProcessLeakCheck(Set<ProcessHandle> before) {
    this.before = before;
  }

  /** Remembers this JVM's live descendants. */
  public static ProcessLeakCheck start() {
    return new ProcessLeakCheck(ProcessHandle.current().descendants().collect(Collectors.toSet()));
  }

  /** Descendants of this JVM alive now that were not alive at {@link #start()}. Does not block. */
  public List<ProcessHandle> leaked() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).filter(h -> !before.contains(h)).toList();
  }

  /**
   * Throws when a process started since {@link #start()} is still alive after a short settling time
   * (up to 2 s, for children that are exiting).
   *
   * @throws AssertionError naming each leaked process and its command line
   */
  public void assertNoLeaks() {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    List<ProcessHandle> leaked = leaked();
    while (!leaked.isEmpty() && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      leaked = leaked();
    }
    if (!leaked.isEmpty()) {
      throw new AssertionError("leaked child processes (close every RunningProcess/tunnel): " + leaked.stream()
          .map(h -> h.pid() + " " + h.info().command().orElse("?"))
          .collect(Collectors.joining(", ")));
    }
  }

  @Override
  public String toString() {
    return "ProcessLeakCheck[" + before.size() + " processes before]";
  }
}
