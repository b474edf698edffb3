package dev.cutover.core.migration;

import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.RedisSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Redis add-on moved into an Aptible Redis database: every key of every logical database copied
 * with its TTL after the write fence, verified key by key, and the add-on's config vars pointed at
 * the new database ({@code rediss://} vars at its {@code redis+ssl} credential).
 *
 * @param id the add-on's name (e.g. {@code redis-clear-12345}), the journal's key for this move
 * @param source the add-on and the config vars that point at it
 * @param sourceInfo what the server said about itself when planned, with its pinned certificate
 * @param targetHandle the Aptible database's handle
 * @param target the Aptible database to create (type {@code redis})
 */
public record RedisMove(String id, RedisSource source, RedisServerInfo sourceInfo, String targetHandle,
    DatabaseSpec target) implements DataMove {
  /** Validates the components; throws {@link NullPointerException} on a null component. */
  public RedisMove {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sourceInfo, "sourceInfo");
    Objects.requireNonNull(targetHandle, "targetHandle");
    Objects.requireNonNull(target, "target");
  }

  /** The add-on's config vars: each is set to the Aptible database's URL. */
  @Override
  public List<String> configVars() {
    return source.configVars();
  }

  /** The credential type a config var gets: {@code redis+ssl} for a var that held a {@code rediss://} URL. */
  public String credentialType(String configVar) {
    return source.tlsConfigVars().contains(configVar) ? "redis+ssl" : "redis";
  }

  @Override
  public Map<String, Object> decisions() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "redis");
    m.put("id", id);
    m.put("sourceAddon", source.addonName());
    m.put("sourceService", source.service());
    m.put("sourcePlan", source.plan());
    m.put("sourceVersion", sourceInfo.version());
    m.put("sourceCertificatePin", sourceInfo.certificatePin());
    m.put("targetHandle", targetHandle);
    m.put("targetType", target.type());
    m.put("targetVersion", target.version());
    m.put("diskSizeGb", target.diskSizeGb());
    m.put("containerSizeMb", target.containerSizeMb());
    m.put("configVars", source.configVars());
    m.put("tlsConfigVars", source.tlsConfigVars());
    return m;
  }
}
