package dev.cutover.core.migration;

import dev.cutover.core.spi.DatabaseTunnel;
import java.util.Optional;
import java.util.stream.Collectors;

/** Step 8: a tunnel to every target database, ready when the step ends; the attempt closes them. */
final class TunnelStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.TUNNEL;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return plan.dataMoves().isEmpty() ? Optional.of("the source has no database") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.dataMoves().stream().map(m -> "db:tunnel " + m.targetHandle()).collect(Collectors.joining("; "));
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (DataMove m : ctx.plan().dataMoves()) {
      DatabaseTunnel t = ctx.tunnels().to(m.targetHandle());
      out.append(out.length() == 0 ? "" : "; ").append("tunnel to ").append(m.targetHandle()).append(" open at ")
          .append(t.connection().host()).append(':').append(t.connection().port());
    }
    return out.toString();
  }
}
