package dev.cutover.redis.internal;

import dev.cutover.core.model.RedisServerInfo;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Parses {@code INFO} (the default sections: server, memory, keyspace, ...). */
public final class Info {
  private Info() {}

  /** Reads {@code INFO} over {@code link}. */
  public static RedisServerInfo read(Link link, String certificatePin) {
    byte[] reply = (byte[]) link.call(Link.Cmd.INFO);
    return parse(new String(reply, StandardCharsets.UTF_8), certificatePin);
  }

  /** Parses the text of an {@code INFO} reply. */
  public static RedisServerInfo parse(String info, String certificatePin) {
    Map<String, String> fields = new HashMap<>();
    TreeMap<Integer, RedisServerInfo.Keyspace> keyspace = new TreeMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      if (line.startsWith("#") || colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      if (key.matches("db\\d+")) {
        Map<String, String> parts = new HashMap<>();
        for (String kv : value.split(",")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            parts.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
        keyspace.put(Integer.parseInt(key.substring(2)), new RedisServerInfo.Keyspace(
            number(parts.get("keys")), number(parts.get("expires"))));
      } else {
        fields.put(key, value);
      }
    }
    return new RedisServerInfo(fields.getOrDefault("redis_version", ""), fields.getOrDefault("run_id", ""),
        number(fields.get("used_memory")), number(fields.get("maxmemory")),
        fields.getOrDefault("maxmemory_policy", ""), keyspace, certificatePin);
  }

  private static long number(String s) {
    return s == null || !s.matches("\\d+") ? 0 : Long.parseLong(s);
  }
}
