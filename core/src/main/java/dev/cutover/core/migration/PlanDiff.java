package dev.cutover.core.migration;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What differs between two canonical plans, as lines a reviewer reads:
 * {@code config[NEW_FLAG]: added (action COPY)}, {@code services[worker].count: 1 -> 2}. Entries of
 * named lists (config vars, services, endpoints, add-ons, data moves, repository changes, steps)
 * are matched by name, so one added config var is one line, not a shifted list.
 */
final class PlanDiff {
  private PlanDiff() {}

  static List<String> between(String approved, String current) {
    List<String> out = new ArrayList<>();
    diff("", PlanJson.parse(approved), PlanJson.parse(current), out);
    return out;
  }

  private static void diff(String path, JsonNode before, JsonNode after, List<String> out) {
    if (before.equals(after)) {
      return;
    }
    if (before.isObject() && after.isObject()) {
      TreeSet<String> fields = new TreeSet<>();
      before.fieldNames().forEachRemaining(fields::add);
      after.fieldNames().forEachRemaining(fields::add);
      for (String f : fields) {
        String p = path.isEmpty() ? f : path + "." + f;
        if (!before.has(f)) {
          out.add(p + ": added (" + brief(after.get(f)) + ")");
        } else if (!after.has(f)) {
          out.add(p + ": removed (was " + brief(before.get(f)) + ")");
        } else if (PlanJson.KEYS.containsKey(p) && before.get(f).isArray() && after.get(f).isArray()) {
          named(p, PlanJson.KEYS.get(p), before.get(f), after.get(f), out);
        } else {
          diff(p, before.get(f), after.get(f), out);
        }
      }
      return;
    }
    out.add(path + ": " + brief(before) + " -> " + brief(after));
  }

  private static void named(String path, String key, JsonNode before, JsonNode after, List<String> out) {
    Map<String, JsonNode> was = byKey(before, key);
    Map<String, JsonNode> now = byKey(after, key);
    was.forEach((k, v) -> {
      if (!now.containsKey(k)) {
        out.add(path + "[" + k + "]: removed (was " + brief(v) + ")");
      } else {
        diff(path + "[" + k + "]", v, now.get(k), out);
      }
    });
    now.forEach((k, v) -> {
      if (!was.containsKey(k)) {
        out.add(path + "[" + k + "]: added (" + brief(v) + ")");
      }
    });
  }

  private static Map<String, JsonNode> byKey(JsonNode array, String key) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    int i = 0;
    for (JsonNode n : array) {
      String k = n.path(key).asText("#" + i);
      // the same name twice (DATABASE_URL skipped, then set): keep both apart
      out.put(out.containsKey(k) ? k + "#" + i : k, n);
      i++;
    }
    return out;
  }

  /** A short rendering: scalars as they are, objects as their fields without the key noise. */
  private static String brief(JsonNode n) {
    if (n == null || n.isNull()) {
      return "none";
    }
    if (n.isValueNode()) {
      return n.asText();
    }
    if (n.isArray()) {
      List<String> items = new ArrayList<>();
      n.forEach(e -> items.add(brief(e)));
      return "[" + String.join(", ", items) + "]";
    }
    List<String> parts = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getKey().equals("reason") && !e.getKey().equals("why") && !e.getKey().equals("detail")) {
        parts.add(e.getKey() + " " + brief(e.getValue()));
      }
    }
    return String.join(", ", parts);
  }
}
