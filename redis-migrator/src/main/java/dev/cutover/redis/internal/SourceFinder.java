package dev.cutover.redis.internal;

import dev.cutover.core.Secret;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the app's Redis servers by what its config vars hold: an add-on is a Redis source when one
 * of the vars it provides is a {@code redis://} or {@code rediss://} URL. That covers
 * {@code heroku-redis} ({@code REDIS_URL}, {@code REDIS_TLS_URL}, attachment aliases such as
 * {@code HEROKU_REDIS_MAROON_URL}) and the third-party add-ons ({@code rediscloud}'s
 * {@code REDISCLOUD_URL}, {@code redistogo}'s {@code REDISTOGO_URL}, {@code openredis}'s
 * {@code OPENREDIS_URL}, {@code redisgreen}'s {@code REDISGREEN_URL}, {@code stackhero-redis}'s
 * {@code STACKHERO_REDIS_URL_TLS}, ...) without a list to keep up. App vars that hold a copy of one
 * of those URLs (say {@code SIDEKIQ_REDIS_URL}) point at the same server, so they are rewritten too.
 */
public final class SourceFinder {
  private SourceFinder() {}

  /** The Redis sources of {@code inventory}, in add-on order. */
  public static List<RedisSource> find(AppInventory inventory) {
    Map<String, Secret> values = new LinkedHashMap<>();
    inventory.configVars().forEach(v -> values.put(v.name(), v.value()));
    List<String> claimed = new ArrayList<>();
    inventory.addons().forEach(a -> claimed.addAll(a.configVars()));
    List<RedisSource> sources = new ArrayList<>();
    for (Addon addon : inventory.addons()) {
      List<String> vars = new ArrayList<>();
      List<String> tls = new ArrayList<>();
      List<String> servers = new ArrayList<>();
      for (String name : addon.configVars()) {
        parse(values.get(name)).ifPresent(c -> add(name, c, vars, tls, servers));
      }
      if (vars.isEmpty()) {
        continue;
      }
      for (ConfigVar v : inventory.configVars()) {
        if (!claimed.contains(v.name())) {
          parse(v.value()).filter(c -> servers.contains(server(c))).ifPresent(c -> add(v.name(), c, vars, tls, servers));
        }
      }
      sources.add(new RedisSource(addon.name(), addon.service(), addon.plan(), vars, tls));
    }
    return sources;
  }

  private static void add(String name, RedisConnection c, List<String> vars, List<String> tls, List<String> servers) {
    vars.add(name);
    if (c.tls()) {
      tls.add(name);
    }
    servers.add(server(c));
  }

  /** Host and password: Heroku's TLS URL is the same server on the next port. */
  private static String server(RedisConnection c) {
    return c.host() + "\n" + c.password().reveal();
  }

  private static Optional<RedisConnection> parse(Secret value) {
    if (value == null || !(value.reveal().startsWith("redis://") || value.reveal().startsWith("rediss://"))) {
      return Optional.empty();
    }
    try {
      return Optional.of(RedisConnection.parse(value));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
