package dev.cutover.core.migration;

import dev.cutover.core.report.MigrationReport;

/**
 * Step 14: the dumps deleted (unless kept), the source marked as cut over ({@link CompletionMarker}),
 * and the report written. The runner writes it once more after the attempt's last event.
 */
final class ReportStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.REPORT;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return "JSON and Markdown in " + plan.workDirectory() + "; journal " + plan.journal() + "; event log "
        + EventLog.fileFor(plan.journal());
  }

  @Override
  public String run(StepContext ctx) {
    ctx.dumps().deleteAll(ctx.journal(), ctx.plan().options().keepDump());
    Journal j = ctx.journal();
    j.completedAt = ctx.now().toString();
    new CompletionMarker(j.migrationId, ctx.plan().source(), ctx.plan().target(), ctx.plan().journal().toString(),
        j.completedAt).write(ctx.workDirectory());
    ReportAssembler.write(ctx, MigrationReport.Outcome.COMPLETED, ReportAssembler.completedSummary(ctx.plan(), ctx.journal()));
    return "report written to " + ReportAssembler.json(ctx.plan()) + " and " + ReportAssembler.markdown(ctx.plan());
  }
}
