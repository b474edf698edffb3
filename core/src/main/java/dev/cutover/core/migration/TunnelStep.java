package dev.cutover.core.migration;

import dev.cutover.core.spi.DatabaseTunnel;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Step 8: a tunnel to every target PostgreSQL database, ready when the step ends; the attempt closes
 * them. (A Redis copy opens its own tunnel when it runs.)
 */
final class TunnelStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.TUNNEL;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).isEmpty() ? Optional.of("the source has no database") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.dataMoves(PostgresMove.class).stream().map(m -> "db:tunnel " + m.targetHandle()).collect(Collectors.joining("; "));
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (DataMove m : ctx.plan().dataMoves(PostgresMove.class)) {
      DatabaseTunnel t = ctx.tunnels().to(m.targetHandle());
      out.append(out.length() == 0 ? "" : "; ").append("tunnel to ").append(m.targetHandle()).append(" open at ")
          .append(t.connection().host()).append(':').append(t.connection().port());
    }
    return out.toString();
  }
}
