package dev.cutover.core.migration;

import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import java.util.List;
import java.util.Map;

/**
 * The restore step of a {@link PostgresMove#direct() DIRECT} move: the live source (the write fence holds it
 * still) copied straight into the target through the tunnel, every committed piece journalled in the move's
 * state ({@link MoveCopyJournal}), so that a resume after a crash keeps what finished (the mover checks it
 * before skipping) and copies the rest. No dump is captured or read.
 */
final class DirectRestore {
  private DirectRestore() {}

  static String run(StepContext ctx, PostgresMove m) {
    Journal.MoveState state = ctx.move(m);
    PgConnection source = ctx.source().directConnection(m.source());
    ctx.redactor().register(source.password());
    MoveCopyJournal journal = new MoveCopyJournal(ctx, state);
    int kept = journal.entries().size();
    List<String> keptTables = journal.finishedTables();
    boolean replace = ctx.plan().options().replaceExisting() || state.restoreAttempts > 0;
    state.restoreAttempts++;
    ctx.save();
    if (kept > 0) {
      ctx.event("copy-resumed", Map.of("step", MigrationStep.RESTORE.id(), "move", m.id(), "entries", kept,
          "tables", keptTables));
    }
    RestoreResult result = ctx.mover().copyDirect(source, ctx.tunnels().to(m.targetHandle()).connection(), replace,
        journal, ctx.listener());
    RestoreStep.restored(ctx, state, result);
    ctx.event("copy-finished", Map.of("step", MigrationStep.RESTORE.id(), "move", m.id(), "kept", keptTables,
        "entries", journal.entries().size()));
    return result.totalRows() + " rows in " + result.rowsRestored().size() + " tables copied with DIRECT from the live"
        + " source" + (kept > 0 ? " (" + keptTables.size() + " tables an earlier attempt finished were kept, not copied"
        + " again)" : replace ? " (replacing what an earlier attempt wrote)" : "") + " in " + result.duration().toMillis()
        + " ms";
  }
}
