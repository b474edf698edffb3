package dev.cutover.core.migration;

import dev.cutover.core.spi.BackupRef;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Step 7: a fresh backup of every PostgreSQL data move, captured once maintenance is on, downloaded
 * to a private file and inspected; a move that restores while downloading ({@link OverlapRestore}) is
 * only captured here, and downloaded by the restore step. A move whose journalled dump is still there
 * and unchanged, or whose journalled backup was captured behind the fence, is not captured again.
 */
final class CaptureStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.CAPTURE;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    if (plan.dataMoves(PostgresMove.class).isEmpty()) {
      return Optional.of("the source has no database");
    }
    return backedUp(plan).isEmpty() ? Optional.of("DIRECT copies straight from the source database in the restore"
        + " step: no backup to capture or download") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return backedUp(plan).stream().map(m -> "pg:backups:capture " + m.source().attachmentName()
        + (m.restoresWhileDownloading(plan.wiring().mover()) ? " (downloaded by the restore step, which restores while it downloads)"
            : ", download to " + plan.workDirectory().resolve("dumps") + " (0600 in 0700), SHA-256 journalled"))
        .collect(Collectors.joining("; "));
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (PostgresMove m : backedUp(ctx.plan())) {
      Journal.MoveState state = ctx.move(m);
      out.append(out.length() == 0 ? "" : "; ");
      if (Dumps.intact(state)) {
        out.append("backup ").append(state.backupId).append(" of ").append(m.id()).append(" already downloaded");
      } else if (!m.restoresWhileDownloading(ctx.mover())) {
        out.append(ctx.dumps().capture(ctx, m));
      } else if (Dumps.canDownloadAgain(state)) {
        out.append("backup ").append(state.backupId).append(" of ").append(m.id())
            .append(" already captured; the restore step downloads it");
      } else {
        BackupRef ref = ctx.dumps().backup(ctx, m);
        out.append("backup ").append(ref.id()).append(ref.app().isEmpty() ? "" : " (listed on " + ref.app() + ")")
            .append(" of ").append(m.id()).append(" captured; the restore step downloads it");
      }
    }
    return out.toString();
  }

  /** The moves restored from a backup: every one but the DIRECT ones. */
  static java.util.List<PostgresMove> backedUp(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).stream().filter(m -> !m.direct()).toList();
  }
}
