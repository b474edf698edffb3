package dev.cutover.heroku;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Poller;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.heroku.internal.BackupDownloader;
import dev.cutover.heroku.internal.CliRunner;
import dev.cutover.heroku.internal.PlatformApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Heroku app: read its inventory through the Platform API, fence writes with maintenance
 * mode, capture a Postgres backup with the real CLI and stream it to a private file.
 *
 * <p>Obtained from {@link HerokuClient#app(String)}; holds no resources of its own. Every method
 * blocks and throws {@link MigrationException} subclasses only ({@link dev.cutover.core.ApiException}
 * for API errors, {@link CommandFailedException} when the CLI fails). Every secret it sees (config
 * var values, signed URLs, database URLs) is registered with the client's {@link Redactor}.
 * Thread-safe.
 */
public final class HerokuApp implements SourceApp {
  private static final Logger LOG = LoggerFactory.getLogger(HerokuApp.class);
  private static final String POSTGRES_PLAN_PREFIX = "heroku-postgresql:";
  private static final Duration TRANSFER_POLL = Duration.ofSeconds(3);
  private static final Pattern HEROKU_TIME =
      Pattern.compile("(\\d{4}-\\d\\d-\\d\\d)[ T](\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?)\\s*(Z|[+-]\\d\\d:?\\d\\d)?");
  private static final Pattern POSTGRES_URL = Pattern.compile("postgres(?:ql)?://\\S+");
  private static final Pattern URL_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:([^@\\s/]+)@");

  private final String name;
  private final PlatformApi api;
  private final PlatformApi dataApi;
  private final CliRunner cli;
  private final BackupDownloader downloader;
  private final Redactor redactor;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration backupTimeout;

  HerokuApp(String name, PlatformApi api, PlatformApi dataApi, CliRunner cli, BackupDownloader downloader,
      Redactor redactor, Clock clock, Sleeper sleeper, Duration backupTimeout) {
    this.name = name;
    this.api = api;
    this.dataApi = dataApi;
    this.cli = cli;
    this.downloader = downloader;
    this.redactor = redactor;
    this.clock = clock;
    this.sleeper = sleeper;
    this.backupTimeout = backupTimeout;
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * Reads the app, formation, config vars, add-ons, domains (all pages), buildpacks, the current
   * release's process types and the attached Postgres databases. Read-only; about ten requests.
   */
  @Override
  public AppInventory inventory() {
    PlatformApi.Context ctx = ctx("heroku.inventory");
    JsonNode app = api.get(ctx, appPath(""), Map.of());
    String stack = text(app.path("stack"), "name");
    if (stack.isEmpty()) {
      stack = text(app.path("build_stack"), "name");
    }
    List<JsonNode> addonNodes = addonNodes(ctx);
    return new AppInventory(name, stack, text(app.path("region"), "name"), buildpacks(), formation(),
        processTypes(), configVars(), addons(addonNodes), domains(), databases(ctx, addonNodes), clock.instant());
  }

  /** Whether maintenance mode is on now. */
  public boolean maintenance() {
    return api.get(ctx("heroku.maintenance"), appPath(""), Map.of()).path("maintenance").asBoolean();
  }

  /** Turns maintenance mode on or off ({@code PATCH /apps/{app}}). Idempotent, so retried on 5xx. */
  @Override
  public void maintenance(boolean on) {
    JsonNode app = api.send(ctx("heroku.maintenance"), "PATCH", appPath(""), Map.of("maintenance", on), true);
    if (app.path("maintenance").isBoolean() && app.path("maintenance").asBoolean() != on) {
      throw new MigrationException("heroku.maintenance", "heroku.maintenance: Heroku did not turn maintenance "
          + (on ? "on" : "off") + " for " + name + "; try again or use `heroku maintenance:" + (on ? "on" : "off")
          + " -a " + name + "`.", true, null);
    }
    LOG.info("heroku.maintenance: {} maintenance {}", name, on ? "on" : "off");
  }

  /** Every config var (empty values included); each value is registered with the redactor. */
  public List<ConfigVar> configVars() {
    JsonNode vars = api.get(ctx("heroku.config"), appPath("/config-vars"), Map.of());
    List<ConfigVar> out = new ArrayList<>();
    vars.properties().forEach(e -> {
      String value = e.getValue().isNull() ? "" : e.getValue().asText();
      // Dyno metadata (the app's own name, release and slug ids) is no secret: registering it would
      // mask the app name in every plan and report. It stays a Secret in the inventory all the same.
      out.add(new ConfigVar(e.getKey(), value.isEmpty() || isDynoMetadata(e.getKey()) ? Secret.of(value) : register(value)));
    });
    return out;
  }

  /** The formation: each process type with quantity, dyno size and command. */
  public List<Formation> formation() {
    List<Formation> out = new ArrayList<>();
    for (JsonNode f : api.list(ctx("heroku.formation"), appPath("/formation"), Map.of(), null)) {
      String size = text(f, "size");
      if (size.isEmpty()) {
        size = text(f.path("dyno_size"), "name");
      }
      out.add(new Formation(text(f, "type"), f.path("quantity").asInt(), size, text(f, "command")));
    }
    out.sort(Comparator.comparing(Formation::type));
    return out;
  }

  /** The add-ons with service, plan and the config vars each provides. */
  public List<Addon> addons() {
    return addons(addonNodes(ctx("heroku.addons")));
  }

  private List<JsonNode> addonNodes(PlatformApi.Context ctx) {
    return api.list(ctx, appPath("/addons"), Map.of("Accept-Expansion", "addon_service,plan"), null);
  }

  private static List<Addon> addons(List<JsonNode> nodes) {
    List<Addon> out = new ArrayList<>();
    for (JsonNode a : nodes) {
      List<String> vars = new ArrayList<>();
      a.path("config_vars").forEach(v -> vars.add(v.asText()));
      out.add(new Addon(text(a, "name"), text(a.path("addon_service"), "name"), text(a.path("plan"), "name"), vars));
    }
    return out;
  }

  /** Every domain, the {@code herokuapp.com} one included, following pagination. */
  public List<Domain> domains() {
    List<Domain> out = new ArrayList<>();
    for (JsonNode d : api.list(ctx("heroku.domains"), appPath("/domains"), Map.of(), null)) {
      out.add(new Domain(text(d, "hostname"), text(d, "kind"), text(d, "cname")));
    }
    return out;
  }

  /** Buildpacks in order: the registry name when Heroku knows one, else the URL. */
  public List<String> buildpacks() {
    List<JsonNode> installs = new ArrayList<>(
        api.list(ctx("heroku.buildpacks"), appPath("/buildpack-installations"), Map.of(), null));
    installs.sort(Comparator.comparingInt(b -> b.path("ordinal").asInt()));
    List<String> out = new ArrayList<>();
    for (JsonNode b : installs) {
      String bpName = text(b.path("buildpack"), "name");
      String url = text(b.path("buildpack"), "url").replaceFirst("^urn:buildpack:", "");
      out.add(bpName.isEmpty() ? url : bpName);
    }
    return out;
  }

  /** The current release's slug {@code process_types} (type to command); empty when nothing was released. */
  public Map<String, String> processTypes() {
    PlatformApi.Context ctx = ctx("heroku.release");
    List<JsonNode> releases = api.list(ctx, appPath("/releases"), Map.of(), "version ..; max=10, order=desc");
    Optional<JsonNode> current = releases.stream().filter(r -> r.path("current").asBoolean()).findFirst()
        .or(() -> releases.stream().filter(r -> "succeeded".equals(text(r, "status")))
            .max(Comparator.comparingInt(r -> r.path("version").asInt())));
    String slugId = current.map(r -> text(r.path("slug"), "id")).orElse("");
    if (slugId.isEmpty()) {
      return Map.of();
    }
    JsonNode slug = api.get(ctx, appPath("/slugs/" + slugId), Map.of());
    String blobUrl = text(slug.path("blob"), "url");
    if (!blobUrl.isEmpty()) {
      redactor.register(Secret.of(blobUrl));
    }
    Map<String, String> out = new LinkedHashMap<>();
    slug.path("process_types").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** The app's features (labs) and whether each is enabled. */
  public List<AppFeature> features() {
    List<AppFeature> out = new ArrayList<>();
    for (JsonNode f : api.list(ctx("heroku.features"), appPath("/features"), Map.of(), null)) {
      out.add(new AppFeature(text(f, "name"), f.path("enabled").asBoolean()));
    }
    return out;
  }

  /**
   * The Heroku Postgres databases attached to this app, one per add-on (named by its
   * {@code DATABASE} attachment when it has one), with version and size from the data API.
   */
  public List<PostgresInfo> databases() {
    PlatformApi.Context ctx = ctx("heroku.databases");
    return databases(ctx, addonNodes(ctx));
  }

  private List<PostgresInfo> databases(PlatformApi.Context ctx, List<JsonNode> addonNodes) {
    Map<String, String> planByAddonId = new LinkedHashMap<>();
    for (JsonNode a : addonNodes) {
      planByAddonId.put(text(a, "id"), text(a.path("plan"), "name"));
    }
    Map<String, List<JsonNode>> attachmentsByAddon = new LinkedHashMap<>();
    for (JsonNode at : api.list(ctx, appPath("/addon-attachments"),
        Map.of("Accept-Inclusion", "addon:plan,config_vars"), null)) {
      String addonId = text(at.path("addon"), "id");
      String plan = text(at.path("addon").path("plan"), "name");
      if (plan.isEmpty()) {
        plan = planByAddonId.getOrDefault(addonId, "");
      }
      if (plan.startsWith(POSTGRES_PLAN_PREFIX)) {
        attachmentsByAddon.computeIfAbsent(addonId, k -> new ArrayList<>()).add(at);
      }
    }
    List<PostgresInfo> out = new ArrayList<>();
    attachmentsByAddon.forEach((addonId, attachments) -> {
      JsonNode chosen = attachments.stream().filter(a -> "DATABASE".equals(text(a, "name"))).findFirst()
          .orElse(attachments.get(0));
      String plan = text(chosen.path("addon").path("plan"), "name");
      if (plan.isEmpty()) {
        plan = planByAddonId.getOrDefault(addonId, "");
      }
      JsonNode db = dataApi.get(ctx, "client/v11/databases/" + addonId, Map.of());
      out.add(new PostgresInfo(text(chosen.path("addon"), "name"), text(chosen, "name"), plan, pgVersion(db),
          dataSize(db)));
    });
    return out;
  }

  /**
   * Captures a backup of {@code database} with {@code heroku pg:backups:capture} and confirms
   * through the transfers list that it finished and succeeded (the CLI's exit code alone does not
   * prove it). Blocks for as long as the backup takes, up to the client's backup timeout. The
   * CLI's output lines reach {@code listener} as output events.
   */
  @Override
  public BackupRef captureBackup(String database, MigrationListener listener) {
    String step = "heroku.capture";
    requireAttachmentName(step, database);
    MigrationListener safe = MigrationListener.safe(listener);
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Instant started = clock.instant();
    try {
      cli.run(step, List.of("pg:backups:capture", "-a", name, database), backupTimeout, line -> {
        lines.add(line.line());
        safe.output(new MigrationEvent.Output(step, clock.instant(), "heroku", line.line()));
      });
    } catch (CommandFailedException e) {
      Optional<JsonNode> failed = CliRunner.backupName(lines).flatMap(this::transferByName)
          .filter(t -> t.path("finished_at").isTextual() && !t.path("succeeded").asBoolean());
      if (failed.isPresent()) {
        throw backupFailed(step, failed.get());
      }
      throw new CommandFailedException(step, step + ": `heroku pg:backups:capture` failed for " + name + " "
          + database + " (exit " + e.exitCode() + "): " + String.join(" | ", tail(e.outputTail(), 5))
          + ". Check the database with `heroku pg:info -a " + name + "`.", e.commandLine(), e.exitCode(),
          e.outputTail(), e.duration(), e.timedOut(), e.retryable(), e);
    }
    JsonNode transfer = CliRunner.backupName(lines).flatMap(this::transferByName)
        .or(() -> newestBackupSince(started))
        .orElseThrow(() -> new MigrationException(step, step + ": `heroku pg:backups:capture` exited 0 but no new "
            + "backup of " + database + " is in the transfers list of " + name + "; run `heroku pg:backups -a " + name
            + "` to see what happened."));
    if (!transfer.path("finished_at").isTextual()) {
      int num = transfer.path("num").asInt();
      transfer = Poller.of(clock, sleeper, TRANSFER_POLL, backupTimeout).until("backup " + backupName(num)
          + " of " + name + " to finish", () -> transfer(num, false),
          t -> t.path("finished_at").isTextual(), t -> "processed " + t.path("processed_bytes").asLong() + " bytes");
    }
    if (!transfer.path("succeeded").asBoolean()) {
      throw backupFailed(step, transfer);
    }
    BackupRef ref = new BackupRef(backupName(transfer.path("num").asInt()), transfer.path("num").asInt(),
        transfer.path("processed_bytes").asLong(-1));
    LOG.info("{}: {} of {} succeeded ({} bytes)", step, ref.id(), name, ref.sizeBytes());
    return ref;
  }

  /** The finished, successful backups of this app, oldest first. */
  public List<BackupRef> backups() {
    List<BackupRef> out = new ArrayList<>();
    for (JsonNode t : transfers()) {
      if (isBackup(t) && t.path("succeeded").asBoolean()) {
        int num = t.path("num").asInt();
        out.add(new BackupRef(backupName(num), num, t.path("processed_bytes").asLong(-1)));
      }
    }
    out.sort(Comparator.comparingInt(BackupRef::num));
    return out;
  }

  /**
   * Gets a fresh signed URL with {@code heroku pg:backups:url} and streams the backup into a new
   * private file (0600) named {@code <app>-<backup>.dump} in {@code directory}, reporting byte
   * progress to {@code listener}, computing the SHA-256 on the way, and checking the {@code PGDMP}
   * magic and the size. On any failure no file is left.
   *
   * @param directory an existing directory that only its owner can read (0700)
   * @throws ValidationException when the directory is missing or readable by others
   */
  @Override
  public DownloadedBackup download(BackupRef backup, Path directory, MigrationListener listener) {
    String step = "heroku.download";
    requirePrivateDirectory(step, directory);
    CommandResult result = cli.run(step, List.of("pg:backups:url", backup.id(), "-a", name), Duration.ofMinutes(5),
        line -> {});
    String url = result.stdout().strip();
    if (url.isEmpty()) {
      throw new MigrationException(step, step + ": `heroku pg:backups:url " + backup.id() + "` printed no URL for "
          + name + "; check the backup with `heroku pg:backups -a " + name + "`.");
    }
    Secret signed = redactor.register(Secret.of(url));
    return downloader.download(signed, backup, directory, name + "-" + backup.id() + ".dump", listener);
  }

  /**
   * The URL of {@code database} from the app's config vars ({@code DATABASE} reads
   * {@code DATABASE_URL}). Registered with the redactor.
   */
  @Override
  public Optional<Secret> databaseUrl(String database) {
    String var = database.endsWith("_URL") ? database : database + "_URL";
    return configVars().stream().filter(v -> v.name().equals(var)).map(ConfigVar::value).findFirst();
  }

  /**
   * The default credential's URL of {@code database} from {@code heroku pg:credentials:url}.
   * Registered with the redactor (the password in it is masked in every output).
   */
  public Secret credentialsUrl(String database) {
    String step = "heroku.credentials";
    requireAttachmentName(step, database);
    CommandResult result = cli.run(step, List.of("pg:credentials:url", database, "-a", name), Duration.ofMinutes(2),
        line -> {});
    Matcher m = POSTGRES_URL.matcher(result.stdout());
    if (!m.find()) {
      throw new MigrationException(step, step + ": `heroku pg:credentials:url` printed no postgres:// URL for "
          + database + " of " + name + ".");
    }
    return register(m.group());
  }

  private static boolean isDynoMetadata(String name) {
    return name.equals("HEROKU_APP_NAME") || name.equals("HEROKU_APP_ID") || name.equals("HEROKU_DYNO_ID")
        || name.startsWith("HEROKU_RELEASE_") || name.startsWith("HEROKU_SLUG_");
  }

  /**
   * Registers {@code value}, and the password inside it when it is a URL with credentials, so the
   * password alone (as in a libpq "password=..." string) is masked too.
   */
  private Secret register(String value) {
    Matcher m = URL_PASSWORD.matcher(value);
    if (m.find()) {
      String password = java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
      if (!password.isEmpty()) {
        redactor.register(Secret.of(password));
      }
    }
    return redactor.register(Secret.of(value));
  }

  @Override
  public String toString() {
    return "HerokuApp[" + name + "]";
  }

  private List<JsonNode> transfers() {
    return dataApi.list(ctx("heroku.transfers"), "client/v11/apps/" + name + "/transfers", Map.of(), null);
  }

  private JsonNode transfer(int num, boolean verbose) {
    return dataApi.get(ctx("heroku.transfers"), "client/v11/apps/" + name + "/transfers/" + num
        + (verbose ? "?verbose=true" : ""), Map.of());
  }

  private Optional<JsonNode> transferByName(String backupName) {
    int num = Integer.parseInt(backupName.substring(1));
    return transfers().stream().filter(t -> t.path("num").asInt() == num && isBackup(t)).findFirst();
  }

  private Optional<JsonNode> newestBackupSince(Instant since) {
    return transfers().stream().filter(HerokuApp::isBackup)
        .filter(t -> parseInstant(text(t, "created_at")).map(at -> !at.isBefore(since.minusSeconds(60))).orElse(false))
        .max(Comparator.comparingInt(t -> t.path("num").asInt()));
  }

  private MigrationException backupFailed(String step, JsonNode transfer) {
    int num = transfer.path("num").asInt();
    List<String> logs = new ArrayList<>();
    transfer(num, true).path("logs").forEach(l -> logs.add(text(l, "message")));
    return new MigrationException(step, step + ": backup " + backupName(num) + " of " + name + " failed"
        + (logs.isEmpty() ? "" : ": " + redactor.redact(String.join(" | ", tail(logs, 5))))
        + ". See `heroku pg:backups:info " + backupName(num) + " -a " + name + "`, fix the cause, then capture again.",
        true, null);
  }

  private static boolean isBackup(JsonNode t) {
    return "pg_dump".equals(text(t, "from_type")) && "gof3r".equals(text(t, "to_type"));
  }

  private static String backupName(int num) {
    return String.format("b%03d", num);
  }

  private static String pgVersion(JsonNode db) {
    String v = text(db, "postgres_version");
    return v.isEmpty() ? infoValue(db, "PG Version").orElse("") : v;
  }

  private static long dataSize(JsonNode db) {
    if (db.path("num_bytes").isNumber()) {
      return db.path("num_bytes").asLong();
    }
    return infoValue(db, "Data Size").map(HerokuApp::parseSize).orElse(-1L);
  }

  private static Optional<String> infoValue(JsonNode db, String key) {
    for (JsonNode i : db.path("info")) {
      if (key.equals(text(i, "name")) && i.path("values").size() > 0) {
        return Optional.of(i.path("values").get(0).asText());
      }
    }
    return Optional.empty();
  }

  /** Parses sizes as pg:info prints them: {@code 8.1 MB}, {@code 1.18 GB}, {@code 512 kB}. */
  static long parseSize(String text) {
    Matcher m = Pattern.compile("([\\d.]+)\\s*(bytes|B|kB|KB|MB|GB|TB)").matcher(text);
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

  /** Parses the data API's {@code 2024-05-01 12:00:00 +0000} as well as ISO-8601 instants. */
  static Optional<Instant> parseInstant(String s) {
    Matcher m = HEROKU_TIME.matcher(s.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    String zone = m.group(3) == null || m.group(3).equals("Z") ? "+00:00"
        : m.group(3).replaceFirst("^([+-]\\d\\d):?(\\d\\d)$", "$1:$2");
    try {
      return Optional.of(java.time.OffsetDateTime.parse(m.group(1) + "T" + m.group(2) + zone).toInstant());
    } catch (java.time.format.DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static void requireAttachmentName(String step, String database) {
    Objects.requireNonNull(database, "database");
    if (!database.matches("[A-Za-z][A-Za-z0-9_-]*")) {
      ValidationException.collector(step).add("database", database, "is not an attachment or add-on name",
          "use e.g. DATABASE or HEROKU_POSTGRESQL_BLUE").throwIfAny();
    }
  }

  private static void requirePrivateDirectory(String step, Path directory) {
    ValidationException.Collector problems = ValidationException.collector(step);
    if (!Files.isDirectory(directory)) {
      problems.add("directory", directory, "does not exist or is not a directory",
          "create it first with permissions 0700");
    } else if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      try {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(directory);
        if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
          problems.add("directory", directory, "is accessible to other users ("
              + java.nio.file.attribute.PosixFilePermissions.toString(perms) + ")", "chmod 700 it");
        }
      } catch (IOException e) {
        problems.add("directory", directory, "permissions cannot be read: " + e.getMessage(), "check the path");
      }
    }
    problems.throwIfAny();
  }

  private static List<String> tail(List<String> lines, int n) {
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }

  private PlatformApi.Context ctx(String step) {
    return new PlatformApi.Context(step, name);
  }

  private String appPath(String rest) {
    return "apps/" + name + rest;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }
}
