package dev.cutover.maven;

import dev.cutover.core.migration.MigrationPlan;
import java.util.ArrayList;
import java.util.List;

/** What in a plan needs a person: its blocking findings, its warnings and every add-on the migration does not move. */
final class Findings {
  private Findings() {}

  /** One line per finding, in the plan's order; empty when the plan needs nobody. */
  static List<String> of(MigrationPlan plan) {
    List<String> findings = new ArrayList<>();
    plan.blockingFindings().forEach(f -> findings.add("blocking (the run refuses until fixed): " + f));
    plan.addons().stream().filter(a -> !a.migrated())
        .forEach(a -> findings.add("add-on " + a.name() + " (" + a.plan() + "): " + a.action()));
    plan.warnings().forEach(w -> findings.add("warning: " + w));
    return findings;
  }

  /** The build failure message for {@code findings}. */
  static String message(MigrationPlan plan, List<String> findings) {
    StringBuilder m = new StringBuilder("cutover:plan: " + plan.source() + " -> " + plan.target() + " has "
        + findings.size() + (findings.size() == 1 ? " finding" : " findings")
        + " (failOnFindings is on; handle each, or set <failOnFindings>false</failOnFindings>):");
    findings.forEach(f -> m.append("\n  - ").append(f));
    return m.toString();
  }
}
