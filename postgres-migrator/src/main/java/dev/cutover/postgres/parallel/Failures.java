package dev.cutover.postgres.parallel;

import dev.cutover.core.PgToolException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The entries of a parallel restore that failed. The restore goes on without them: what does not
 * depend on a failed entry is still restored, and the final exception names every entry that failed
 * (with why) and every entry that was not restored because it depends on one. Scheduler thread only.
 */
final class Failures {
  private static final int LISTED = 20;

  private final Map<Item, Exception> failed = new LinkedHashMap<>();

  /** Records {@code e} for {@code item}; a real error wins over the cancellation of its sibling parts. */
  void failed(Item item, Exception e) {
    Exception before = failed.get(item);
    if (before == null || isCancellation(before) && !isCancellation(e)) {
      failed.put(item, e);
    }
  }

  boolean hasFailed(Item item) {
    return failed.containsKey(item);
  }

  boolean isEmpty() {
    return failed.isEmpty();
  }

  /** A failure caused by stopping part of the restore, not the reason it stopped. */
  static boolean isCancellation(Exception e) {
    return e instanceof TableStream.Cancelled || e instanceof SQLException sql && "57014".equals(sql.getSQLState());
  }

  /** The exception listing every failed entry and every entry left out because of one. */
  PgToolException exception(Plan plan, int remaining, UnaryOperator<String> redact) {
    List<Item> notRestored = new ArrayList<>();
    for (Item item : plan.pending.values()) {
      if (!item.done && !failed.containsKey(item)) {
        notRestored.add(item);
      }
    }
    String reasons = failed.entrySet().stream().limit(LISTED)
        .map(f -> "  - " + f.getKey().describe() + ": " + detail(f.getKey(), f.getValue()))
        .collect(Collectors.joining("\n"));
    String left = notRestored.stream().limit(LISTED).map(Item::describe).collect(Collectors.joining(", "));
    int restored = plan.pending.size() - remaining;
    String message = RestoreEngine.STEP + ": " + failed.size() + " entr" + (failed.size() == 1 ? "y" : "ies")
        + " failed" + (notRestored.isEmpty() ? "" : " and " + notRestored.size() + " were not restored (they depend on "
        + "a failed entry, or no connection was left)") + "; the other " + restored + " of " + plan.pending.size()
        + " entries after the pre-data were restored:\n" + reasons
        + (failed.size() > LISTED ? "\n  … and " + (failed.size() - LISTED) + " more" : "")
        + (notRestored.isEmpty() ? "" : "\n  not restored: " + left
        + (notRestored.size() > LISTED ? ", … and " + (notRestored.size() - LISTED) + " more" : ""))
        + "\nThe target database is partly restored: fix the cause, then drop and recreate it (or restore with "
        + "replaceExisting) before retrying.";
    Exception first = failed.values().stream().findFirst().orElse(null);
    return new PgToolException(RestoreEngine.STEP, redact.apply(message), false, first);
  }

  private static String detail(Item item, Exception e) {
    String what = e instanceof SQLException sql
        ? e.getMessage() + (sql.getSQLState() == null ? "" : " [SQLSTATE " + sql.getSQLState() + "]")
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    return what + (item.kind == Item.Kind.SQL ? "; statement: " + RestoreEngine.abbreviate(item.sql) : "");
  }
}
