package dev.cutover.core.migration;

import dev.cutover.core.report.StepStatus;
import java.util.ArrayList;
import java.util.List;

/** What exists on the target because of this migration, as the journal knows it: what a rollback leaves behind. */
final class TargetResources {
  private TargetResources() {}

  static List<String> of(MigrationPlan plan, Journal j) {
    List<String> out = new ArrayList<>();
    if (j.step(MigrationStep.CREATE_APP).attempts > 0) {
      out.add("app " + plan.target());
    }
    if (j.step(MigrationStep.CREATE_DATABASE).attempts > 0) {
      for (DataMove m : plan.dataMoves()) {
        out.add("database " + m.targetHandle() + " (" + m.target().type() + " " + m.target().version() + ")");
        Journal.MoveState state = j.moves.get(m.id());
        if (state != null && state.restoreAttempts > 0) {
          String verb = m instanceof RedisMove ? "copied" : "restored";
          out.add("data in " + m.targetHandle() + ": " + (state.restoredAt != null ? verb + " at " + state.restoredAt
              + (state.redisCopy != null ? " (" + state.redisCopy.keys() + " keys, " + RedisMoves.bytes(state.redisCopy.bytes())
              + ")" : "")
              : j.rolledBackAt != null ? verb + " before the rollback (out of date: the source takes writes again)"
              : m instanceof RedisMove ? "a partial copy" : "a partial restore"));
        }
      }
    }
    if (!j.configSet.isEmpty()) {
      out.add("config on " + plan.target() + ": " + String.join(", ", j.configSet) + " (values from the plan; "
          + String.join(", ", plan.dataMoves().stream().flatMap(m -> m.configVars().stream()).toList())
          + " point at the Aptible databases, flagged add-on vars still at Heroku's add-ons)");
    }
    if (j.deployedRevision != null) {
      out.add("deployed " + j.deployedRevision);
    }
    if (!j.servicesScaled.isEmpty() || j.step(MigrationStep.DEPLOY).status == StepStatus.DONE) {
      boolean zero = j.step(MigrationStep.SCALE).status == StepStatus.REVERTED;
      out.add("services " + String.join(", ", plan.services().stream().map(sp -> sp.service() + "="
          + (zero ? 0 : j.servicesScaled.contains(sp.service()) ? sp.count() : "as deployed")).toList())
          + (zero ? " (scaled to zero by the rollback)" : " (running)"));
    }
    j.endpoints.forEach(e -> out.add("HTTPS endpoint for " + e.service() + ": " + e.dnsTarget()
        + (e.custom() ? " serving " + e.domain() : " (default domain " + e.domain() + ")")));
    return out;
  }
}
