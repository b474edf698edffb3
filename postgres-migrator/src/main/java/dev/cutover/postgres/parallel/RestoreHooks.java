package dev.cutover.postgres.parallel;

import java.util.List;
import java.util.Map;

/**
 * SQL a restore runs at fixed points, for what an archive's own statements get wrong (see
 * {@code PgMigrator}): right after a pre-data entry, before the data is loaded, and after everything.
 * Immutable.
 *
 * @param afterEntry dump id of a pre-data entry to the statements run right after it, on the same connection
 * @param beforeData statements run after the pre-data, before any data
 * @param atEnd statements run after everything else
 */
public record RestoreHooks(Map<Integer, List<String>> afterEntry, List<String> beforeData, List<String> atEnd) {
  /** No statements anywhere. */
  public static final RestoreHooks NONE = new RestoreHooks(Map.of(), List.of(), List.of());

  /**
   * Copies the collections; throws {@link NullPointerException} on a null one.
   *
   * @param afterEntry statements after pre-data entries, by dump id
   * @param beforeData statements before the data
   * @param atEnd statements at the end
   */
  public RestoreHooks {
    afterEntry = Map.copyOf(afterEntry);
    beforeData = List.copyOf(beforeData);
    atEnd = List.copyOf(atEnd);
  }

  /**
   * Whether there is nothing to run.
   *
   * @return true when every list is empty
   */
  public boolean isEmpty() {
    return afterEntry.isEmpty() && beforeData.isEmpty() && atEnd.isEmpty();
  }
}
