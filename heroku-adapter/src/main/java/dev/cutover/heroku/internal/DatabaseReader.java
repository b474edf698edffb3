package dev.cutover.heroku.internal;

import static dev.cutover.heroku.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.InventoryGap;
import dev.cutover.core.model.PostgresInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Heroku Postgres databases of one app, from its add-ons and attachments (already read) and
 * one data API request per database: each with its owner app, every attachment name and config
 * var, version, size and, for a follower, the add-on it follows. The URLs the data API answers
 * with ({@code resource_url}, {@code following}) are registered as secrets and never kept.
 */
public final class DatabaseReader {
  private static final String POSTGRES_PLAN_PREFIX = "heroku-postgresql:";
  private static final Pattern SIZE = Pattern.compile("([\\d.]+)\\s*(bytes|B|kB|KB|MB|GB|TB)");

  private final String app;
  private final PlatformApi dataApi;
  private final Redactor redactor;

  DatabaseReader(String app, PlatformApi dataApi, Redactor redactor) {
    this.app = app;
    this.dataApi = dataApi;
    this.redactor = redactor;
  }

  /**
   * Every Postgres database among {@code addonNodes} and {@code attachmentNodes}.
   *
   * @param configValues the app's config vars, to find a follower's leader by its URL as the CLI does
   * @param gaps where a database whose data API answer is 403/404/410 is noted, or null to throw
   */
  List<PostgresInfo> read(PlatformApi.Context ctx, List<JsonNode> addonNodes, List<JsonNode> attachmentNodes,
      Map<String, String> configValues, List<InventoryGap> gaps) {
    Map<String, JsonNode> postgres = new LinkedHashMap<>();
    for (JsonNode at : attachmentNodes) {
      String id = text(at.path("addon"), "id");
      Optional<JsonNode> addon = addonNodes.stream().filter(a -> text(a, "id").equals(id)).findFirst();
      String plan = addon.map(a -> text(a.path("plan"), "name")).orElse(text(at.path("addon").path("plan"), "name"));
      if (plan.startsWith(POSTGRES_PLAN_PREFIX)) {
        postgres.putIfAbsent(id, addon.orElse(at.path("addon")));
      }
    }
    addonNodes.stream().filter(a -> text(a.path("plan"), "name").startsWith(POSTGRES_PLAN_PREFIX))
        .forEach(a -> postgres.putIfAbsent(text(a, "id"), a));
    Map<String, String> addonNameByUrl = new LinkedHashMap<>();
    Map<String, JsonNode> infoById = new LinkedHashMap<>();
    postgres.forEach((id, addon) -> {
      String addonName = text(addon, "name");
      JsonNode info = Gaps.optional(gaps, "database " + addonName, null,
          () -> dataApi.get(ctx, "client/v11/databases/" + id, Map.of()));
      if (info != null) {
        infoById.put(id, info);
        String url = text(info, "resource_url");
        if (!url.isEmpty()) {
          Secrets.register(redactor, url);
          addonNameByUrl.put(url, addonName);
        }
      }
    });
    List<PostgresInfo> out = new ArrayList<>();
    postgres.forEach((id, addon) -> {
      List<JsonNode> attachments = attachmentsOf(id, attachmentNodes);
      List<String> names = attachments.stream().map(at -> text(at, "name")).toList();
      List<String> vars = configVarsOf(attachments);
      if (vars.isEmpty()) {
        names.forEach(n -> vars.add(n + "_URL"));
      }
      JsonNode info = infoById.getOrDefault(id, PlatformApi.MAPPER.nullNode());
      String following = text(info, "following");
      String leader = "";
      if (!following.isEmpty()) {
        Secrets.register(redactor, following);
        leader = addonNameByUrl.getOrDefault(following, leaderByConfigVar(following, configValues, attachmentNodes));
      }
      String owner = text(addon.path("app"), "name");
      String main = names.contains("DATABASE") ? "DATABASE" : names.isEmpty() ? text(addon, "name") : names.get(0);
      out.add(new PostgresInfo(text(addon, "name"), main, text(addon.path("plan"), "name").isEmpty()
          ? planOf(id, attachmentNodes) : text(addon.path("plan"), "name"), pgVersion(info), dataSize(info), id,
          owner.isEmpty() ? app : owner, names, vars, !following.isEmpty(), leader));
    });
    return out;
  }

  /** The add-on whose attachment's config var holds {@code url}, as the CLI resolves a follower's leader. */
  private static String leaderByConfigVar(String url, Map<String, String> configValues, List<JsonNode> attachments) {
    for (Map.Entry<String, String> v : configValues.entrySet()) {
      if (v.getValue().equals(url)) {
        String attachment = v.getKey().replaceFirst("_URL$", "");
        for (JsonNode at : attachments) {
          if (text(at, "name").equals(attachment)) {
            return text(at.path("addon"), "name");
          }
        }
      }
    }
    return "";
  }

  private static String planOf(String addonId, List<JsonNode> attachments) {
    return attachmentsOf(addonId, attachments).stream().map(at -> text(at.path("addon").path("plan"), "name"))
        .filter(p -> !p.isEmpty()).findFirst().orElse("");
  }

  static List<JsonNode> attachmentsOf(String addonId, List<JsonNode> attachments) {
    return attachments.stream().filter(at -> text(at.path("addon"), "id").equals(addonId)).toList();
  }

  static List<String> configVarsOf(List<JsonNode> attachments) {
    Set<String> vars = new LinkedHashSet<>();
    attachments.forEach(at -> at.path("config_vars").forEach(v -> vars.add(v.asText())));
    return new ArrayList<>(vars);
  }

  private static String pgVersion(JsonNode db) {
    String v = text(db, "postgres_version");
    return v.isEmpty() ? infoValue(db, "PG Version").orElse("") : v;
  }

  private static long dataSize(JsonNode db) {
    if (db.path("num_bytes").isNumber()) {
      return db.path("num_bytes").asLong();
    }
    return infoValue(db, "Data Size").map(DatabaseReader::parseSize).orElse(-1L);
  }

  private static Optional<String> infoValue(JsonNode db, String key) {
    for (JsonNode i : db.path("info")) {
      if (key.equals(text(i, "name")) && i.path("values").size() > 0) {
        return Optional.of(i.path("values").get(0).asText());
      }
    }
    return Optional.empty();
  }

  /** Parses sizes as pg:info prints them: {@code 8.1 MB}, {@code 1.18 GB}, {@code 512 kB}; -1 when not a size. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.find()) {
      return -1;
    }
    double n = Double.parseDouble(m.group(1));
    int power = switch (m.group(2)) {
      case "kB", "KB" -> 1;
      case "MB" -> 2;
      case "GB" -> 3;
      case "TB" -> 4;
      default -> 0;
    };
    return (long) (n * Math.pow(1024, power));
  }

}
