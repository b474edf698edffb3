package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.MigrationReport.Outcome;

/** What the user still has to do by hand, for the outcome at hand. */
final class FollowUps {
  private FollowUps() {}

  static void add(MigrationPlan plan, Journal j, Outcome outcome, MigrationReport.Builder b) {
    String app = plan.source();
    switch (outcome) {
      case COMPLETED -> {
        j.endpoints.stream().filter(Journal.Endpoint::custom).forEach(e -> {
          b.followUp("Change DNS: CNAME " + e.domain() + " to " + e.dnsTarget()
              + " (an apex domain needs an ALIAS/ANAME record).");
          b.followUp("Once DNS resolves, run `" + plan.wiring().target().activateTlsCommand(e.dnsTarget())
              + "` once to activate managed TLS for " + e.domain() + ".");
        });
        b.followUp("Check the app on Aptible, then delete the Heroku app " + app
            + " (it stays in maintenance mode until then).");
      }
      case FAILED -> b.followUp("Fix the cause of the failure, then resume (`cutover resume` or plan.resume()); "
          + (j.inMaintenance() ? app + " is still in maintenance mode: resume soon or roll back."
          : app + " is not in maintenance mode."));
      case ROLLED_BACK -> b.followUp(app + " is primary again. The target resources listed here were left in place:"
          + " delete them, or resume later (the data is captured and restored again). Do not point DNS at them.");
    }
    plan.config().stream().filter(c -> c.action() == ConfigDecision.Action.COPY_FLAGGED)
        .forEach(c -> b.followUp("Review " + c.name() + ": " + c.reason() + "."));
    plan.addons().stream().filter(a -> !a.migrated()).forEach(a -> b.followUp(a.name() + " (" + a.service() + "): "
        + a.action() + "."));
    j.moves.values().forEach(m -> m.restoreWarnings.forEach(w -> b.followUp("Restore warning: " + w)));
    plan.warnings().forEach(w -> b.followUp("Plan warning: " + w));
  }
}
