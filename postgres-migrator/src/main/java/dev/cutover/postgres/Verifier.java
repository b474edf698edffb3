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
   * Checks of {@code target} against what a restore counted: rows per table, materialized views
   * populated, and a {@code search_path} setting that includes every schema in
   * {@code extensionSchemas} (what a restore derives when the source's settings are unknown).
   */
  static VerificationReport compareWithCounts(Map<String, Long> restored, List<String> extensionSchemas,
      Snapshot target) {
    List<Check> checks = new ArrayList<>();
    for (Map.Entry<String, Long> e : new java.util.TreeMap<>(restored).entrySet()) {
      Long actual = target.rows().get(e.getKey());
      checks.add(new Check("rows", e.getKey(), e.getValue().toString(), actual == null ? MISSING : actual.toString()));
    }
    for (Map.Entry<String, Long> e : target.rows().entrySet()) {
      if (e.getValue() < 0) {
        checks.add(new Check("rows", e.getKey(), "populated", "not populated"));
      }
    }
    if (!extensionSchemas.isEmpty()) {
      String path = target.settings().get("search_path");
      boolean ok = path != null && TargetDatabase.splitList(path).containsAll(extensionSchemas);
      checks.add(new Check("setting", "search_path includes " + String.join(", ", extensionSchemas), "yes",
          ok ? "yes" : "no (" + (path == null ? "not set" : path) + ")"));
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
