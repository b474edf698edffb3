package dev.cutover.core.migration;

import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What {@link Migration#audit(Path)} found in a migration's event log.
 *
 * @param eventLog the log checked
 * @param lines how many lines it has
 * @param brokenLine the first line that breaks the chain (1-based), or 0 when the chain is intact
 * @param problem what is wrong with that line; empty when intact
 */
public record AuditResult(Path eventLog, long lines, long brokenLine, String problem) {
  /** Validates the components; throws {@link NullPointerException} on a null component. */
  public AuditResult {
    Objects.requireNonNull(eventLog, "eventLog");
    Objects.requireNonNull(problem, "problem");
  }

  /** Whether every line chains to the one before it and the journal's record of the log holds. */
  public boolean intact() {
    return brokenLine == 0;
  }

  /** The first broken line, when there is one. */
  public OptionalLong firstBrokenLine() {
    return intact() ? OptionalLong.empty() : OptionalLong.of(brokenLine);
  }

  /** One line for humans: {@code intact (N lines)} or {@code line K <problem>}. */
  @Override
  public String toString() {
    return intact() ? eventLog + ": intact (" + lines + " lines, every one chained to the one before)"
        : eventLog + ": line " + brokenLine + " " + problem;
  }
}
