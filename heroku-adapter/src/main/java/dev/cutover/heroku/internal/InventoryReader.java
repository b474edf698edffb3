package dev.cutover.heroku.internal;

import static dev.cutover.heroku.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.ConfigVarKind;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.InventoryGap;
import dev.cutover.core.model.PostgresInfo;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one app's inventory through the Platform API and the Postgres data API, the way Heroku
 * really answers: lists asked for in pages of 1000, one page of the newest releases (an app at v5000
 * costs one request, not 25), {@code cedar} slugs and {@code fir} OCI images, every Postgres add-on
 * with its owner app, attachments, config vars and follower role. Optional parts (process types,
 * buildpacks, a database's version and size) that answer 403, 404 or 410 become
 * {@link InventoryGap gaps}; the app itself, its formation, config vars, add-ons and domains must be
 * readable. Thread-safe; every method blocks.
 */
public final class InventoryReader {
  /** Add-on services that run jobs of their own (in one-off dynos or from outside), which scaling does not stop. */
  private static final Set<String> JOB_SERVICES =
      Set.of("scheduler", "advanced-scheduler", "crontogo", "temporize", "process-scheduler");
  private static final Map<String, String> INCLUDE_PLAN_AND_VARS = Map.of("Accept-Inclusion", "addon:plan,config_vars");
  private static final Map<String, String> EXPAND_SERVICE_AND_PLAN = Map.of("Accept-Expansion", "addon_service,plan");
  /** The CLI's own range for the newest releases ({@code heroku buildpacks} on fir). */
  private static final String NEWEST_RELEASES = "version ..; max=10, order=desc";
  private static final String MORE_RELEASES = "version ..; max=1000, order=desc";

  private final String app;
  private final PlatformApi api;
  private final Redactor redactor;
  private final Clock clock;
  private final DatabaseReader databases;

  /** A reader for {@code app}; makes no request until asked. */
  public InventoryReader(String app, PlatformApi api, PlatformApi dataApi, Redactor redactor, Clock clock) {
    this.app = Objects.requireNonNull(app, "app");
    this.api = Objects.requireNonNull(api, "api");
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.databases = new DatabaseReader(app, Objects.requireNonNull(dataApi, "dataApi"), redactor);
  }

  /** The process types and buildpacks of the current release. */
  private record Release(Map<String, String> processTypes, List<String> buildpacks) {
    static final Release NONE = new Release(Map.of(), List.of());
  }

  /** Everything, with the parts that could not be read as gaps. About ten requests plus one per database. */
  public AppInventory read() {
    PlatformApi.Context ctx = ctx("heroku.inventory");
    List<InventoryGap> gaps = new ArrayList<>();
    JsonNode appNode = api.get(ctx, appPath(""), Map.of());
    String stack = text(appNode.path("stack"), "name");
    if (stack.isEmpty()) {
      stack = text(appNode.path("build_stack"), "name");
    }
    String generation = generation(appNode);
    List<JsonNode> addonNodes = addonNodes(ctx);
    List<JsonNode> attachmentNodes = attachmentNodes(ctx);
    List<ConfigVar> configVars = configVars();
    Release release = currentRelease(ctx, gaps);
    List<String> buildpacks = generation.equals("fir") ? release.buildpacks()
        : Gaps.optional(gaps, "buildpacks", List.of(), () -> classicBuildpacks(ctx));
    return new AppInventory(app, stack, text(appNode.path("region"), "name"), buildpacks, formation(),
        release.processTypes(), configVars, addons(addonNodes, attachmentNodes), domains(),
        databases.read(ctx, addonNodes, attachmentNodes, values(configVars), gaps), clock.instant(), generation, gaps);
  }

  /** Every config var (empty values included); each value is registered with the redactor. */
  public List<ConfigVar> configVars() {
    JsonNode vars = api.get(ctx("heroku.config"), appPath("/config-vars"), Map.of());
    List<ConfigVar> out = new ArrayList<>();
    vars.properties().forEach(e -> {
      String value = e.getValue().isNull() ? "" : e.getValue().asText();
      // Dyno metadata (the app's own name, release and slug ids) is no secret: registering it would
      // mask the app name in every plan and report. It stays a Secret in the inventory all the same.
      out.add(new ConfigVar(e.getKey(), value.isEmpty() || isDynoMetadata(e.getKey()) ? Secret.of(value)
          : Secrets.register(redactor, value)));
    });
    return out;
  }

  /** The formation: each process type with quantity, dyno size and command, by type. */
  public List<Formation> formation() {
    List<Formation> out = new ArrayList<>();
    for (JsonNode f : api.list(ctx("heroku.formation"), appPath("/formation"), Map.of())) {
      String size = text(f, "size");
      if (size.isEmpty()) {
        size = text(f.path("dyno_size"), "name");
      }
      out.add(new Formation(text(f, "type"), f.path("quantity").asInt(), size, text(f, "command")));
    }
    out.sort(Comparator.comparing(Formation::type));
    return out;
  }

  /** The add-ons attached to the app, its own and shared ones, with owner, attachments and config vars. */
  public List<Addon> addons() {
    PlatformApi.Context ctx = ctx("heroku.addons");
    return addons(addonNodes(ctx), attachmentNodes(ctx));
  }

  /** Every domain, the {@code herokuapp.com} one included. */
  public List<Domain> domains() {
    List<Domain> out = new ArrayList<>();
    for (JsonNode d : api.list(ctx("heroku.domains"), appPath("/domains"), Map.of())) {
      out.add(new Domain(text(d, "hostname"), text(d, "kind"), text(d, "cname")));
    }
    return out;
  }

  /** The buildpacks in order: classic installations on {@code cedar}, the current image's on {@code fir}. */
  public List<String> buildpacks() {
    PlatformApi.Context ctx = ctx("heroku.buildpacks");
    return generation(api.get(ctx, appPath(""), Map.of())).equals("fir") ? currentRelease(ctx, null).buildpacks()
        : classicBuildpacks(ctx);
  }

  /** The current release's process types ({@code release} included); empty when nothing was released. */
  public Map<String, String> processTypes() {
    return currentRelease(ctx("heroku.release"), null).processTypes();
  }

  /** The app's features (labs): name to enabled. */
  public Map<String, Boolean> features() {
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (JsonNode f : api.list(ctx("heroku.features"), appPath("/features"), Map.of())) {
      out.put(text(f, "name"), f.path("enabled").asBoolean());
    }
    return out;
  }

  /** Every Postgres database attached to the app, followers included; throws when the data API fails. */
  public List<PostgresInfo> databases() {
    PlatformApi.Context ctx = ctx("heroku.databases");
    return databases.read(ctx, addonNodes(ctx), attachmentNodes(ctx), values(configVars()), null);
  }

  private List<JsonNode> addonNodes(PlatformApi.Context ctx) {
    return api.list(ctx, appPath("/addons"), EXPAND_SERVICE_AND_PLAN);
  }

  private List<JsonNode> attachmentNodes(PlatformApi.Context ctx) {
    return api.list(ctx, appPath("/addon-attachments"), INCLUDE_PLAN_AND_VARS);
  }

  private static List<Addon> addons(List<JsonNode> addonNodes, List<JsonNode> attachmentNodes) {
    List<Addon> out = new ArrayList<>();
    for (JsonNode a : addonNodes) {
      String id = text(a, "id");
      List<JsonNode> attachments = DatabaseReader.attachmentsOf(id, attachmentNodes);
      List<String> vars = DatabaseReader.configVarsOf(attachments);
      if (vars.isEmpty()) {
        a.path("config_vars").forEach(v -> vars.add(v.asText()));
      }
      String service = text(a.path("addon_service"), "name");
      out.add(new Addon(text(a, "name"), service, text(a.path("plan"), "name"), vars, id, text(a.path("app"), "name"),
          attachments.stream().map(at -> text(at, "name")).toList(), text(a, "state"), JOB_SERVICES.contains(service)));
    }
    return out;
  }

  /**
   * The current release's process types and (on fir) buildpacks: one page of the ten newest
   * releases, a second of up to 1000 only when none of those is current, then its slug or OCI image.
   *
   * @param gaps where to note what could not be read, or null to throw instead
   */
  private Release currentRelease(PlatformApi.Context ctx, List<InventoryGap> gaps) {
    List<JsonNode> newest = Gaps.optional(gaps, "process types", null,
        () -> api.page(ctx, appPath("/releases"), Map.of(), NEWEST_RELEASES));
    if (newest == null) {
      return Release.NONE;
    }
    Optional<JsonNode> current = current(newest);
    if (current.isEmpty() && newest.size() >= 10) {
      List<JsonNode> more = Gaps.optional(gaps, "process types", List.of(),
          () -> api.page(ctx, appPath("/releases"), Map.of(), MORE_RELEASES));
      current = current(more);
    }
    if (current.isEmpty()) {
      return Release.NONE;
    }
    JsonNode release = current.get();
    String image = text(release.path("oci_image"), "id");
    String slug = text(release.path("slug"), "id");
    for (JsonNode artifact : release.path("artifacts")) {
      if (text(artifact, "type").equals("oci-image") && image.isEmpty()) {
        image = text(artifact, "id");
      } else if (text(artifact, "type").equals("slug") && slug.isEmpty()) {
        slug = text(artifact, "id");
      }
    }
    String version = "v" + release.path("version").asInt();
    if (!image.isEmpty()) {
      String imageId = image;
      JsonNode images = Gaps.optional(gaps, "process types", null,
          () -> api.get(ctx, appPath("/oci-images/" + imageId), Map.of()));
      return images == null ? Release.NONE : ociImage(images.path(0));
    }
    if (!slug.isEmpty()) {
      String slugId = slug;
      JsonNode slugNode = Gaps.optional(gaps, "process types", null, () -> api.get(ctx, appPath("/slugs/" + slugId), Map.of()));
      return slugNode == null ? Release.NONE : new Release(slug(slugNode), List.of());
    }
    if (gaps != null && !text(release, "status").equals("succeeded")) {
      gaps.add(new InventoryGap("process types", "the current release " + version + " has no slug or image ("
          + text(release, "status") + ")"));
    }
    return Release.NONE;
  }

  private static Optional<JsonNode> current(List<JsonNode> releases) {
    return releases.stream().filter(r -> r.path("current").asBoolean()).findFirst()
        .or(() -> releases.stream().filter(r -> "succeeded".equals(text(r, "status")))
            .max(Comparator.comparingInt(r -> r.path("version").asInt())));
  }

  private Map<String, String> slug(JsonNode slug) {
    String blobUrl = text(slug.path("blob"), "url");
    if (!blobUrl.isEmpty()) {
      redactor.register(Secret.of(blobUrl));
    }
    Map<String, String> out = new LinkedHashMap<>();
    slug.path("process_types").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** A fir image: each process type's {@code display_cmd} (the Procfile command), and its buildpacks. */
  private static Release ociImage(JsonNode image) {
    Map<String, String> types = new LinkedHashMap<>();
    image.path("process_types").properties().forEach(e -> {
      String display = text(e.getValue(), "display_cmd");
      types.put(e.getKey(), display.isEmpty() ? text(e.getValue(), "command") : display);
    });
    List<String> buildpacks = new ArrayList<>();
    image.path("buildpacks").forEach(b -> buildpacks.add(text(b, "id").isEmpty() ? text(b, "homepage") : text(b, "id")));
    return new Release(types, buildpacks);
  }

  private List<String> classicBuildpacks(PlatformApi.Context ctx) {
    // Never paged (it is replaced whole), so it gets no Range, as the CLI sends none.
    List<JsonNode> installs = new ArrayList<>(api.list(ctx, appPath("/buildpack-installations"), Map.of(), null));
    installs.sort(Comparator.comparingInt(b -> b.path("ordinal").asInt()));
    List<String> out = new ArrayList<>();
    for (JsonNode b : installs) {
      String bpName = text(b.path("buildpack"), "name");
      String url = text(b.path("buildpack"), "url").replaceFirst("^urn:buildpack:", "");
      out.add(bpName.isEmpty() ? url : bpName);
    }
    return out;
  }

  private static Map<String, String> values(List<ConfigVar> vars) {
    Map<String, String> out = new LinkedHashMap<>();
    vars.forEach(v -> out.put(v.name(), v.value().reveal()));
    return out;
  }

  private static String generation(JsonNode appNode) {
    String g = text(appNode.path("generation"), "name");
    return g.isEmpty() ? "cedar" : g;
  }

  private static boolean isDynoMetadata(String name) {
    return kind(name) == ConfigVarKind.PLATFORM_METADATA;
  }

  /**
   * Heroku's kinds of config var: dyno metadata ({@code HEROKU_APP_NAME}, {@code HEROKU_RELEASE_*},
   * ...), the Heroku Postgres URLs ({@code DATABASE_URL}, {@code HEROKU_POSTGRESQL_<COLOR>_URL}), and
   * the app's own. The one place these Heroku rules live.
   */
  public static ConfigVarKind kind(String name) {
    if (name.equals("DATABASE_URL") || name.startsWith("HEROKU_POSTGRESQL_") && name.endsWith("_URL")) {
      return ConfigVarKind.DATABASE_URL;
    }
    return name.equals("HEROKU_APP_NAME") || name.equals("HEROKU_APP_ID") || name.equals("HEROKU_DYNO_ID")
        || name.startsWith("HEROKU_RELEASE_") || name.startsWith("HEROKU_SLUG_")
        ? ConfigVarKind.PLATFORM_METADATA : ConfigVarKind.APP;
  }

  private PlatformApi.Context ctx(String step) {
    return new PlatformApi.Context(step, app);
  }

  private String appPath(String rest) {
    return "apps/" + app + rest;
  }
}
