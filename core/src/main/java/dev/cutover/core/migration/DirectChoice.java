package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The planner's decision for every PostgreSQL move that asks for {@link RestoreStrategy#DIRECT}: it stays DIRECT
 * only when the source adapter says the database can be read from here ({@code SourceApp.directConnection}: the
 * plan accepts outside connections, with the TLS it requires) and the mover can copy from it
 * ({@code DatabaseMover.checkCanCopyDirect}: it connects, read-only, and checks its tools against the server).
 * Otherwise the move falls back to {@link RestoreStrategy#PARALLEL} from a captured backup, and the plan says
 * why (a warning, and the move's {@code strategyReason}, which the fingerprint covers): refusing the plan would
 * only make the user pick the backup path by hand, while a plan approved as DIRECT no longer matches the
 * fallback, so an approval never runs a slower path than the one approved.
 */
final class DirectChoice {
  private DirectChoice() {}

  static List<PostgresMove> decide(List<PostgresMove> moves, MigrationOptions options, Wiring wiring,
      List<String> warnings) {
    List<PostgresMove> out = new ArrayList<>();
    for (PostgresMove m : moves) {
      if (!m.direct() || wiring.mover() == null) {
        out.add(m);
        continue;
      }
      try {
        PgConnection source = wiring.source().directConnection(m.source());
        wiring.redactor().register(source.password());
        wiring.mover().checkCanCopyDirect(source);
        if (options.jobs() != 0) {
          warnings.add("jobs " + options.jobs() + " does not apply to DIRECT: " + m.id()
              + " is copied with the data mover's own parallelism (PgMigrator.builder().jobs(n))");
        }
        out.add(m);
      } catch (MigrationCancelledException e) {
        throw e;
      } catch (MigrationException e) {
        String why = wiring.redactor().redact(Journal.firstLine(e.getMessage()));
        warnings.add("DIRECT refused for " + m.id() + ": " + why + "; it restores a captured backup with PARALLEL"
            + " instead (capture and download add to the downtime): fix the cause and plan again to copy directly,"
            + " or choose another strategy");
        out.add(m.withStrategy(RestoreStrategy.PARALLEL, "DIRECT refused: " + why));
      }
    }
    return out;
  }
}
