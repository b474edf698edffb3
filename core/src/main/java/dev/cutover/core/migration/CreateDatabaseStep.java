package dev.cutover.core.migration;

import java.util.Optional;
import java.util.stream.Collectors;

/** Step 5: one target database per data move, created unless it exists with the same type and version. */
final class CreateDatabaseStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.CREATE_DATABASE;
  }

  @Override
  public Optional<String> skipReason(MigrationPlan plan) {
    return plan.dataMoves().isEmpty() ? Optional.of("the source has no database") : Optional.empty();
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.dataMoves().stream().map(m -> "db:create " + m.targetHandle() + " --type " + m.target().type()
        + " --version " + m.target().version() + " --disk-size " + m.target().diskSizeGb() + " --container-size "
        + m.target().containerSizeMb()).collect(Collectors.joining("; ")) + " (reused if it exists)";
  }

  @Override
  public String run(StepContext ctx) {
    StringBuilder out = new StringBuilder();
    for (DataMove m : ctx.plan().dataMoves()) {
      ctx.target().ensureDatabase(m.targetHandle(), m.target());
      out.append(out.length() == 0 ? "" : "; ").append("database ").append(m.targetHandle()).append(" (")
          .append(m.target().type()).append(' ').append(m.target().version()).append(") ready");
    }
    return out.toString();
  }
}
