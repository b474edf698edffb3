package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.PlannedStep;
import java.util.List;
import java.util.Optional;

/** The chain: every step, in pipeline order. A new step is one class and one entry here (and its {@link MigrationStep}). */
final class Steps {
  private static final List<Step> CHAIN = List.of(new InventoryStep(), new PreflightStep(), new PrepareRepoStep(),
      new CreateAppStep(), new CreateDatabaseStep(), new MaintenanceOnStep(), new CaptureStep(), new TunnelStep(),
      new RestoreStep(), new VerifyStep(), new ConfigureStep(), new DeployStep(), new ScaleStep(), new ReportStep());

  private Steps() {}

  static List<Step> chain() {
    return CHAIN;
  }

  static Step of(MigrationStep id) {
    return CHAIN.stream().filter(s -> s.id() == id).findFirst()
        .orElseThrow(() -> new IllegalStateException("no step class for " + id));
  }

  /** The plan's view of the chain: each step with what it will do, or why it is skipped. */
  static List<PlannedStep> describe(MigrationPlan plan) {
    return CHAIN.stream().map(s -> {
      Optional<String> skip = s.skipReason(plan);
      return new PlannedStep(s.id(), skip.isEmpty(), skip.map(r -> "skipped: " + r).orElseGet(() -> s.describe(plan)));
    }).toList();
  }
}
