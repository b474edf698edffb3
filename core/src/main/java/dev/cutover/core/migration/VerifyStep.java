package dev.cutover.core.migration;

import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Step 10, the gate: every data move's target compared, content included, with its live source (or,
 * when the source cannot be reached from here, with the backup archive it was restored from). A
 * mismatch, or evidence that proves less than the content (counts only), fails the step with
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
    return "content digests of every table, sequences, large objects, schema, privileges and settings against the source"
        + " (else the backup archive); a mismatch, or less than the content proven, stops here";
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (PostgresMove m : ctx.plan().dataMoves(PostgresMove.class)) {
      Journal.MoveState state = ctx.move(m);
      Optional<PgConnection> source = SourceDatabase.of(ctx, m, id(), "verifying against the backup archive");
      RestoreResult restored = new RestoreResult(m.strategy(), Duration.ofMillis(state.restoreMillis), state.rowsRestored,
          state.restoreExpectedErrors, state.restoreWarnings);
      PgConnection target = ctx.tunnels().to(m.targetHandle()).connection();
      // The archive does not carry ALTER DATABASE … SET: take them from the source when it is reachable
      // (replacing what the restore derived), so verification compares like with like.
      int settings = source.map(src -> ctx.mover().copyDatabaseSettings(src, target).size()).orElse(0);
      VerificationRequest request = VerificationRequest.of(target).source(source).restored(restored);
      Optional<Path> archive = archive(ctx, m, source.isPresent());
      if (archive.isPresent()) {
        request = request.archive(archive.get());
      }
      VerificationReport v = redacted(ctx.mover().verify(request), ctx.redactor());
      // the write freeze (issue 17): the source's counters now against those the fence journalled
      v = WriteFence.atVerify(ctx, m, source, v);
      state.verification(v);
      ctx.save();
      if (!v.contentVerified()) {
        throw new VerificationFailedException(v);
      }
      state.verifiedAt = ctx.now().toString();
      ctx.tunnels().close(m.targetHandle());
      long notCompared = v.tables().stream().filter(t -> t.digest() == VerificationReport.Digest.NOT_COMPARED).count();
      out.append(out.length() == 0 ? "" : "; ").append(m.id()).append(" verified (").append(v.against()).append("): ")
          .append(v.tables().size()).append(" tables, ").append(v.totalRows()).append(" rows, ")
          .append(v.tables().size() - notCompared).append(" content digests match")
          .append(notCompared == 0 ? "" : " (" + notCompared + " not compared)").append(", all ")
          .append(v.checks().size()).append(" checks passed")
          .append(v.expectedLosses().isEmpty() ? "" : ", " + v.expectedLosses().size() + " expected losses")
          .append(v.notProven().isEmpty() ? "" : ", " + v.notProven().size() + " not proven")
          .append(source.isPresent() ? "; " + settings + " database settings copied from the source" : "");
    }
    return out.toString();
  }

  /**
   * The dump this move was restored from, the fallback evidence: the journalled one while it is
   * there; without a usable source, a fresh capture (the source is in maintenance, so it holds the
   * same data) when it is gone or changed. A move that restored from no dump (a direct copy) has none.
   */
  private static Optional<Path> archive(StepContext ctx, PostgresMove m, boolean sourceUsable) {
    Journal.MoveState state = ctx.move(m);
    if (state.dumpFile == null) {
      return Optional.empty();
    }
    Path file = Path.of(state.dumpFile);
    if (intact(file, state.dumpSizeBytes)) {
      return Optional.of(file);
    }
    return sourceUsable ? Optional.empty() : Optional.of(ctx.dumps().ensure(ctx, m));
  }

  /** Its size, not its hash: hashing a large dump again would lengthen the downtime, and a changed archive fails verification anyway. */
  private static boolean intact(Path file, long size) {
    try {
      return Files.isRegularFile(file) && Files.size(file) == size;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** The report with whatever a message may have carried of a secret masked, as everything the journal keeps. */
  private static VerificationReport redacted(VerificationReport v, Redactor r) {
    return new VerificationReport(v.evidence(), v.checks().stream().map(c -> new VerificationReport.Check(c.kind(),
        r.redact(c.name()), r.redact(c.expected()), r.redact(c.actual()))).toList(), v.tables(),
        v.expectedLosses().stream().map(r::redact).toList(), v.notProven().stream().map(r::redact).toList(), v.duration());
  }
}
