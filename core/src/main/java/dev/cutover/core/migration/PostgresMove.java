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
 * restored with {@code strategy}, verified against the source.
 *
 * @param id the source attachment name (e.g. {@code DATABASE}), the journal's key for this move
 * @param source the Heroku database as inventoried
 * @param targetHandle the Aptible database's handle
 * @param target the Aptible database to create
 * @param strategy how the backup is restored
 * @param configVars the config vars set to the Aptible database's URL
 */
public record PostgresMove(String id, PostgresInfo source, String targetHandle, DatabaseSpec target,
    RestoreStrategy strategy, List<String> configVars) implements DataMove {
  /** Validates the components and copies the list; throws {@link NullPointerException} on a null component. */
  public PostgresMove {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(targetHandle, "targetHandle");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(strategy, "strategy");
    configVars = List.copyOf(configVars);
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
    m.put("configVars", configVars);
    return m;
  }
}
