package dev.cutover.core.migration;

/** Step 1: the source as {@link Migration#plan()} read it; journalled done when the journal is created. */
final class InventoryStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.INVENTORY;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.inventory().toString();
  }

  @Override
  public String run(StepContext ctx) {
    return ctx.plan().inventory().toString();
  }
}
