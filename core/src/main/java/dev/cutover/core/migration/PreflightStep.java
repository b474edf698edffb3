package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Step 2: the work directory, disk space for every dump, and the restore path of every data move, before any downtime. */
final class PreflightStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.PREFLIGHT;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return "disk space in " + plan.workDirectory() + plan.dataMoves(PostgresMove.class).stream()
        .map(m -> ", " + m.strategy() + " can restore PostgreSQL " + m.source().version()).reduce("", String::concat)
        + ", inputs re-checked";
  }

  @Override
  public String run(StepContext ctx) {
    Path dumps = ctx.dumps().directory();
    StringBuilder out = new StringBuilder("work directory " + ctx.workDirectory() + " ready");
    List<PostgresMove> moves = ctx.plan().dataMoves(PostgresMove.class);
    if (moves.isEmpty()) {
      return out.toString();
    }
    long free;
    try {
      free = Files.getFileStore(dumps).getUsableSpace();
    } catch (IOException e) {
      throw new MigrationException("preflight", "preflight: cannot read the free space of " + dumps + " ("
          + e.getMessage() + ")", false, e);
    }
    long needed = moves.stream().mapToLong(m -> Math.max(0, m.source().dataSizeBytes())).sum();
    if (needed > 0 && free < needed) {
      throw new MigrationException("preflight", "preflight: not enough disk space for the dumps in " + dumps
          + " (free " + free + " bytes, the databases hold " + needed + " bytes); free space or pass another workDirectory",
          false, null);
    }
    out.append(", ").append(free / (1024 * 1024)).append(" MB free");
    for (PostgresMove m : moves) {
      ctx.mover().checkCanRestore(m.source(), m.strategy());
      out.append("; ").append(m.strategy()).append(" can restore PostgreSQL ").append(m.source().version());
    }
    return out.toString();
  }
}
