package dev.cutover.core.migration;

import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.model.RestoreStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Heroku Postgres database moved into an Aptible PostgreSQL database: captured, downloaded,
 * restored with {@code strategy}, verified against the source; or, with {@link RestoreStrategy#DIRECT},
 * copied straight from the live source (no backup), then verified.
 *
 * @param id the source attachment name (e.g. {@code DATABASE}), the journal's key for this move
 * @param source the Heroku database as inventoried
 * @param targetHandle the Aptible database's handle
 * @param target the Aptible database to create
 * @param strategy how the data reaches the target
 * @param configVars the config vars set to the Aptible database's URL
 * @param strategyReason why {@code strategy} is not the one asked for (DIRECT refused, and why); empty when it is
 */
public record PostgresMove(String id, PostgresInfo source, String targetHandle, DatabaseSpec target,
    RestoreStrategy strategy, List<String> configVars, String strategyReason) implements DataMove {
  /** Validates the components and copies the list; throws {@link NullPointerException} on a null component. */
  public PostgresMove {
    Objects.requireNonNull(strategyReason, "strategyReason");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(targetHandle, "targetHandle");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(strategy, "strategy");
    configVars = List.copyOf(configVars);
  }

  /**
   * A move with the strategy asked for.
   *
   * @param id see {@link #id()}
   * @param source see {@link #source()}
   * @param targetHandle see {@link #targetHandle()}
   * @param target see {@link #target()}
   * @param strategy see {@link #strategy()}
   * @param configVars see {@link #configVars()}
   */
  public PostgresMove(String id, PostgresInfo source, String targetHandle, DatabaseSpec target, RestoreStrategy strategy,
      List<String> configVars) {
    this(id, source, targetHandle, target, strategy, configVars, "");
  }

  /** Whether the data is copied straight from the live source ({@link RestoreStrategy#DIRECT}): no backup, no dump. */
  public boolean direct() {
    return strategy == RestoreStrategy.DIRECT;
  }

  /**
   * Whether the restore starts while the backup downloads, so the downtime is about the longer of the two
   * rather than their sum: {@code mover} says so for this strategy (a DIRECT move downloads nothing).
   */
  boolean restoresWhileDownloading(dev.cutover.core.spi.DatabaseMover mover) {
    return !direct() && mover != null && mover.restoresWhileDownloading(strategy);
  }

  /** This move restoring with {@code other} instead, because of {@code reason}. */
  PostgresMove withStrategy(RestoreStrategy other, String reason) {
    return new PostgresMove(id, source, targetHandle, target, other, configVars, reason);
  }

  @Override
  public Map<String, Object> decisions() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "postgresql");
    m.put("id", id);
    m.put("sourceAddon", source.addonName());
    m.put("sourceAttachment", source.attachmentName());
    m.put("sourcePlan", source.plan());
    m.put("sourceVersion", source.version());
    m.put("targetHandle", targetHandle);
    m.put("targetType", target.type());
    m.put("targetVersion", target.version());
    m.put("diskSizeGb", target.diskSizeGb());
    m.put("containerSizeMb", target.containerSizeMb());
    m.put("restoreStrategy", strategy.name());
    if (!strategyReason.isEmpty()) {
      m.put("restoreStrategyReason", strategyReason);
    }
    m.put("configVars", configVars);
    return m;
  }
}
