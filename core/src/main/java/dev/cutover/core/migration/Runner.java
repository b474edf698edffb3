package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.MigrationReport.Outcome;
import dev.cutover.core.report.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the chain of {@link Steps} over a plan, and owns only the loop: each step's journal status
 * (RUNNING before it starts, DONE or FAILED after), its events (listener and audit trail), the
 * interruption check between steps, and the verification gate before cutover steps. What a step
 * does is in its class; the attempt's set-up and tear-down in {@link Attempt}. One per run, one thread.
 */
final class Runner {
  private static final Logger log = LoggerFactory.getLogger(Runner.class);

  private final MigrationPlan plan;

  Runner(MigrationPlan plan) {
    this.plan = plan;
  }

  MigrationReport run(boolean resume, Optional<Approval> approval) {
    refuseIfBlocked();
    try (Attempt attempt = Attempt.open(plan, resume ? "resume" : "run", approval, resume)) {
      if (attempt.complete()) {
        return ReportAssembler.write(plan, attempt.journal().orElseThrow(), Outcome.COMPLETED,
            ReportAssembler.completedSummary(plan, attempt.journal().orElseThrow()));
      }
      StepContext ctx = attempt.begin();
      try {
        for (Step step : Steps.chain()) {
          next(step, ctx);
        }
      } catch (MigrationException e) {
        afterFailure(attempt, ctx, e);
        throw e;
      }
      attempt.end("COMPLETED", "every step done");
      return ReportAssembler.write(ctx, Outcome.COMPLETED, ReportAssembler.completedSummary(plan, ctx.journal()));
    }
  }

  /** A repository that cannot be deployed as it is stops the run before anything changes, until the deploy is done. */
  private void refuseIfBlocked() {
    boolean deployed = plan.resumesAt().map(s -> s.compareTo(MigrationStep.DEPLOY) > 0)
        .orElse(Journal.exists(plan.journal()));
    if (!plan.blockingFindings().isEmpty() && !deployed) {
      throw new ValidationException(MigrationStep.PREPARE_REPO.id(), plan.blockingFindings().stream()
          .map(f -> new ValidationException.Problem("deploy.repo " + f.location(), f.location(), f.problem(),
              f.fix() + "; then plan again (nothing was changed)")).toList());
    }
  }

  private void next(Step step, StepContext ctx) {
    Journal.StepState st = ctx.journal().step(step.id());
    if (st.status == StepStatus.DONE || st.status == StepStatus.SKIPPED) {
      return;
    }
    Optional<String> skip = step.skipReason(plan);
    if (skip.isPresent()) {
      st.status = StepStatus.SKIPPED;
      st.summary = skip.get();
      ctx.event("step-skipped", Map.of("step", step.id().id(), "why", skip.get()));
      return;
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new MigrationCancelledException(step.id().id(), step.id().id()
          + ": cancelled (thread interrupted) before the step started; resume() continues here", null);
    }
    Optional<MigrationStep> unverified = Steps.unverified(plan, ctx.journal());
    if (step.cutover() && !plan.dataMoves().isEmpty() && unverified.isPresent()) {
      throw new MigrationException(step.id().id(), step.id().id() + ": refused: the restored data has not passed"
          + " verification (" + unverified.get().id() + " is " + ctx.journal().step(unverified.get()).status
          + "); cutover steps run only after it passes", false, null);
    }
    execute(step, st, ctx);
  }

  private void execute(Step step, Journal.StepState st, StepContext ctx) {
    MigrationStep id = step.id();
    Instant start = ctx.now();
    st.status = StepStatus.RUNNING;
    st.attempts++;
    st.startedAt = start.toString();
    st.finishedAt = null;
    st.runner = "pid " + ProcessHandle.current().pid() + " on " + MigrationLock.hostName() + ", attempt " + ctx.attempt();
    ctx.event("step-started", Map.of("step", id.id(), "description", id.description()));
    log.info("Step {} started", id);
    ctx.listener().stepStarted(new MigrationEvent.StepStarted(id.id(), start, id.description()));
    String summary;
    try {
      summary = ctx.redactor().redact(step.run(ctx));
    } catch (MigrationCancelledException | VerificationFailedException e) {
      failed(id, st, start, e.getMessage(), ctx);
      throw e;
    } catch (MigrationException e) {
      failed(id, st, start, e.getMessage(), ctx);
      throw stepFailed(id, e);
    } catch (RuntimeException e) {
      MigrationException wrapped = new MigrationException(id.id(), ctx.redactor().redact(id.id() + ": "
          + e.getClass().getSimpleName() + ": " + e.getMessage()), false, e);
      failed(id, st, start, wrapped.getMessage(), ctx);
      throw wrapped;
    }
    Instant end = ctx.now();
    st.status = StepStatus.DONE;
    st.finishedAt = end.toString();
    st.durationMillis = Duration.between(start, end).toMillis();
    st.summary = summary;
    ctx.event("step-finished", Map.of("step", id.id(), "durationMillis", st.durationMillis, "summary", summary));
    log.info("Step {} done: {}", id, summary);
    ctx.listener().stepFinished(new MigrationEvent.StepFinished(id.id(), end, Duration.between(start, end), summary));
  }

  /**
   * An adapter's failure restated for the caller: which step of the migration failed, its cause's
   * words, and what to do next. Keeps the cause (and whether retrying can help).
   */
  private MigrationException stepFailed(MigrationStep step, MigrationException cause) {
    String message = cause.getMessage();
    String prefix = step.id() + ": ";
    return new MigrationException(step.id(), plan.wiring().redactor().redact((message.startsWith(prefix) ? "" : prefix)
        + message + " [step " + step.number() + ", " + step.description() + ", failed]. Fix the cause, then resume: it"
        + " continues at " + step.id() + " (MigrationPlan.resume(), or `cutover resume --journal " + plan.journal()
        + "`); or roll back (maintenance off, the source is primary again)."), cause.retryable(), cause);
  }

  private static void failed(MigrationStep step, Journal.StepState st, Instant start, String message, StepContext ctx) {
    Instant end = ctx.now();
    st.status = StepStatus.FAILED;
    st.finishedAt = end.toString();
    st.durationMillis = Duration.between(start, end).toMillis();
    st.summary = ctx.redactor().redact(String.valueOf(message));
    ctx.event("step-failed", Map.of("step", step.id(), "durationMillis", st.durationMillis, "message", st.summary));
    log.warn("Step {} failed: {}", step, st.summary);
    ctx.listener().stepFailed(new MigrationEvent.StepFailed(step.id(), end, Duration.between(start, end), st.summary));
  }

  private void afterFailure(Attempt attempt, StepContext ctx, MigrationException e) {
    ctx.tunnels().close();
    ctx.dumps().deleteAll(ctx.journal(), plan.options().keepDump());
    try {
      MigrationStep at = ctx.journal().firstUnfinished().orElse(MigrationStep.REPORT);
      String message = ctx.redactor().redact(Journal.firstLine(e.getMessage()));
      attempt.end(e instanceof MigrationCancelledException ? "CANCELLED" : "FAILED", message);
      ReportAssembler.write(ctx, Outcome.FAILED, "Failed at step " + at + ": " + message
          + ". Fix the cause, then resume (or roll back).");
    } catch (RuntimeException secondary) {
      log.warn("Could not write the failure report: {}", ctx.redactor().redact(String.valueOf(secondary.getMessage())));
    }
  }
}
