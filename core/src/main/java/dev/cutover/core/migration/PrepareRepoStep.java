package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.spi.RepoPreparation;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Step 3: writes the repository changes the plan lists, for the plan's port (so the prepared
 * Dockerfile exposes exactly the {@code PORT} the configure step sets). Refuses, before writing,
 * when the repository changed since the plan so that more would be written than was planned.
 */
final class PrepareRepoStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.PREPARE_REPO;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return (plan.repoChanges().isEmpty() ? "nothing to write: the repository is ready"
        : plan.repoChanges().stream().map(c -> c.path() + " (" + c.why() + ")").collect(Collectors.joining("; ")))
        + "; the app listens on port " + plan.port();
  }

  @Override
  public String run(StepContext ctx) {
    MigrationPlan plan = ctx.plan();
    Set<String> planned = plan.repoChanges().stream().map(RepoPreparation.Change::path).collect(Collectors.toSet());
    List<String> unplanned = ctx.preparation().preview(plan.deploy(), plan.inventory(), plan.port()).changes().stream()
        .map(RepoPreparation.Change::path).filter(p -> !planned.contains(p)).toList();
    if (!unplanned.isEmpty()) {
      throw new MigrationException(id().id(), id().id() + ": the repository changed since the plan: " + unplanned
          + " would now be written too; nothing was written. Plan again (and approve the new plan)", false, null);
    }
    List<RepoPreparation.Change> written = ctx.preparation().apply(plan.deploy(), plan.inventory(), plan.port());
    ctx.journal().repo = plan.repository();
    return (written.isEmpty() ? "repository ready, nothing written"
        : "wrote " + written.stream().map(c -> c.path() + " (" + c.why() + ")").collect(Collectors.joining(", ")))
        + "; port " + plan.port();
  }
}
