package dev.cutover.core.migration;

import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Step 9: every PostgreSQL data move's dump restored into its target database with the plan's
 * strategy, or, for a DIRECT move, the live source copied straight in ({@link DirectRestore}), or, for a
 * move that restores while downloading, the backup downloaded as it is restored ({@link OverlapRestore}). A restore this migration started before (killed, failed, or rolled back since) left
 * data behind: replacing it is this migration's to do. A move already restored from its current
 * dump is not restored again.
 */
final class RestoreStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.RESTORE;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).isEmpty() ? Optional.of("the source has no database") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).stream().map(m -> (m.direct() ? "DIRECT from the live "
        + m.source().attachmentName() + " (one snapshot, TLS as the source requires, journalled per table so a resume"
        + " keeps what finished)" : m.strategy() + (m.strategyReason().isEmpty() ? "" : " (" + m.strategyReason() + ")")
        + (plan.options().jobs() == 0 ? "" : " with " + plan.options().jobs() + " jobs")) + " into " + m.targetHandle()
        + (plan.options().replaceExisting() ? " (replacing existing data)" : " (must be empty)")
        + (m.restoresWhileDownloading(plan.wiring().mover()) ? ", while the backup downloads to " + plan.workDirectory().resolve("dumps")
            + " (0600 in 0700; the restore starts on its first bytes and is done only once the download's size and"
            + " SHA-256 are checked; journalled per table so a resume keeps what finished)" : ""))
        .collect(Collectors.joining("; "));
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (PostgresMove m : ctx.plan().dataMoves(PostgresMove.class)) {
      Journal.MoveState state = ctx.move(m);
      if (state.restoredAt != null) {
        out.append(out.length() == 0 ? "" : "; ").append(m.id()).append(" already restored at ").append(state.restoredAt);
        continue;
      }
      if (m.direct()) {
        out.append(out.length() == 0 ? "" : "; ").append(DirectRestore.run(ctx, m));
        continue;
      }
      if (m.restoresWhileDownloading(ctx.mover())) {
        out.append(out.length() == 0 ? "" : "; ").append(OverlapRestore.run(ctx, m));
        continue;
      }
      Path dump = ctx.dumps().ensure(ctx, m);
      boolean replace = ctx.plan().options().replaceExisting() || state.restoreAttempts > 0;
      state.restoreAttempts++;
      // a DIRECT copy's progress (the plan fell back since) no longer describes a target this restore replaces
      state.copied = new ArrayList<>();
      ctx.save();
      // the live source, when usable, gives what the archive lacks (extension versions, revocations from PUBLIC)
      Optional<PgConnection> source = SourceDatabase.of(ctx, m, id(), "restoring from the archive alone");
      PgConnection target = ctx.tunnels().to(m.targetHandle()).connection();
      int jobs = ctx.plan().options().jobs();
      RestoreResult result = source.isPresent()
          ? ctx.mover().restore(dump, target, m.strategy(), replace, jobs, source.get(), ctx.listener())
          : ctx.mover().restore(dump, target, m.strategy(), replace, jobs, ctx.listener());
      restored(ctx, state, result);
      out.append(out.length() == 0 ? "" : "; ").append(result.totalRows()).append(" rows in ")
          .append(result.rowsRestored().size()).append(" tables restored with ").append(result.strategy())
          .append(replace ? " (replacing what an earlier attempt wrote)" : "").append(" in ")
          .append(result.duration().toMillis()).append(" ms");
    }
    return out.toString();
  }

  /** Journals {@code result} as the move's finished restore (warnings redacted). */
  static void restored(StepContext ctx, Journal.MoveState state, RestoreResult result) {
    state.rowsRestored = new LinkedHashMap<>(result.rowsRestored());
    state.restoreExpectedErrors = new LinkedHashMap<>(result.expectedErrors());
    state.restoreWarnings = new ArrayList<>(result.warnings().stream().map(ctx.redactor()::redact).toList());
    state.restoreMillis = result.duration().toMillis();
    state.restoredAt = ctx.now().toString();
    ctx.save();
  }
}
