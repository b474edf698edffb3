package dev.cutover.testkit.heroku;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.model.PgConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 *     .formation("worker", 1, "Standard-1X", "node worker.js")
 *     .configVar("RAILS_ENV", "production")
 *     .addon("heroku-redis:mini", "REDIS_URL")
 *     .domains("www.example.com")
 *     .buildpacks("heroku/nodejs")
 *     .processTypes(Map.of("web", "npm start", "release", "npm run migrate"))
 *     .postgres(localDatabase)                                   // DATABASE_URL
 *     .postgres("HEROKU_POSTGRESQL_BLUE", "heroku-postgresql:standard-0", otherDatabase)
 *     .follower("HEROKU_POSTGRESQL_GRAY", "DATABASE")            // a read-only replica
 *     .worker("worker", "insert into events(kind) values ('tick')");  // writes while worker > 0
 * fake.app("web-app").attach("DATABASE", fake.app("example-app"), "DATABASE");  // billed elsewhere
 * }</pre>
 *
 * <p>Writers ({@link #worker}, {@link #schedulerJob}, {@link #oneOffDyno}) are threads that write
 * into the app's {@code DATABASE} like dynos would; {@link FakeHeroku#close()} stops them.
 */
public final class FakeApp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CREATED = "2024-05-01T12:00:00Z";
  private static final Duration WRITE_EVERY = Duration.ofMillis(25);

  private final String name;
  private final String id;
  private final String herokuDomain;
  private String stack = "heroku-24";
  private String region = "us";
  private String generation = "cedar";
  private boolean maintenance;
  private int releaseCount;
  private final List<ObjectNode> formation = new ArrayList<>();
  private final Map<String, String> configVars = new LinkedHashMap<>();
  /** Add-ons attached to this app: its own and those of other apps (their nodes, shared). */
  private final List<ObjectNode> addons = new ArrayList<>();
  private final List<ObjectNode> attachments = new ArrayList<>();
  private final List<ObjectNode> domains = new ArrayList<>();
  private final List<String> buildpacks = new ArrayList<>();
  private final Map<String, String> processTypes = new LinkedHashMap<>();
  private final List<ObjectNode> features = new ArrayList<>();
  private final List<ObjectNode> transfers = new ArrayList<>();
  private final List<FakeDatabase> databases = new ArrayList<>();
  private final List<FakeWriter> writers = new ArrayList<>();
  /** The owners of the add-ons of other apps attached here, by add-on id. */
  private final Map<String, FakeApp> owners = new LinkedHashMap<>();
  private String failNextBackup;

  FakeApp(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.id = uuid("app:" + name);
    this.herokuDomain = name + "-" + id.replace("-", "").substring(0, 12) + ".herokuapp.com";
    domains.add(HerokuJson.domain(appRef(), herokuDomain, "heroku", null));
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

  /**
   * Sets the platform generation: {@code cedar} (default: slugs, classic buildpacks) or {@code fir}
   * (OCI images whose {@code process_types} hold the commands; Cloud Native Buildpacks).
   */
  public synchronized FakeApp generation(String generation) {
    if (!generation.equals("cedar") && !generation.equals("fir")) {
      throw new IllegalArgumentException("generation must be cedar or fir: " + generation);
    }
    this.generation = generation;
    return this;
  }

  /** Gives the app {@code count} releases (v1 to v{@code count}, the last current), as a long-lived app has. */
  public synchronized FakeApp releases(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1: " + count);
    }
    this.releaseCount = count;
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
    String service = service(plan);
    String addonName = service.replace("heroku-", "") + "-" + name.hashCode() % 1000 + "-" + (addons.size() + 1);
    String attachment = configVars.length > 0 ? configVars[0].replaceFirst("_URL$", "")
        : service.toUpperCase(Locale.ROOT).replace('-', '_');
    addAddon(addonName, plan, attachment, List.of(configVars), "provisioned");
    for (String v : configVars) {
      this.configVars.putIfAbsent(v, service + "://" + addonName + ".example.com");
    }
    return this;
  }

  /** Adds custom domains (the {@code herokuapp.com} domain exists from the start). */
  public synchronized FakeApp domains(String... hostnames) {
    for (String h : hostnames) {
      domains.add(HerokuJson.domain(appRef(), h, "custom", h + ".herokudns.com"));
    }
    return this;
  }

  /** Sets the buildpacks in order: registry names ({@code heroku/nodejs}) or URLs. */
  public synchronized FakeApp buildpacks(String... buildpacks) {
    this.buildpacks.clear();
    this.buildpacks.addAll(List.of(buildpacks));
    return this;
  }

  /** Sets the current release's process types (the slug's, or the OCI image's on {@code fir}). */
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
  public FakeApp postgres(PgConnection database) {
    return postgres("DATABASE", "heroku-postgresql:essential-0", database);
  }

  /**
   * Adds another Heroku Postgres add-on of {@code plan}, really {@code database}, attached as
   * {@code attachment} (e.g. {@code HEROKU_POSTGRESQL_BLUE}) with its URL in {@code <attachment>_URL}.
   */
  public synchronized FakeApp postgres(String attachment, String plan, PgConnection database) {
    addDatabase(attachment, plan, database, FakeDatabase.url(database, database.host()), null);
    return this;
  }

  /**
   * Adds a follower (read-only replica) of this app's database attached as {@code leaderAttachment},
   * attached as {@code attachment}. It reads the leader's data; its URL names the server as
   * {@code localhost}, so it differs from the leader's.
   */
  public synchronized FakeApp follower(String attachment, String leaderAttachment) {
    FakeDatabase leader = database(leaderAttachment).orElseThrow(() -> new IllegalArgumentException(
        name + " has no database attached as " + leaderAttachment));
    addDatabase(attachment, "heroku-postgresql:standard-0", leader.connection,
        FakeDatabase.url(leader.connection, "localhost"), leader);
    return this;
  }

  /**
   * Attaches the add-on that {@code owner} has attached as {@code ownerAttachment} to this app as
   * {@code as}, with its config var {@code <as>_URL}: the owner stays the billing app (its backups
   * are listed there). {@code owner} may be this app, for a second name of one of its add-ons.
   */
  public FakeApp attach(String as, FakeApp owner, String ownerAttachment) {
    ObjectNode ownerAttachmentNode;
    ObjectNode addon;
    Optional<FakeDatabase> db;
    synchronized (owner) {
      ownerAttachmentNode = owner.attachments.stream().filter(a -> a.path("name").asText().equals(ownerAttachment))
          .findFirst().orElseThrow(() -> new IllegalArgumentException(owner.name + " has no attachment " + ownerAttachment));
      String addonId = ownerAttachmentNode.path("addon").path("id").asText();
      addon = owner.addons.stream().filter(a -> a.path("id").asText().equals(addonId)).findFirst().orElseThrow();
      db = owner.databases.stream().filter(d -> d.addonId.equals(addonId)).findFirst();
    }
    synchronized (this) {
      List<String> vars = List.of(as + "_URL");
      attachments.add(HerokuJson.attachment(appRef(), as, addon, vars));
      if (!addons.contains(addon)) {
        addons.add(addon);
      }
      owners.put(addon.path("id").asText(), owner);
      configVars.put(as + "_URL", db.map(d -> d.url).orElse(service(addon.path("plan").path("name").asText())
          + "://" + addon.path("name").asText() + ".example.com"));
    }
    return this;
  }

  /**
   * Marks this app's database attached as {@code attachment} as still provisioning: its add-on
   * state says so and the data API answers 404 for it, as Heroku does until it is ready.
   */
  public synchronized FakeApp provisioning(String attachment, boolean on) {
    FakeDatabase db = database(attachment).orElseThrow(() -> new IllegalArgumentException(name + " has no " + attachment));
    db.provisioning(on);
    addons.stream().filter(a -> a.path("id").asText().equals(db.addonId))
        .forEach(a -> a.put("state", on ? "provisioning" : "provisioned"));
    return this;
  }

  /** Makes the next backup of a database this app owns finish with {@code succeeded:false} and {@code message} in its logs. */
  public synchronized FakeApp failNextBackup(String message) {
    this.failNextBackup = Objects.requireNonNull(message, "message");
    return this;
  }

  /** Makes each backup of a database this app owns run at least {@code duration} before it finishes. */
  public synchronized FakeApp backupDuration(Duration duration) {
    databases.forEach(d -> d.backupDuration(duration));
    return this;
  }

  /**
   * Starts a "dyno" of process type {@code type} that runs {@code sql} in the app's {@code DATABASE}
   * every few milliseconds while the formation has {@code type} above 0, like a worker writing
   * jobs' results. Scaled to 0 it disconnects (and its dyno goes away from {@code GET .../dynos});
   * scaled up again it reconnects and writes again.
   */
  public FakeApp worker(String type, String sql) {
    return writer(type, false, sql);
  }

  /**
   * Adds the Heroku Scheduler add-on (once) and a job of it that runs {@code sql} in the app's
   * {@code DATABASE} every few milliseconds, whatever the formation says: scheduled jobs run in
   * one-off dynos, which scaling does not stop.
   */
  public FakeApp schedulerJob(String sql) {
    synchronized (this) {
      if (addons.stream().noneMatch(a -> a.path("addon_service").path("name").asText().equals("scheduler"))) {
        addon("scheduler:standard");
      }
    }
    return writer("scheduler", true, sql);
  }

  /**
   * Starts a detached one-off dyno ({@code heroku run:detached}) that runs {@code sql} every few
   * milliseconds until the fake closes, whatever the formation says.
   */
  public FakeApp oneOffDyno(String sql) {
    return writer("run", true, sql);
  }

  /** How many writes the writers of dyno type {@code type} have committed so far. */
  public synchronized long writes(String type) {
    return writers.stream().filter(w -> w.dynoType.equals(type)).mapToLong(FakeWriter::writes).sum();
  }

  /** The names of the dynos running now, e.g. {@code [web.1, worker.1]}, as {@code GET .../dynos} lists them. */
  public synchronized List<String> dynos() {
    return dynosJson().stream().map(d -> d.path("name").asText()).toList();
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

  /** A copy of the transfers (backups) of the databases this app owns, as the data API shows them. */
  public synchronized List<ObjectNode> transfers() {
    return transfers.stream().map(ObjectNode::deepCopy).toList();
  }

  // ---- what the fake API serves ----

  synchronized ObjectNode json() {
    return HerokuJson.app(appRef(), stack, region, generation, maintenance, buildpacks, herokuDomain);
  }

  synchronized void setMaintenance(boolean on) {
    maintenance = on;
  }

  synchronized List<ObjectNode> formationJson() {
    return copies(formation);
  }

  /** Applies one formation update; false when the type does not exist. {@code quantity} may be relative ({@code +1}). */
  synchronized boolean scale(String type, String quantity, String size) {
    for (ObjectNode f : formation) {
      if (f.path("type").asText().equals(type)) {
        int q = quantity.startsWith("+") || quantity.startsWith("-")
            ? f.path("quantity").asInt() + Integer.parseInt(quantity) : Integer.parseInt(quantity);
        f.put("quantity", Math.max(0, q));
        if (size != null) {
          f.put("size", size);
          f.putObject("dyno_size").put("id", uuid("size:" + size)).put("name", size);
        }
        return true;
      }
    }
    return false;
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
    return FakeReleases.buildpackInstallations(generation.equals("fir") ? List.of() : buildpacks);
  }

  synchronized FakeReleases releases() {
    return new FakeReleases(this, generation, stack, releaseCount, Map.copyOf(processTypes), List.copyOf(buildpacks));
  }

  synchronized List<ObjectNode> featuresJson() {
    return copies(features);
  }

  synchronized List<ObjectNode> dynosJson() {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode f : formation) {
      String type = f.path("type").asText();
      int quantity = f.path("quantity").asInt();
      boolean stillRunning = writers.stream().anyMatch(w -> !w.oneOff && w.dynoType.equals(type) && w.connected());
      int n = quantity > 0 ? quantity : stillRunning ? 1 : 0;
      for (int i = 1; i <= n; i++) {
        out.add(HerokuJson.dyno(appRef(), type + "." + i, type, f.path("command").asText(), f.path("size").asText(),
            Math.max(1, releaseCount)));
      }
    }
    for (int i = 0; i < writers.size(); i++) {
      FakeWriter w = writers.get(i);
      if (w.oneOff && w.connected()) {
        out.add(HerokuJson.dyno(appRef(), w.dynoType + "." + (4000 + i), w.dynoType, "psql -c '" + w.sql + "'", "Basic",
            Math.max(1, releaseCount)));
      }
    }
    return out;
  }

  synchronized List<FakeDatabase> databases() {
    return List.copyOf(databases);
  }

  /** The database attached to this app as {@code attachment}, this app's own or another's. */
  Optional<FakeDatabase> database(String attachment) {
    FakeApp owner;
    String addonId;
    synchronized (this) {
      Optional<String> found = attachments.stream().filter(a -> a.path("name").asText().equals(attachment))
          .map(a -> a.path("addon").path("id").asText()).findFirst();
      if (found.isEmpty()) {
        return Optional.empty();
      }
      addonId = found.get();
      owner = owners.getOrDefault(addonId, this);
    }
    return owner.databaseById(addonId);
  }

  synchronized Optional<FakeDatabase> databaseById(String addonId) {
    return databases.stream().filter(d -> d.addonId.equals(addonId)).findFirst();
  }

  /** The name of the first attachment of {@code db} on this app (the backup's {@code from_name}). */
  synchronized String attachmentName(FakeDatabase db) {
    return attachments.stream().filter(a -> a.path("addon").path("id").asText().equals(db.addonId))
        .map(a -> a.path("name").asText()).findFirst().orElse(db.addonName);
  }

  synchronized List<ObjectNode> transfersList() {
    return transfers;
  }

  synchronized String takeBackupFailure() {
    String f = failNextBackup;
    failNextBackup = null;
    return f;
  }

  synchronized void stopWriters() {
    writers.forEach(FakeWriter::stop);
  }

  ObjectNode appRef() {
    ObjectNode ref = JSON.createObjectNode();
    ref.put("id", id);
    ref.put("name", name);
    return ref;
  }

  private FakeApp writer(String dynoType, boolean oneOff, String sql) {
    FakeWriter w = new FakeWriter(this, dynoType, oneOff, sql, WRITE_EVERY);
    synchronized (this) {
      writers.add(w);
    }
    w.start();
    return this;
  }

  /** Where the writers write: the database attached as {@code DATABASE}. */
  PgConnection writerDatabase() {
    return database("DATABASE").map(d -> d.connection)
        .orElseThrow(() -> new IllegalStateException(name + " has no DATABASE to write into"));
  }

  private void addDatabase(String attachment, String plan, PgConnection database, String url, FakeDatabase leader) {
    String addonName = "postgresql-fake-" + Integer.toHexString((name + attachment).hashCode() & 0xfffff);
    ObjectNode addon = addAddon(addonName, plan, attachment, List.of(attachment + "_URL"), "provisioned");
    databases.add(new FakeDatabase(addon.path("id").asText(), addonName, plan, this, database, url, leader));
    configVars.put(attachment + "_URL", url);
  }

  private ObjectNode addAddon(String addonName, String plan, String attachmentName, List<String> vars, String state) {
    ObjectNode a = HerokuJson.addon(appRef(), addonName, plan, vars, state);
    addons.add(a);
    attachments.add(HerokuJson.attachment(appRef(), attachmentName, a, vars));
    return a;
  }

  static String service(String plan) {
    return plan.contains(":") ? plan.substring(0, plan.indexOf(':')) : plan;
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
