package dev.cutover.testkit.heroku;

import static dev.cutover.testkit.heroku.FakeApp.CREATED;
import static dev.cutover.testkit.heroku.FakeApp.JSON;
import static dev.cutover.testkit.heroku.FakeApp.uuid;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The Platform API's JSON for apps, add-ons, attachments, domains and dynos, with the fields the
 * schema lists (heroku/platform-api {@code schema.json}); {@code app} is the {@code {id, name}}
 * reference of the app they belong to.
 */
final class HerokuJson {
  private HerokuJson() {}

  /** {@code GET /apps/{app}}. */
  static ObjectNode app(ObjectNode ref, String stack, String region, String generation, boolean maintenance,
      List<String> buildpacks, String herokuDomain) {
    String name = ref.path("name").asText();
    String id = ref.path("id").asText();
    ObjectNode a = JSON.createObjectNode();
    a.put("id", id);
    a.put("name", name);
    a.put("acm", false);
    a.putNull("archived_at");
    a.put("buildpack_provided_description", buildpacks.isEmpty() ? null : buildpacks.get(0));
    a.putObject("build_stack").put("id", uuid("stack:" + stack)).put("name", stack);
    a.putObject("stack").put("id", uuid("stack:" + stack)).put("name", stack);
    a.put("created_at", CREATED);
    a.put("updated_at", CREATED);
    a.put("released_at", CREATED);
    a.putObject("generation").put("id", uuid("generation:" + generation)).put("name", generation);
    a.put("git_url", "https://git.heroku.com/" + name + ".git");
    a.putNull("internal_routing");
    a.put("maintenance", maintenance);
    a.putObject("owner").put("id", uuid("owner")).put("email", "owner@example.com");
    a.putNull("organization");
    a.putNull("team");
    a.putObject("region").put("id", uuid("region:" + region)).put("name", region);
    a.putNull("repo_size");
    a.put("slug_size", 0);
    a.putNull("space");
    a.put("web_url", "https://" + herokuDomain + "/");
    return a;
  }

  /** An add-on of the app {@code app} with every field an {@code Accept-Expansion} can add. */
  static ObjectNode addon(ObjectNode app, String addonName, String plan, List<String> vars, String state) {
    String name = app.path("name").asText();
    String id = app.path("id").asText();
    String service = FakeApp.service(plan);
    String addonId = uuid("addon:" + name + ":" + addonName);
    ObjectNode a = JSON.createObjectNode();
    a.put("id", addonId);
    a.put("name", addonName);
    a.putObject("addon_service").put("id", uuid("service:" + service)).put("name", service)
        .put("human_name", service).put("state", "ga").put("supports_multiple_installations", true);
    ObjectNode planNode = a.putObject("plan").put("id", uuid("plan:" + plan)).put("name", plan)
        .put("human_name", plan.substring(plan.indexOf(':') + 1)).put("state", "public");
    planNode.putObject("price").put("cents", 0).put("unit", "month");
    a.set("app", app.deepCopy());
    a.putObject("billing_entity").put("id", id).put("name", name).put("type", "app");
    a.putObject("billed_price").put("cents", 0).put("contract", false).put("unit", "month");
    ArrayNode cv = a.putArray("config_vars");
    vars.forEach(cv::add);
    a.putArray("actions");
    a.put("provider_id", addonId);
    a.put("state", state);
    a.putNull("web_url");
    a.put("created_at", CREATED);
    a.put("updated_at", CREATED);
    return a;
  }

  /** An attachment of {@code addon} to {@code app} with every field an {@code Accept-Inclusion} can add. */
  static ObjectNode attachment(ObjectNode app, String attachmentName, ObjectNode addon, List<String> vars) {
    String name = app.path("name").asText();
    String id = app.path("id").asText();
    ObjectNode at = JSON.createObjectNode();
    at.put("id", uuid("attachment:" + name + ":" + attachmentName));
    at.put("name", attachmentName);
    ObjectNode addonRef = at.putObject("addon");
    addonRef.put("id", addon.path("id").asText()).put("name", addon.path("name").asText());
    addonRef.set("app", addon.path("app").deepCopy());
    addonRef.putObject("plan").put("id", addon.path("plan").path("id").asText())
        .put("name", addon.path("plan").path("name").asText());
    at.set("app", app.deepCopy());
    at.putNull("namespace");
    ArrayNode atVars = at.putArray("config_vars");
    vars.forEach(atVars::add);
    at.put("web_url", "https://addons-sso.heroku.com/apps/" + id + "/addons/" + addon.path("id").asText());
    at.putNull("log_input_url");
    at.put("created_at", CREATED);
    at.put("updated_at", CREATED);
    return at;
  }

  static ObjectNode domain(ObjectNode app, String hostname, String kind, String cname) {
    String name = app.path("name").asText();
    ObjectNode d = JSON.createObjectNode();
    d.put("id", uuid("domain:" + name + ":" + hostname));
    d.put("hostname", hostname);
    d.put("kind", kind);
    d.put("cname", cname);
    d.put("status", "succeeded");
    d.putNull("acm_status");
    d.putNull("acm_status_reason");
    d.putNull("sni_endpoint");
    d.set("app", app.deepCopy());
    d.put("created_at", CREATED);
    d.put("updated_at", CREATED);
    return d;
  }

  static ObjectNode dyno(ObjectNode app, String dynoName, String type, String command, String size, int release) {
    String name = app.path("name").asText();
    ObjectNode d = JSON.createObjectNode();
    d.putNull("attach_url");
    d.put("command", command);
    d.put("created_at", CREATED);
    d.put("id", uuid("dyno:" + name + ":" + dynoName));
    d.put("name", dynoName);
    d.set("app", app.deepCopy());
    d.putObject("release").put("id", uuid("release:" + name)).put("version", release);
    d.put("size", size);
    d.put("state", "up");
    d.put("type", type);
    d.put("updated_at", CREATED);
    return d;
  }
}
