package dev.cutover.core.model;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The comparison of a restored database with its source.
 *
 * @param against what the target was compared with: {@code source database} or {@code restore counts}
 * @param checks every check made
 */
public record VerificationReport(String against, List<VerificationReport.Check> checks) {
  /**
   * One comparison.
   *
   * @param kind e.g. {@code rows}, {@code sequence}, {@code indexes}, {@code extension}, {@code setting}
   * @param name what was compared, e.g. {@code public.users}
   * @param expected the source's value
   * @param actual the target's value
   */
  public record Check(String kind, String name, String expected, String actual) {
    public Check {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(expected, "expected");
      Objects.requireNonNull(actual, "actual");
    }

    public boolean ok() {
      return expected.equals(actual);
    }
  }

  public VerificationReport {
    Objects.requireNonNull(against, "against");
    checks = List.copyOf(checks);
  }

  public boolean passed() {
    return checks.stream().allMatch(Check::ok);
  }

  public List<Check> mismatches() {
    return checks.stream().filter(c -> !c.ok()).toList();
  }

  /** A plain-text table of the mismatches (or "all N checks passed"). */
  public String describeMismatches() {
    if (passed()) {
      return "all " + checks.size() + " checks passed";
    }
    return mismatches().stream()
        .map(c -> String.format("  %-10s %-40s expected %-12s actual %s", c.kind(), c.name(), c.expected(), c.actual()))
        .collect(Collectors.joining("\n", mismatches().size() + " of " + checks.size() + " checks failed:\n", ""));
  }
}
