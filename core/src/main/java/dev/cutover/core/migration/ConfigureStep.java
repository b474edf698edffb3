package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Step 11 (cutover): the config vars the plan decided, in one operation: copied ones with the
 * source's values, each data move's variables with its target database's URL, {@code PORT} with the
 * plan's port.
 */
final class ConfigureStep implements Step {
  @Override
  public MigrationStep id() {
    return MigrationStep.CONFIGURE;
  }

  @Override
  public boolean cutover() {
    return true;
  }

  @Override
  public String describe(MigrationPlan plan) {
    return plan.config().stream().filter(c -> c.action() != ConfigDecision.Action.SKIP).count() + " vars set on "
        + plan.target() + " (PORT=" + plan.port() + "), "
        + plan.config().stream().filter(c -> c.action() == ConfigDecision.Action.SKIP).count() + " skipped";
  }

  @Override
  public String run(StepContext ctx) {
    MigrationPlan plan = ctx.plan();
    Map<String, Secret> vars = new LinkedHashMap<>();
    for (ConfigDecision c : plan.config()) {
      switch (c.action()) {
        case COPY, COPY_FLAGGED -> plan.inventory().configVar(c.name()).ifPresent(v -> vars.put(c.name(), v.value()));
        case SET -> vars.put(c.name(), value(ctx, c.name()));
        case SKIP -> { }
      }
    }
    ctx.target().setConfig(vars);
    ctx.journal().configSet = new ArrayList<>(vars.keySet().stream().sorted().toList());
    return vars.size() + " config vars set (" + String.join(", ", ctx.journal().configSet) + "), PORT=" + plan.port();
  }

  /** What the plan said a SET var becomes: a data move's target URL, or the port. */
  private static Secret value(StepContext ctx, String name) {
    if (name.equals("PORT")) {
      return Secret.of(Integer.toString(ctx.plan().port()));
    }
    Optional<DataMove> move = ctx.plan().dataMoves().stream().filter(m -> m.configVars().contains(name)).findFirst();
    if (move.isEmpty()) {
      throw new MigrationException("configure", "configure: the plan sets " + name + " but no data move provides it;"
          + " this is a bug in the plan", false, null);
    }
    if (move.get() instanceof RedisMove redis) {
      return RedisMoves.url(ctx, redis, name);
    }
    return ctx.redactor().register(ctx.target().databaseUrl(move.get().targetHandle()));
  }
}
