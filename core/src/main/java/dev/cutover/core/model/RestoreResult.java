package dev.cutover.core.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a restore did.
 *
 * @param strategy the strategy used
 * @param duration wall time
 * @param rowsRestored rows per table as the restore counted them (schema-qualified name to rows)
 * @param expectedErrors errors that were expected and ignored (e.g. {@code role "x" does not exist}), by kind
 * @param warnings anything the user should read
 */
public record RestoreResult(
    RestoreStrategy strategy,
    Duration duration,
    Map<String, Long> rowsRestored,
    Map<String, Integer> expectedErrors,
    List<String> warnings) {
  public RestoreResult {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(duration, "duration");
    rowsRestored = Map.copyOf(rowsRestored);
    expectedErrors = Map.copyOf(expectedErrors);
    warnings = List.copyOf(warnings);
  }

  public long totalRows() {
    return rowsRestored.values().stream().mapToLong(Long::longValue).sum();
  }
}
