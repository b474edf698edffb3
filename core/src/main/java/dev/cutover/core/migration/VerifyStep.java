package dev.cutover.core.migration;

import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.VerificationReport;
import java.time.Duration;
import java.util.Optional;

/**
 * Step 10, the gate: every data move's target compared with its source (or, when the source cannot
 * be reached from here, with what the restore counted). A mismatch fails the step with
 * {@link VerificationFailedException}, and the runner lets no cutover step run until it passes.
 */
final class VerifyStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.VERIFY;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).isEmpty() ? Optional.of("the source has no database") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return "row counts, sequences, objects, extensions and settings against the source; a mismatch stops here";
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (PostgresMove m : ctx.plan().dataMoves(PostgresMove.class)) {
      Journal.MoveState state = ctx.move(m);
      Optional<PgConnection> source = ctx.source().databaseUrl(m.source().attachmentName()).flatMap(url -> {
        ctx.redactor().register(url);
        try {
          return Optional.of(PgConnection.parse(url));
        } catch (IllegalArgumentException e) {
          ctx.warning(id(), "the source database URL of " + m.id() + " cannot be used (" + e.getMessage()
              + "); verifying against the restore's counts");
          return Optional.empty();
        }
      });
      RestoreResult restored = new RestoreResult(m.strategy(), Duration.ofMillis(state.restoreMillis), state.rowsRestored,
          state.restoreExpectedErrors, state.restoreWarnings);
      PgConnection target = ctx.tunnels().to(m.targetHandle()).connection();
      // The archive does not carry ALTER DATABASE … SET: take them from the source when it is reachable
      // (replacing what the restore derived), so verification compares like with like.
      int settings = source.map(src -> ctx.mover().copyDatabaseSettings(src, target).size()).orElse(0);
      VerificationReport v = ctx.mover().verify(target, source, restored);
      // the write freeze (issue 17): the source's counters now against those the fence journalled
      v = WriteFence.atVerify(ctx, m, source, v);
      state.verification(v);
      ctx.save();
      if (!v.passed()) {
        throw new VerificationFailedException(v);
      }
      state.verifiedAt = ctx.now().toString();
      ctx.tunnels().close(m.targetHandle());
      out.append(out.length() == 0 ? "" : "; ").append("all ").append(v.checks().size()).append(" checks passed against the ")
          .append(v.against()).append(source.isPresent() ? "; " + settings + " database settings copied from the source" : "");
    }
    return out.toString();
  }
}
