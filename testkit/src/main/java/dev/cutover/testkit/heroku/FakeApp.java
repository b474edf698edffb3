package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.model.PgConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One app of a {@link FakeHeroku}, seeded fluently and read back by assertions. Every seeding
 * method returns this app. Thread-safe (guarded by the app's monitor).
 *
 * <pre>{@code
 * fake.app("example-app")
 *     .formation("web", 2, "Standard-1X", "npm start")
 *     .configVar("RAILS_ENV", "production")
 *     .addon("heroku-redis:mini", "REDIS_URL")
 *     .domains("www.example.com")
 *     .buildpacks("heroku/nodejs")
 *     .processTypes(Map.of("web", "npm start", "release", "npm run migrate"))
 *     .postgres(localDatabase);
 * }</pre>
 */
public final class FakeApp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CREATED = "2024-05-01T12:00:00Z";

  private final String name;
  private final String id;
  private final String herokuDomain;
  private String stack = "heroku-24";
  private String region = "us";
  private boolean maintenance;
  private final List<ObjectNode> formation = new ArrayList<>();
  private final Map<String, String> configVars = new LinkedHashMap<>();
  private final List<ObjectNode> addons = new ArrayList<>();
  private final List<ObjectNode> attachments = new ArrayList<>();
  private final List<ObjectNode> domains = new ArrayList<>();
  private final List<String> buildpacks = new ArrayList<>();
  private final Map<String, String> processTypes = new LinkedHashMap<>();
  private final List<ObjectNode> features = new ArrayList<>();
  private final List<ObjectNode> transfers = new ArrayList<>();
  private PgConnection postgres;
  private String postgresAddonId;
  private String failNextBackup;

  FakeApp(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.id = uuid("app:" + name);
    this.herokuDomain = name + "-" + id.replace("-", "").substring(0, 12) + ".herokuapp.com";
    domains.add(domain(herokuDomain, "heroku", null));
  }

  /** The app's name. */
  public String name() {
    return name;
  }

  /** The app's id (a stable UUID derived from its name). */
  public String id() {
    return id;
  }

  /** Sets the stack, e.g. {@code heroku-22} (default {@code heroku-24}). */
  public synchronized FakeApp stack(String stack) {
    this.stack = Objects.requireNonNull(stack, "stack");
    return this;
  }

  /** Sets the region, e.g. {@code eu} (default {@code us}). */
  public synchronized FakeApp region(String region) {
    this.region = Objects.requireNonNull(region, "region");
    return this;
  }

  /** Adds or replaces a process type of the formation. */
  public synchronized FakeApp formation(String type, int quantity, String size, String command) {
    formation.removeIf(f -> f.path("type").asText().equals(type));
    ObjectNode f = JSON.createObjectNode();
    f.put("id", uuid("formation:" + name + ":" + type));
    f.put("type", type);
    f.put("quantity", quantity);
    f.put("size", size);
    f.putObject("dyno_size").put("id", uuid("size:" + size)).put("name", size);
    f.put("command", command);
    f.set("app", appRef());
    f.put("created_at", CREATED);
    f.put("updated_at", CREATED);
    formation.add(f);
    return this;
  }

  /** Sets a config var. */
  public synchronized FakeApp configVar(String key, String value) {
    configVars.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Adds an add-on of {@code plan} (e.g. {@code heroku-redis:mini}) that provides {@code configVars},
   * attached to this app under the first var's name without {@code _URL} (e.g. {@code REDIS}).
   */
  public synchronized FakeApp addon(String plan, String... configVars) {
    String service = plan.contains(":") ? plan.substring(0, plan.indexOf(':')) : plan;
    String addonName = service.replace("heroku-", "") + "-" + name.hashCode() % 1000 + "-" + (addons.size() + 1);
    String attachment = configVars.length > 0 ? configVars[0].replaceFirst("_URL$", "")
        : service.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
    addAddon(addonName, plan, attachment, List.of(configVars));
    return this;
  }

  /** Adds custom domains (the {@code herokuapp.com} domain exists from the start). */
  public synchronized FakeApp domains(String... hostnames) {
    for (String h : hostnames) {
      domains.add(domain(h, "custom", h + ".herokudns.com"));
    }
    return this;
  }

  /** Sets the buildpacks in order: registry names ({@code heroku/nodejs}) or URLs. */
  public synchronized FakeApp buildpacks(String... buildpacks) {
    this.buildpacks.clear();
    this.buildpacks.addAll(List.of(buildpacks));
    return this;
  }

  /** Sets the current release's slug {@code process_types}. */
  public synchronized FakeApp processTypes(Map<String, String> processTypes) {
    this.processTypes.clear();
    this.processTypes.putAll(processTypes);
    return this;
  }

  /** Adds an app feature. */
  public synchronized FakeApp feature(String featureName, boolean enabled) {
    ObjectNode f = JSON.createObjectNode();
    f.put("id", uuid("feature:" + featureName));
    f.put("name", featureName);
    f.put("enabled", enabled);
    f.put("state", "public");
    f.put("description", featureName);
    features.add(f);
    return this;
  }

  /**
   * Attaches a "Heroku Postgres" database that is really {@code database} on a local server: a
   * {@code heroku-postgresql:essential-0} add-on attached as {@code DATABASE}, {@code DATABASE_URL}
   * pointing at it, and backups that run a real {@code pg_dump -Fc} against it.
   */
  public synchronized FakeApp postgres(PgConnection database) {
    this.postgres = Objects.requireNonNull(database, "database");
    String addonName = "postgresql-fake-" + Integer.toHexString(name.hashCode() & 0xfffff);
    postgresAddonId = addAddon(addonName, "heroku-postgresql:essential-0", "DATABASE", List.of("DATABASE_URL"));
    configVars.put("DATABASE_URL", "postgres://" + database.user() + ":" + database.password().reveal() + "@"
        + database.host() + ":" + database.port() + "/" + database.database());
    return this;
  }

  /** Makes the next backup capture finish with {@code succeeded:false} and {@code message} in its logs. */
  public synchronized FakeApp failNextBackup(String message) {
    this.failNextBackup = Objects.requireNonNull(message, "message");
    return this;
  }

  /** Whether maintenance mode is on (as the CLI or client last set it). */
  public synchronized boolean maintenance() {
    return maintenance;
  }

  /** The current formation quantity of {@code type}, or -1. */
  public synchronized int quantity(String type) {
    return formation.stream().filter(f -> f.path("type").asText().equals(type)).mapToInt(f -> f.path("quantity").asInt())
        .findFirst().orElse(-1);
  }

  /** The config vars as seeded. */
  public synchronized Map<String, String> configVars() {
    return Map.copyOf(configVars);
  }

  /** The {@code herokuapp.com} domain of this app. */
  public String herokuDomain() {
    return herokuDomain;
  }

  /** A copy of the transfers (backups) so far, as the data API shows them. */
  public synchronized List<ObjectNode> transfers() {
    return transfers.stream().map(ObjectNode::deepCopy).toList();
  }

  // ---- what the fake API serves ----

  synchronized ObjectNode json() {
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
    a.putObject("generation").put("id", uuid("generation:cedar")).put("name", "cedar");
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

  synchronized void setMaintenance(boolean on) {
    maintenance = on;
  }

  synchronized List<ObjectNode> formationJson() {
    return copies(formation);
  }

  synchronized void scale(String type, int quantity, String size) {
    for (ObjectNode f : formation) {
      if (f.path("type").asText().equals(type)) {
        f.put("quantity", quantity);
        if (size != null) {
          f.put("size", size);
        }
      }
    }
  }

  synchronized ObjectNode configVarsJson() {
    ObjectNode o = JSON.createObjectNode();
    configVars.forEach(o::put);
    return o;
  }

  synchronized List<ObjectNode> addonsJson() {
    return copies(addons);
  }

  synchronized List<ObjectNode> attachmentsJson() {
    return copies(attachments);
  }

  synchronized List<ObjectNode> domainsJson() {
    return copies(domains);
  }

  synchronized List<ObjectNode> buildpacksJson() {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < buildpacks.size(); i++) {
      String bp = buildpacks.get(i);
      ObjectNode b = JSON.createObjectNode();
      b.put("ordinal", i);
      boolean registry = !bp.contains("://");
      b.putObject("buildpack").put("url", registry ? "urn:buildpack:" + bp : bp).put("name", bp);
      out.add(b);
    }
    return out;
  }

  synchronized List<ObjectNode> releasesJson() {
    List<ObjectNode> out = new ArrayList<>();
    out.add(release(1, false, null, "Initial release"));
    if (!processTypes.isEmpty()) {
      out.add(release(2, true, slugId(), "Deploy 1a2b3c4"));
    }
    return out;
  }

  synchronized Optional<ObjectNode> slugJson(String slugId) {
    if (processTypes.isEmpty() || !slugId.equals(slugId())) {
      return Optional.empty();
    }
    ObjectNode s = JSON.createObjectNode();
    s.put("id", slugId);
    s.putObject("blob").put("method", "GET").put("url", "https://s3.example.com/slugs/" + slugId
        + ".tar.gz?X-Amz-Signature=" + uuid("sig:" + slugId).replace("-", ""));
    s.put("buildpack_provided_description", buildpacks.isEmpty() ? "App" : buildpacks.get(0));
    s.put("checksum", "SHA256:" + "0".repeat(64));
    s.put("commit", "1a2b3c4");
    s.put("commit_description", "Deploy");
    ObjectNode pt = s.putObject("process_types");
    processTypes.forEach(pt::put);
    s.put("size", 1024);
    s.putObject("stack").put("id", uuid("stack:" + stack)).put("name", stack);
    s.put("created_at", CREATED);
    s.put("updated_at", CREATED);
    return Optional.of(s);
  }

  synchronized List<ObjectNode> featuresJson() {
    return copies(features);
  }

  synchronized Optional<PgConnection> postgres() {
    return Optional.ofNullable(postgres);
  }

  synchronized Optional<String> postgresAddonId() {
    return Optional.ofNullable(postgresAddonId);
  }

  synchronized List<ObjectNode> transfersList() {
    return transfers;
  }

  synchronized String takeBackupFailure() {
    String f = failNextBackup;
    failNextBackup = null;
    return f;
  }

  ObjectNode appRef() {
    ObjectNode ref = JSON.createObjectNode();
    ref.put("id", id);
    ref.put("name", name);
    return ref;
  }

  private String addAddon(String addonName, String plan, String attachmentName, List<String> vars) {
    String service = plan.contains(":") ? plan.substring(0, plan.indexOf(':')) : plan;
    String addonId = uuid("addon:" + name + ":" + addonName);
    ObjectNode a = JSON.createObjectNode();
    a.put("id", addonId);
    a.put("name", addonName);
    a.putObject("addon_service").put("id", uuid("service:" + service)).put("name", service);
    ObjectNode planNode = a.putObject("plan").put("id", uuid("plan:" + plan)).put("name", plan);
    planNode.putObject("price").put("cents", 0).put("unit", "month");
    a.set("app", appRef());
    a.putObject("billed_price").put("cents", 0).put("contract", false).put("unit", "month");
    ArrayNode cv = a.putArray("config_vars");
    vars.forEach(cv::add);
    a.putArray("actions");
    a.put("provider_id", addonId);
    a.put("state", "provisioned");
    a.putNull("web_url");
    a.put("created_at", CREATED);
    a.put("updated_at", CREATED);
    addons.add(a);

    ObjectNode at = JSON.createObjectNode();
    at.put("id", uuid("attachment:" + name + ":" + attachmentName));
    at.put("name", attachmentName);
    ObjectNode addonRef = at.putObject("addon");
    addonRef.put("id", addonId).put("name", addonName);
    addonRef.set("app", appRef());
    addonRef.putObject("plan").put("id", uuid("plan:" + plan)).put("name", plan);
    at.set("app", appRef());
    at.putNull("namespace");
    ArrayNode atVars = at.putArray("config_vars");
    vars.forEach(atVars::add);
    at.putNull("web_url");
    at.putNull("log_input_url");
    at.put("created_at", CREATED);
    at.put("updated_at", CREATED);
    attachments.add(at);
    for (String v : vars) {
      configVars.putIfAbsent(v, service + "://" + addonName + ".example.com");
    }
    return addonId;
  }

  private ObjectNode domain(String hostname, String kind, String cname) {
    ObjectNode d = JSON.createObjectNode();
    d.put("id", uuid("domain:" + name + ":" + hostname));
    d.put("hostname", hostname);
    d.put("kind", kind);
    d.put("cname", cname);
    d.put("status", "succeeded");
    d.putNull("acm_status");
    d.putNull("acm_status_reason");
    d.putNull("sni_endpoint");
    d.set("app", appRef());
    d.put("created_at", CREATED);
    d.put("updated_at", CREATED);
    return d;
  }

  private ObjectNode release(int version, boolean current, String slug, String description) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", uuid("release:" + name + ":" + version));
    r.put("version", version);
    r.put("status", "succeeded");
    r.put("current", current);
    if (slug == null) {
      r.putNull("slug");
    } else {
      r.putObject("slug").put("id", slug);
    }
    r.put("description", description);
    r.set("app", appRef());
    r.putObject("user").put("id", uuid("owner")).put("email", "owner@example.com");
    r.putArray("addon_plan_names");
    r.put("created_at", CREATED);
    r.put("updated_at", CREATED);
    return r;
  }

  private String slugId() {
    return uuid("slug:" + name + ":" + processTypes);
  }

  private static List<ObjectNode> copies(List<ObjectNode> nodes) {
    return nodes.stream().map(ObjectNode::deepCopy).toList();
  }

  static String uuid(String seed) {
    return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
  }

  @Override
  public String toString() {
    return "FakeApp[" + name + "]";
  }
}
