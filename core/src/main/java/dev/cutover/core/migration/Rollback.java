package dev.cutover.core.migration;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.ServicePlan;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the source back its primary role, truthfully: replays the undo records the steps
 * journalled, newest first (maintenance off, and whatever else a step changed on the source),
 * optionally scales the target's services to zero, and then says exactly what it did and what is
 * left on the target. Only a step whose changes were all undone is marked REVERTED; the data and
 * cutover steps, whose results are out of date once the source takes writes again, go back to
 * PENDING (a resume runs them again) and stay listed as left on the target. Refuses when another
 * completed migration cut the source over since.
 */
final class Rollback {
  private static final Logger log = LoggerFactory.getLogger(Rollback.class);
  private static final String STEP = "rollback";

  private final MigrationPlan plan;

  Rollback(MigrationPlan plan) {
    this.plan = plan;
  }

  MigrationReport run(Set<RollbackOption> options) {
    try (Attempt attempt = Attempt.open(plan, STEP, java.util.Optional.empty(), true)) {
      Journal before = attempt.journal().orElseThrow();
      CompletionMarker.read(plan.workDirectory(), plan.source()).filter(m -> !m.migrationId().equals(before.migrationId))
          .ifPresent(m -> {
            throw new ValidationException(STEP, List.of(new ValidationException.Problem("rollback", plan.source(),
                "refused: " + m.describe() + "; turning maintenance off now would put " + plan.source()
                    + " back into service beside " + m.target(), "roll back that migration instead (cutover rollback"
                    + " --journal " + m.journal() + ") if the source is to be primary again; nothing was changed")));
          });
      StepContext ctx = attempt.begin();
      Instant start = ctx.now();
      ctx.event("rollback-started", Map.of("options", options.stream().map(Enum::name).toList()));
      ctx.listener().stepStarted(new MigrationEvent.StepStarted(STEP, start, "undo what the run changed on "
          + plan.source() + (options.contains(RollbackOption.SCALE_TARGET_TO_ZERO) ? "; scale the target to zero" : "")));
      List<String> done = new ArrayList<>();
      try {
        undoSourceChanges(ctx, done);
      } catch (MigrationException e) {
        String message = ctx.redactor().redact(e.getMessage());
        ctx.listener().stepFailed(new MigrationEvent.StepFailed(STEP, ctx.now(), Duration.between(start, ctx.now()), message));
        ctx.event("rollback-failed", Map.of("undone", done, "message", message));
        attempt.end("FAILED", message);
        throw e;
      }
      if (options.contains(RollbackOption.SCALE_TARGET_TO_ZERO)) {
        scaleTargetToZero(ctx, done);
      }
      Journal j = ctx.journal();
      markSteps(j, done);
      ctx.dumps().deleteAll(j, plan.options().keepDump());
      j.moves.values().forEach(m -> {
        m.dumpFile = null;
        m.dumpSha256 = null;
        m.backupId = null;
        m.freezeBaseline = null;
        m.restoredAt = null;
        m.verifiedAt = null;
        m.copied = new java.util.ArrayList<>();
        m.redisCopy = null;
      });
      j.completedAt = null;
      j.rolledBackAt = ctx.now().toString();
      CompletionMarker.removeIfOurs(plan.workDirectory(), plan.source(), j.migrationId);
      if (done.isEmpty()) {
        done.add("nothing to undo on " + plan.source() + ": the run had not changed it");
      }
      List<String> remaining = TargetResources.of(plan, j);
      ctx.event("rollback-finished", Map.of("undone", done, "remaining", remaining));
      attempt.end("ROLLED_BACK", String.join("; ", done));
      ctx.listener().stepFinished(new MigrationEvent.StepFinished(STEP, ctx.now(), Duration.between(start, ctx.now()),
          String.join("; ", done)));
      log.info("Rolled back {}: {}", plan.journal(), done);
      return ReportAssembler.write(ctx, MigrationReport.Outcome.ROLLED_BACK, "Rolled back: " + String.join("; ", done)
          + ". " + plan.source() + " is primary again; what remains on the target is listed below.");
    }
  }

  /** Every pending undo record, newest first; each journalled done as soon as it is. Stops at the first that fails. */
  private static void undoSourceChanges(StepContext ctx, List<String> done) {
    List<Journal.Undo> pending = new ArrayList<>(ctx.journal().undo.stream().filter(u -> u.doneAt == null).toList());
    java.util.Collections.reverse(pending);
    for (Journal.Undo u : pending) {
      MigrationStep step = MigrationStep.byId(u.step).orElseThrow(() -> new MigrationException(STEP, STEP
          + ": the journal holds an undo of an unknown step '" + u.step + "'; restore the journal from a backup"));
      String what = ctx.redactor().redact(Steps.of(step).undo(u, ctx));
      u.doneAt = ctx.now().toString();
      ctx.event("undone", Map.of("step", u.step, "undo", u.description, "result", what));
      done.add(what);
    }
  }

  /** Scales every service the run deployed or scaled to zero; a service it cannot scale is reported, not fatal. */
  private void scaleTargetToZero(StepContext ctx, List<String> done) {
    Journal j = ctx.journal();
    boolean deployed = j.step(MigrationStep.DEPLOY).status == StepStatus.DONE || !j.servicesScaled.isEmpty();
    if (!deployed) {
      done.add("nothing to scale on " + plan.target() + ": no service was deployed");
      return;
    }
    boolean all = true;
    for (ServicePlan sp : plan.services()) {
      try {
        ctx.target().scale(sp.service(), 0, sp.containerSizeMb());
        done.add("scaled " + sp.service() + " to 0 on " + plan.target());
      } catch (MigrationException e) {
        all = false;
        done.add("could not scale " + sp.service() + " to 0 on " + plan.target() + ": " + ctx.redactor().redact(e.getMessage()));
      }
    }
    ctx.event("target-scaled-to-zero", Map.of("complete", all));
    if (all) {
      j.step(MigrationStep.SCALE).status = StepStatus.REVERTED;
      j.step(MigrationStep.SCALE).summary = "scaled to zero by the rollback; runs again on resume";
    }
  }

  /**
   * REVERTED only for steps whose every undo ran; the steps after maintenance-on that had run are
   * out of date once the source takes writes again, so a resume runs them again (PENDING), and what
   * they made stays on the target.
   */
  private static void markSteps(Journal j, List<String> done) {
    for (MigrationStep step : MigrationStep.values()) {
      Journal.StepState st = j.step(step);
      List<Journal.Undo> undos = j.undo.stream().filter(u -> u.step.equals(step.id())).toList();
      if (!undos.isEmpty() && undos.stream().allMatch(u -> u.doneAt != null) && st.status != StepStatus.PENDING) {
        st.status = StepStatus.REVERTED;
        st.summary = "undone by the rollback at " + undos.get(undos.size() - 1).doneAt + "; runs again on resume";
      } else if (step.compareTo(MigrationStep.MAINTENANCE_ON) > 0 && st.status != StepStatus.REVERTED
          && (st.status == StepStatus.DONE || st.status == StepStatus.FAILED || st.status == StepStatus.RUNNING)) {
        st.status = StepStatus.PENDING;
        st.summary = "not undone: out of date since the rollback (the source takes writes again); what it made is"
            + " left on the target, and a resume runs it again";
      }
    }
  }
}
