package dev.cutover.core.migration;

/** Step 4: the target app, created unless it exists. */
final class CreateAppStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.CREATE_APP;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return "apps:create " + plan.wiring().target().handle() + " in " + plan.wiring().target().environment()
        + " (reused if ours)";
  }

  @Override
  public String run(StepContext ctx) {
    ctx.target().ensureApp();
    return "app " + ctx.plan().target() + " ready";
  }
}
