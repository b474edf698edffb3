package dev.cutover.core.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Step 7: a fresh backup of every PostgreSQL data move, captured once maintenance is on, downloaded
 * to a private file and inspected. A move whose journalled dump is still there and unchanged (an
 * earlier attempt of this step got that far) is not captured again.
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
    return backedUp(plan).stream().map(m -> "pg:backups:capture " + m.source().attachmentName())
        .collect(Collectors.joining("; ")) + ", download to " + plan.workDirectory().resolve("dumps")
        + " (0600 in 0700), SHA-256 journalled";
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (PostgresMove m : backedUp(ctx.plan())) {
      Journal.MoveState state = ctx.move(m);
      boolean have = state.dumpFile != null && Files.isRegularFile(Path.of(state.dumpFile))
          && Dumps.sha256(Path.of(state.dumpFile)).equals(state.dumpSha256);
      out.append(out.length() == 0 ? "" : "; ").append(have ? "backup " + state.backupId + " of " + m.id()
          + " already downloaded" : ctx.dumps().capture(ctx, m));
    }
    return out.toString();
  }

  /** The moves restored from a backup: every one but the DIRECT ones. */
  static java.util.List<PostgresMove> backedUp(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).stream().filter(m -> !m.direct()).toList();
  }
}
