package dev.cutover.core.migration;

import java.util.Map;

/** Step 12 (cutover): the code deployed; the revision (commit or image) goes into the audit trail, and the downtime window closes. */
final class DeployStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.DEPLOY;
  }

  @Override
  public boolean cutover() {
    return true;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return PlanText.describe(plan.deploy());
  }

  @Override
  public String run(StepContext ctx) {
    String revision = ctx.target().deploy(ctx.plan().deploy(), ctx.listener());
    ctx.journal().deployedRevision = revision;
    ctx.event("deployed", Map.of("revision", revision, "deploy", PlanText.describe(ctx.plan().deploy())));
    return PlanText.describe(ctx.plan().deploy()) + ": deployed " + revision;
  }
}
