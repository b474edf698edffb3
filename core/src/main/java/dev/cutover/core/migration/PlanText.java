package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan.PlannedStep;
import dev.cutover.core.model.Deploy;

/** The plan as text for humans (not yet redacted: {@link MigrationPlan#render()} redacts). */
final class PlanText {
  private PlanText() {}

  static String render(MigrationPlan plan) {
    StringBuilder out = new StringBuilder();
    out.append("Migration plan: ").append(plan.source()).append(" (Heroku) -> ").append(plan.target()).append(" (Aptible)\n");
    out.append("  fingerprint ").append(plan.fingerprint()).append("\n");
    out.append("  journal ").append(plan.journal())
        .append(plan.resumesAt().map(s -> "  (resumes at " + s + ")").orElse("")).append("\n\n");
    if (!plan.blockingFindings().isEmpty()) {
      out.append("BLOCKED: run() refuses, before changing anything, until these repository problems are fixed:\n");
      plan.blockingFindings().forEach(f -> out.append("  X ").append(f).append("\n"));
      out.append("\n");
    }
    for (PlannedStep s : plan.steps()) {
      out.append(String.format("  %2d. %-16s %s%n", s.step().number(), s.step().id(),
          (s.willRun() ? "" : "[skip] ") + s.detail()));
    }
    out.append("\nPort: ").append(plan.port()).append(" (").append(plan.portReason()).append(")\n");
    out.append("\nConfig vars:\n");
    for (ConfigDecision c : plan.config()) {
      out.append(String.format("  %-13s %-32s %s%n", c.action(), c.name(), c.reason()));
    }
    out.append("\nServices:\n");
    if (plan.services().isEmpty()) {
      out.append("  none in the formation\n");
    }
    plan.services().forEach(sp -> out.append(String.format("  %-10s x%d  %5d MB  (%s)  %s%n", sp.service(), sp.count(),
        sp.containerSizeMb(), sp.sizing(), sp.command())));
    plan.releaseCommand().ifPresent(r -> out.append("  release    -> .aptible.yml before_deploy: ").append(r).append("\n"));
    out.append("\nData:\n");
    if (plan.dataMoves().isEmpty()) {
      out.append("  none\n");
    }
    plan.dataMoves(PostgresMove.class).forEach(m -> out.append("  ").append(m.id()).append(" (").append(m.source().addonName())
        .append(", PostgreSQL ").append(m.source().version()).append(") -> ").append(m.targetHandle()).append(" (")
        .append(m.target().type()).append(' ').append(m.target().version()).append("), ").append(m.strategy())
        .append("; ").append(String.join(", ", m.configVars())).append(" set to its URL\n"));
    plan.dataMoves(RedisMove.class).forEach(m -> out.append("  ").append(RedisMoves.describe(m)).append("\n"));
    out.append("\nEndpoints:\n");
    if (plan.endpoints().isEmpty()) {
      out.append("  none\n");
    }
    plan.endpoints().forEach(e -> {
      if (e.domains().isEmpty()) {
        out.append("  HTTPS ").append(e.service()).append(" (default domain)\n");
      }
      e.domains().forEach(d -> out.append("  HTTPS ").append(e.service()).append(" managed TLS for ").append(d)
          .append(" (its own endpoint; CNAME it to that endpoint after the run)\n"));
    });
    out.append("\nAdd-ons:\n");
    if (plan.addons().isEmpty()) {
      out.append("  none\n");
    }
    plan.addons().forEach(a -> out.append("  ").append(a.migrated() ? "[migrated] " : "[manual]   ").append(a.name())
        .append(" (").append(a.plan()).append("): ").append(a.action()).append("\n"));
    if (!plan.warnings().isEmpty()) {
      out.append("\nWarnings:\n");
      plan.warnings().forEach(w -> out.append("  ! ").append(w).append("\n"));
    }
    if (!plan.repoNotes().isEmpty()) {
      out.append("\nRepository notes (what the preparation did, and steps left to you):\n");
      plan.repoNotes().forEach(n -> out.append("  - ").append(n).append("\n"));
    }
    return out.toString();
  }

  static String describe(Deploy deploy) {
    if (deploy instanceof Deploy.Git g) {
      return "git push " + g.branch() + ":master from " + g.repo();
    }
    if (deploy instanceof Deploy.DockerImage d) {
      return "deploy --docker-image " + d.image() + (d.credentials().isPresent() ? " (private registry)" : "");
    }
    return "none";
  }
}
