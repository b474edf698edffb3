package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.StepStatus;
import java.util.Map;
import java.util.Optional;

/**
 * The Redis gate: every Redis move's target compared with its source key by key (counts per
 * database, types, value digests, TTLs within the copy's duration). A difference fails the step
 * with {@link VerificationFailedException}, and the runner lets no cutover step run until it passes.
 * The copy is then out of date (the source changed after the fence, or the target lost keys), so
 * its journal entry is cleared and {@code redis-copy} is pending again: a resume copies again,
 * replacing the target's data, and verifies again.
 */
final class RedisVerifyStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.REDIS_VERIFY;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return new RedisCopyStep().skipReason(plan);
  }

  @Override
  public String describe(MigrationPlan plan) {
    return "key counts per database, types, value digests and TTLs against the source; a difference stops here";
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (RedisMove m : ctx.plan().dataMoves(RedisMove.class)) {
      Journal.MoveState state = ctx.move(m);
      RedisCopyState copied = state.redisCopy;
      if (copied == null || !copied.finished()) {
        throw new MigrationException(id().id(), id().id() + ": the journal holds no finished copy of " + m.id()
            + " into " + m.targetHandle() + "; resume so that redis-copy runs first", false, null);
      }
      VerificationReport v = ctx.plan().wiring().redis().verify(RedisMoves.source(ctx, m), RedisMoves.target(ctx, m),
          copied);
      state.verification(v);
      if (!v.passed()) {
        reopenCopy(ctx, m, state, v);
        throw new VerificationFailedException(id(), "the Redis database " + m.targetHandle() + " (from " + m.id() + ")", v);
      }
      state.verifiedAt = ctx.now().toString();
      ctx.save();
      ctx.tunnels().close(m.targetHandle());
      out.append(out.length() == 0 ? "" : "; ").append(m.targetHandle()).append(": all ").append(v.checks().size())
          .append(" checks passed (").append(v.against()).append(" Redis: ").append(RedisMoves.perDatabase(copied))
          .append("; every key's type, value digest and TTL)");
    }
    return out.toString();
  }

  private void reopenCopy(StepContext ctx, RedisMove m, Journal.MoveState state, VerificationReport v) {
    state.redisCopy = null;
    state.restoredAt = null;
    Journal.StepState copy = ctx.journal().step(MigrationStep.REDIS_COPY);
    copy.status = StepStatus.PENDING;
    copy.summary = "to run again: redis-verify found " + v.mismatches().size() + " differences in " + m.targetHandle()
        + "; a resume copies again (replacing the target's data) and verifies again";
    ctx.event("step-reopened", Map.of("step", MigrationStep.REDIS_COPY.id(), "why", copy.summary));
  }
}
