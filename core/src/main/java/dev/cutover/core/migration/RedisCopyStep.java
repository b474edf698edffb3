package dev.cutover.core.migration;

import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every Redis move's keys copied into its Aptible Redis database over the database's tunnel, after
 * the write fence: {@code SCAN} the source, {@code DUMP} + {@code PTTL} in pipelined batches,
 * {@code RESTORE … REPLACE} with the remaining TTL. Every checkpoint is journalled (at most one a
 * second), so a re-run after a failure or a killed JVM continues from the last one; a copy that
 * had started and left no checkpoint replaces what it wrote.
 */
final class RedisCopyStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.REDIS_COPY;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return plan.dataMoves(RedisMove.class).isEmpty() ? Optional.of(plan.wiring().redis() == null
        ? "Redis data is not moved (no .redis(...) mover; Redis add-ons are manual follow-ups)"
        : "the source has no Redis add-on") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.dataMoves(RedisMove.class).stream().map(m -> m.sourceInfo().keys() + " keys of " + m.id() + " into "
        + m.targetHandle() + " over its tunnel" + (plan.options().replaceExisting() ? " (replacing existing data)"
        : " (must be empty)")).collect(Collectors.joining("; ")) + "; journalled, resumable";
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (RedisMove m : ctx.plan().dataMoves(RedisMove.class)) {
      Journal.MoveState state = ctx.move(m);
      if (state.restoredAt != null && state.redisCopy != null && state.redisCopy.finished()) {
        out.append(out.length() == 0 ? "" : "; ").append(m.targetHandle()).append(" already copied at ")
            .append(state.restoredAt);
        continue;
      }
      RedisConnection source = RedisMoves.source(ctx, m);
      RedisConnection target = RedisMoves.target(ctx, m);
      Optional<RedisCopyState> resumeFrom = Optional.ofNullable(state.redisCopy);
      boolean replace = ctx.plan().options().replaceExisting() || state.restoreAttempts > 0;
      state.restoreAttempts++;
      resumeFrom.ifPresent(r -> ctx.event("redis-copy-resumed", Map.of("move", m.id(), "keysBefore", r.keys(),
          "at", RedisMoves.perDatabase(r))));
      ctx.save();
      RedisCopyState copied = ctx.plan().wiring().redis().copy(source, target, resumeFrom, replace, checkpoint -> {
        state.redisCopy = checkpoint;
        ctx.save();
      }, ctx.listener());
      state.redisCopy = copied;
      state.restoreMillis = copied.duration(ctx.now().toEpochMilli()).toMillis();
      state.restoredAt = ctx.now().toString();
      ctx.save();
      out.append(out.length() == 0 ? "" : "; ").append(m.targetHandle()).append(": ").append(copied.keys())
          .append(" keys, ").append(RedisMoves.bytes(copied.bytes())).append(" copied from ").append(m.id())
          .append(" (").append(RedisMoves.perDatabase(copied)).append(") in ").append(state.restoreMillis).append(" ms")
          .append(resumeFrom.isPresent() ? ", resumed from the journalled checkpoint" : "")
          .append(replace && resumeFrom.isEmpty() ? ", replacing what an earlier attempt wrote" : "")
          .append(copied.certificatePin().isEmpty() ? "" : "; source certificate pinned " + copied.certificatePin());
    }
    return out.toString();
  }
}
