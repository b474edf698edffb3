package dev.cutover.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A Redis add-on of the source app and the config vars that point at it.
 *
 * @param addonName the add-on's name, e.g. {@code redis-clear-12345}
 * @param service e.g. {@code heroku-redis} or {@code rediscloud}
 * @param plan e.g. {@code heroku-redis:premium-0}
 * @param configVars every config var whose value is this server's URL, the add-on's own first
 *     ({@code REDIS_URL}, {@code REDIS_TLS_URL}, attachment aliases), then app vars holding a copy
 * @param tlsConfigVars those of {@code configVars} holding a {@code rediss://} URL
 */
public record RedisSource(String addonName, String service, String plan, List<String> configVars,
    List<String> tlsConfigVars) {
  /** Validates the components and copies collections; throws on a null component or an empty var list. */
  public RedisSource {
    Objects.requireNonNull(addonName, "addonName");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(plan, "plan");
    configVars = List.copyOf(configVars);
    tlsConfigVars = List.copyOf(tlsConfigVars);
    if (configVars.isEmpty()) {
      throw new IllegalArgumentException("a Redis source needs at least one config var: " + addonName);
    }
    if (!configVars.containsAll(tlsConfigVars)) {
      throw new IllegalArgumentException("tlsConfigVars must be among configVars: " + tlsConfigVars);
    }
  }

  /** The config var to connect with: the first TLS one, else the first. */
  public String connectVar() {
    return tlsConfigVars.isEmpty() ? configVars.get(0) : tlsConfigVars.get(0);
  }
}
