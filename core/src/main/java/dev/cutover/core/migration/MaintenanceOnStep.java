package dev.cutover.core.migration;

import java.util.Map;

/**
 * Step 6: the source goes into maintenance mode, and the downtime window opens (the event log
 * records when). The undo, registered before the call so a killed run cannot leave it unrecorded,
 * turns maintenance off again. Then the {@link WriteFence}: writers stopped, the freeze proven.
 */
final class MaintenanceOnStep implements Step {
  static final String UNDO_KEY = "maintenance";

  @Override
  public MigrationStep id() {
    return MigrationStep.MAINTENANCE_ON;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.wiring().source().maintenanceCommand(true) + " (downtime starts; the time is journalled; a rollback turns it off)"
        + WriteFence.describe(plan);
  }

  @Override
  public String run(StepContext ctx) {
    WriteFence.refuseOneOffDynos(ctx);
    ctx.registerUndo(id(), UNDO_KEY, "turn maintenance off on " + ctx.plan().source(), Map.of());
    ctx.source().maintenance(true);
    Journal j = ctx.journal();
    if (j.maintenanceOnAt == null) {
      j.maintenanceOnAt = ctx.event("maintenance-on", Map.of("app", ctx.plan().source())).toString();
      ctx.save();
    }
    return "maintenance on since " + j.maintenanceOnAt + "; downtime started; " + WriteFence.raise(ctx);
  }

  @Override
  public String undo(Journal.Undo undo, StepContext ctx) {
    if (undo.key.equals(WriteFence.UNDO_KEY)) {
      return WriteFence.undo(undo, ctx);
    }
    ctx.source().maintenance(false);
    ctx.journal().maintenanceOnAt = null;
    ctx.event("maintenance-off", Map.of("app", ctx.plan().source()));
    return "maintenance off on " + ctx.plan().source() + ": it serves and takes writes again";
  }
}
