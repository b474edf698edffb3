package dev.cutover.postgres;

import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationReport.Check;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Builds the verification report from snapshots. */
final class Verifier {
  static final String MISSING = "(missing)";

  private Verifier() {}

  /** Every check of {@code target} against {@code source}. */
  static VerificationReport compare(Snapshot source, Snapshot target) {
    List<Check> checks = new ArrayList<>();
    checks.addAll(compare("rows", numbers(source.rows()), numbers(target.rows()), true));
    checks.addAll(compare("sequence", source.sequences(), target.sequences(), true));
    checks.addAll(compare("extension", source.extensions(), target.extensions(), false));
    checks.addAll(compare("objects", numbers(source.objects()), numbers(target.objects()), true));
    checks.addAll(compare("setting", source.settings(), target.settings(), true));
    return new VerificationReport("source database", checks);
  }

  /**
   * Checks of {@code target} against what a restore counted: rows per table, plus the
   * database-level settings the restore made sure of ({@code expectedSettings}).
   */
  static VerificationReport compareWithCounts(Map<String, Long> restored, Map<String, String> expectedSettings,
      Snapshot target) {
    List<Check> checks = new ArrayList<>();
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(restored).entrySet()) {
      Long actual = target.rows().get(e.getKey());
      checks.add(new Check("rows", e.getKey(), e.getValue().toString(), actual == null ? MISSING : actual.toString()));
    }
    for (Map.Entry<String, String> e : expectedSettings.entrySet()) {
      checks.add(new Check("setting", e.getKey(), e.getValue(), target.settings().getOrDefault(e.getKey(), MISSING)));
    }
    for (Map.Entry<String, Long> e : target.rows().entrySet()) {
      if (e.getValue() < 0) {
        checks.add(new Check("rows", e.getKey(), "populated", "not populated"));
      }
    }
    return new VerificationReport("restore counts", checks);
  }

  private static Map<String, String> numbers(Map<String, Long> m) {
    Map<String, String> out = new java.util.TreeMap<>();
    m.forEach((k, v) -> out.put(k, v < 0 ? "not populated" : v.toString()));
    return out;
  }

  /**
   * One check per key of {@code expected}; with {@code extrasCount}, also one per key only the target
   * has (an object the source lacks is a difference too).
   */
  private static List<Check> compare(String kind, Map<String, String> expected, Map<String, String> actual,
      boolean extrasCount) {
    List<Check> checks = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(expected.keySet());
    if (extrasCount) {
      keys.addAll(actual.keySet());
    }
    for (String key : keys) {
      checks.add(new Check(kind, key, expected.getOrDefault(key, MISSING), actual.getOrDefault(key, MISSING)));
    }
    return checks;
  }
}
