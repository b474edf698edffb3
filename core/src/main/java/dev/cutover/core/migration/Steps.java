package dev.cutover.core.migration;

import dev.cutover.core.migration.MigrationPlan.PlannedStep;
import java.util.List;
import java.util.Optional;

/** The chain: every step, in pipeline order. A new step is one class and one entry here (and its {@link MigrationStep}). */
final class Steps {
  private static final List<Step> CHAIN = List.of(new InventoryStep(), new PreflightStep(), new PrepareRepoStep(),
      new CreateAppStep(), new CreateDatabaseStep(), new MaintenanceOnStep(), new CaptureStep(), new TunnelStep(),
      new RestoreStep(), new VerifyStep(), new RedisCopyStep(), new RedisVerifyStep(), new ConfigureStep(), new DeployStep(), new ScaleStep(), new ReportStep());

  private Steps() {}

  static List<Step> chain() {
    return CHAIN;
  }

  static Step of(MigrationStep id) {
    return CHAIN.stream().filter(s -> s.id() == id).findFirst()
        .orElseThrow(() -> new IllegalStateException("no step class for " + id));
  }

  /**
   * The first verification step (a gate) the plan runs that has not passed, if any: the runner lets no
   * cutover step run before every one has.
   */
  static Optional<MigrationStep> unverified(MigrationPlan plan, Journal journal) {
    return CHAIN.stream().filter(s -> s.id() == MigrationStep.VERIFY || s.id() == MigrationStep.REDIS_VERIFY)
        .filter(s -> s.skipReason(plan).isEmpty()).map(Step::id)
        .filter(id -> journal.step(id).status != dev.cutover.core.report.StepStatus.DONE).findFirst();
  }

  /** The plan's view of the chain: each step with what it will do, or why it is skipped. */
  static List<PlannedStep> describe(MigrationPlan plan) {
    return CHAIN.stream().map(s -> {
      Optional<String> skip = s.skipReason(plan);
      return new PlannedStep(s.id(), skip.isEmpty(), skip.map(r -> "skipped: " + r).orElseGet(() -> s.describe(plan)));
    }).toList();
  }
}
