package dev.cutover.postgres.verify;

import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationReport.Check;
import dev.cutover.core.model.VerificationReport.TableCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Collects what a verification found, then builds the report. Not thread-safe. */
final class Findings {
  static final String MISSING = "(missing)";

  private final List<Check> checks = new ArrayList<>();
  private final List<TableCheck> tables = new ArrayList<>();
  private final List<String> losses = new ArrayList<>();
  private final List<String> notProven = new ArrayList<>();

  void check(String kind, String name, String expected, String actual) {
    checks.add(new Check(kind, name, expected, actual));
  }

  void table(TableCheck t) {
    tables.add(t);
  }

  void loss(String what) {
    losses.add(what);
  }

  void notProven(String what) {
    notProven.add(what);
  }

  /**
   * Compares two name-to-value maps of one kind: each name whose values differ (or that one side
   * lacks) is a check of its own, naming the object and both values; the names that agree are
   * summed up in one passing check, so that a report lists differences, not thousands of equal columns.
   */
  void compare(String kind, Map<String, String> expected, Map<String, String> actual) {
    TreeSet<String> names = new TreeSet<>(expected.keySet());
    names.addAll(actual.keySet());
    int same = 0;
    for (String name : names) {
      String e = expected.getOrDefault(name, MISSING);
      String a = actual.getOrDefault(name, MISSING);
      if (e.equals(a)) {
        same++;
      } else {
        check(kind, name, e, a);
      }
    }
    if (same > 0) {
      String summary = same + (same == 1 ? " object" : " objects");
      check(kind, "(" + summary + ")", "identical", "identical");
    }
  }

  VerificationReport build(VerificationReport.Evidence evidence, Duration duration) {
    return new VerificationReport(evidence, checks, tables, losses, notProven, duration);
  }
}
