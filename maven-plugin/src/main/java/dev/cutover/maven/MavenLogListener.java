package dev.cutover.maven;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.maven.plugin.logging.Log;

/**
 * Migration progress as Maven log lines: steps at info, warnings at warn, failures at error, child
 * output at debug ({@code mvn -X}), and byte or row progress at most every five seconds per step.
 * Thread-safe: progress comes from worker threads too.
 */
final class MavenLogListener implements MigrationListener {
  private static final long PROGRESS_EVERY_NANOS = Duration.ofSeconds(5).toNanos();

  private final Log log;
  private final Map<String, Long> lastProgress = new ConcurrentHashMap<>();

  MavenLogListener(Log log) {
    this.log = log;
  }

  @Override
  public void stepStarted(MigrationEvent.StepStarted event) {
    log.info("[" + event.step() + "] " + event.description());
  }

  @Override
  public void progress(MigrationEvent.Progress event) {
    long now = System.nanoTime();
    Long last = lastProgress.get(event.step());
    boolean done = event.total() > 0 && event.done() >= event.total();
    if (done || last == null || now - last >= PROGRESS_EVERY_NANOS) {
      lastProgress.put(event.step(), now);
      log.info("[" + event.step() + "] " + event.done() + (event.total() > 0 ? " of " + event.total() : "") + " "
          + event.unit());
    }
  }

  @Override
  public void output(MigrationEvent.Output event) {
    if (log.isDebugEnabled()) {
      log.debug("[" + event.step() + "] " + event.source() + ": " + event.line());
    }
  }

  @Override
  public void stepFinished(MigrationEvent.StepFinished event) {
    log.info("[" + event.step() + "] done in " + seconds(event.duration()) + (event.summary().isBlank() ? ""
        : ": " + event.summary()));
  }

  @Override
  public void stepFailed(MigrationEvent.StepFailed event) {
    log.error("[" + event.step() + "] failed after " + seconds(event.duration()) + ": " + event.message());
  }

  @Override
  public void warning(MigrationEvent.Warning event) {
    log.warn("[" + event.step() + "] " + event.message());
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }
}
