package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The Platform API routes of {@link FakeHeroku}: apps, formation, dynos, config vars, add-ons and
 * attachments, domains, buildpacks, releases, slugs, OCI images, features. Attachments carry
 * {@code addon.plan} and {@code config_vars} only when {@code Accept-Inclusion} asks for them;
 * add-ons carry their full {@code addon_service} and {@code plan} only when {@code Accept-Expansion}
 * does. Lists are paged by {@code Range} ({@link Ranges}).
 */
final class FakePlatformApi {
  private static final int DEFAULT_PAGE = 200;

  private final Function<String, Optional<FakeApp>> findApp;
  private final Supplier<Collection<FakeApp>> allApps;
  private final IntSupplier rateLimitRemaining;

  FakePlatformApi(Function<String, Optional<FakeApp>> findApp, Supplier<Collection<FakeApp>> allApps,
      IntSupplier rateLimitRemaining) {
    this.findApp = findApp;
    this.allApps = allApps;
    this.rateLimitRemaining = rateLimitRemaining;
  }

  FakeHeroku.Reply route(String method, String path, Map<String, String> headers, String body) throws IOException {
    String[] s = path.substring(1).split("/");
    String range = headers.get("range");
    Set<String> inclusion = tokens(headers.get("accept-inclusion"));
    Set<String> expansion = tokens(headers.get("accept-expansion"));
    if (path.equals("/account") && method.equals("GET")) {
      return FakeHeroku.ok(FakeApp.JSON.createObjectNode().put("id", FakeApp.uuid("owner")).put("email", "owner@example.com"));
    }
    if (path.equals("/account/rate-limits") && method.equals("GET")) {
      return FakeHeroku.ok(FakeApp.JSON.createObjectNode().put("remaining", rateLimitRemaining.getAsInt()));
    }
    if (path.equals("/addon-attachments") && method.equals("GET")) {
      List<ObjectNode> all = new ArrayList<>();
      allApps.get().forEach(a -> all.addAll(a.attachmentsJson()));
      return list(included(all, inclusion), range, "id");
    }
    if (s.length == 3 && s[0].equals("addons") && s[2].equals("addon-attachments") && method.equals("GET")) {
      List<ObjectNode> all = new ArrayList<>();
      allApps.get().forEach(a -> a.attachmentsJson().stream()
          .filter(at -> at.path("addon").path("id").asText().equals(s[1]) || at.path("addon").path("name").asText().equals(s[1]))
          .forEach(all::add));
      return all.isEmpty() ? FakeHeroku.error(404, "not_found", "Couldn't find that add-on.")
          : list(included(all, inclusion), range, "id");
    }
    if (path.equals("/actions/addon-attachments/resolve") && method.equals("POST")) {
      return resolveAttachment(FakeApp.JSON.readTree(body), inclusion);
    }
    if (s[0].equals("apps") && s.length >= 2) {
      Optional<FakeApp> found = findApp.apply(s[1]);
      if (found.isEmpty()) {
        return FakeHeroku.error(404, "not_found", "Couldn't find that app.");
      }
      return appRoute(found.get(), method, s, range, body, inclusion, expansion);
    }
    return FakeHeroku.error(404, "not_found", "Not found.");
  }

  private FakeHeroku.Reply appRoute(FakeApp app, String method, String[] s, String range, String body,
      Set<String> inclusion, Set<String> expansion) throws IOException {
    String sub = s.length > 2 ? s[2] : "";
    String item = s.length > 3 ? s[3] : null;
    switch (method + " " + sub + (item == null ? "" : "/*")) {
      case "GET ":
        return FakeHeroku.ok(app.json());
      case "PATCH ":
        JsonNode patch = FakeApp.JSON.readTree(body);
        if (patch.has("maintenance")) {
          app.setMaintenance(patch.get("maintenance").asBoolean());
        }
        return FakeHeroku.ok(app.json());
      case "GET config-vars":
        return FakeHeroku.ok(app.configVarsJson());
      case "GET formation":
        return list(app.formationJson(), range, "id");
      case "GET formation/*":
        return formation(app, item).map(FakeHeroku::ok)
            .orElseGet(() -> FakeHeroku.error(404, "not_found", "Couldn't find that formation."));
      case "PATCH formation":
        return scale(app, FakeApp.JSON.readTree(body).path("updates"));
      case "PATCH formation/*":
        ArrayNode one = FakeApp.JSON.createArrayNode();
        one.add(((ObjectNode) FakeApp.JSON.readTree(body)).put("type", item));
        FakeHeroku.Reply r = scale(app, one);
        return r.status() != 200 ? r : FakeHeroku.ok(formation(app, item).orElseThrow());
      case "GET dynos":
        return list(app.dynosJson(), range, "id");
      case "GET collaborators":
        return FakeHeroku.ok(FakeApp.JSON.createArrayNode());
      case "GET pipeline-couplings":
        return FakeHeroku.error(404, "not_found", "Couldn't find that pipeline coupling.");
      case "GET addons":
        return list(app.addonsJson().stream().map(a -> expanded(a, expansion)).toList(), range, "id");
      case "GET addon-attachments":
        return list(included(app.attachmentsJson(), inclusion), range, "id");
      case "GET domains":
        return list(app.domainsJson(), range, "id");
      case "GET buildpack-installations":
        return FakeHeroku.ok(FakeApp.JSON.valueToTree(app.buildpacksJson()));
      case "GET releases":
        return list(app.releases().list(), range, "version");
      case "GET releases/*":
        return app.releases().list().stream()
            .filter(rel -> rel.path("id").asText().equals(item) || rel.path("version").asText().equals(item))
            .findFirst().map(FakeHeroku::ok).orElseGet(() -> FakeHeroku.error(404, "not_found", "Couldn't find that release."));
      case "GET slugs/*":
        return app.releases().slug(item).map(FakeHeroku::ok)
            .orElseGet(() -> FakeHeroku.error(404, "not_found", "Couldn't find that slug."));
      case "GET oci-images/*":
        return app.releases().ociImage(item).map(FakeHeroku::ok)
            .orElseGet(() -> FakeHeroku.error(404, "not_found", "Couldn't find that OCI image."));
      case "GET features":
        return list(app.featuresJson(), range, "id");
      default:
        return FakeHeroku.error(404, "not_found", "Not found.");
    }
  }

  private static Optional<ObjectNode> formation(FakeApp app, String typeOrId) {
    return app.formationJson().stream().filter(f -> f.path("type").asText().equals(typeOrId)
        || f.path("id").asText().equals(typeOrId)).findFirst();
  }

  /** The batch update: every type must exist (422 otherwise, nothing changed); quantities may be relative. */
  private static FakeHeroku.Reply scale(FakeApp app, JsonNode updates) {
    for (JsonNode u : updates) {
      if (formation(app, u.path("type").asText()).isEmpty()) {
        return FakeHeroku.error(404, "not_found", "Couldn't find that process type (" + u.path("type").asText() + ").");
      }
      if (!u.path("quantity").isMissingNode() && !u.path("quantity").asText().matches("[+-]?\\d+")) {
        return FakeHeroku.error(422, "invalid_params", "Invalid quantity: " + u.path("quantity").asText());
      }
    }
    for (JsonNode u : updates) {
      String size = u.hasNonNull("size") ? u.get("size").asText()
          : u.path("dyno_size").hasNonNull("name") ? u.path("dyno_size").get("name").asText() : null;
      String quantity = u.path("quantity").isMissingNode() ? "+0" : u.path("quantity").asText();
      app.scale(u.path("type").asText(), quantity, size);
    }
    return FakeHeroku.ok(FakeApp.JSON.valueToTree(app.formationJson()));
  }

  private FakeHeroku.Reply resolveAttachment(JsonNode request, Set<String> inclusion) {
    String wanted = request.path("addon_attachment").asText();
    String bare = wanted.replaceFirst("_URL$", "");
    Optional<FakeApp> scope = request.hasNonNull("app") ? findApp.apply(request.get("app").asText()) : Optional.empty();
    List<ObjectNode> out = new ArrayList<>();
    for (FakeApp app : scope.map(List::of).orElseGet(() -> List.copyOf(allApps.get()))) {
      for (ObjectNode at : app.attachmentsJson()) {
        if (at.path("name").asText().equals(bare) || at.path("addon").path("name").asText().equals(wanted)
            || at.path("id").asText().equals(wanted)) {
          out.add(at);
        }
      }
    }
    return out.isEmpty() ? FakeHeroku.error(404, "not_found", "Couldn't find that add on attachment.")
        : FakeHeroku.ok(FakeApp.JSON.valueToTree(included(out, inclusion)));
  }

  /** Attachments as Heroku serves them: {@code addon.plan} and {@code config_vars} only when included. */
  private static List<ObjectNode> included(List<ObjectNode> attachments, Set<String> inclusion) {
    for (ObjectNode at : attachments) {
      if (!inclusion.contains("addon:plan")) {
        ((ObjectNode) at.path("addon")).remove("plan");
      }
      if (!inclusion.contains("config_vars")) {
        at.remove("config_vars");
      }
    }
    return attachments;
  }

  /** An add-on as Heroku serves it: only {@code id} and {@code name} of its service and plan unless expanded. */
  private static ObjectNode expanded(ObjectNode addon, Set<String> expansion) {
    for (String field : List.of("addon_service", "plan")) {
      if (!expansion.contains(field)) {
        ObjectNode full = (ObjectNode) addon.path(field);
        ObjectNode brief = FakeApp.JSON.createObjectNode().put("id", full.path("id").asText())
            .put("name", full.path("name").asText());
        addon.set(field, brief);
      }
    }
    return addon;
  }

  private static Set<String> tokens(String header) {
    if (header == null || header.isBlank()) {
      return Set.of();
    }
    Set<String> out = new java.util.HashSet<>();
    for (String t : header.split(",")) {
      out.add(t.trim());
    }
    return out;
  }

  private static FakeHeroku.Reply list(List<ObjectNode> all, String range, String field) {
    Ranges.Page page = Ranges.page(all, range, field, DEFAULT_PAGE);
    ArrayNode out = FakeApp.JSON.createArrayNode();
    page.items().forEach(out::add);
    if (page.nextRange() == null) {
      return FakeHeroku.ok(out);
    }
    return new FakeHeroku.Reply(206, FakeHeroku.bytes(out), FakeHeroku.JSON_TYPE, Map.of("Next-Range", page.nextRange()));
  }
}
