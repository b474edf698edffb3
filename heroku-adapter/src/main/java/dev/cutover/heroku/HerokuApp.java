package dev.cutover.heroku;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Toolkit;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.heroku.internal.BackupDownloader;
import dev.cutover.heroku.internal.Backups;
import dev.cutover.heroku.internal.CliFailure;
import dev.cutover.heroku.internal.CliRunner;
import dev.cutover.heroku.internal.FormationScaler;
import dev.cutover.heroku.internal.Hosts;
import dev.cutover.heroku.internal.InventoryReader;
import dev.cutover.heroku.internal.PlatformApi;
import dev.cutover.heroku.internal.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
 * One Heroku app: read its inventory through the Platform API, turn maintenance on, fence writes by
 * scaling its process types, capture a Postgres backup with the real CLI and stream it to a
 * private file.
 *
 * <p>Obtained from {@link HerokuClient#app(String)}; holds no resources of its own. Every method
 * blocks and throws {@link MigrationException} subclasses only ({@link dev.cutover.core.ApiException}
 * for API errors, {@link CommandFailedException} when the CLI fails). Every secret it sees (config
 * var values, signed URLs, database URLs) is registered with the client's {@link Redactor}.
 * Thread-safe.
 */
public final class HerokuApp implements SourceApp {
  private static final Logger LOG = LoggerFactory.getLogger(HerokuApp.class);
  private static final Pattern POSTGRES_URL = Pattern.compile("postgres(?:ql)?://\\S+");

  private final Toolkit toolkit;
  private final String name;
  private final PlatformApi api;
  private final CliRunner cli;
  private final Redactor redactor;
  private final Sleeper sleeper;
  private final InventoryReader reader;
  private final Backups backups;
  private final FormationScaler scaler;

  HerokuApp(String name, PlatformApi api, PlatformApi dataApi, CliRunner cli, BackupDownloader downloader,
      Toolkit toolkit, Duration backupTimeout) {
    Redactor redactor = toolkit.redactor();
    Clock clock = toolkit.clock();
    Sleeper sleeper = toolkit.sleeper();
    this.toolkit = toolkit;
    this.name = name;
    this.api = api;
    this.cli = cli;
    this.redactor = redactor;
    this.sleeper = sleeper;
    this.reader = new InventoryReader(name, api, dataApi, redactor, clock);
    this.backups = new Backups(name, api, dataApi, cli, downloader, redactor, clock, sleeper, backupTimeout);
    this.scaler = new FormationScaler(name, api, clock, sleeper);
  }

  @Override
  public String name() {
    return name;
  }

  /** The client's toolkit: its redactor is the one every secret this app reads is registered with. */
  @Override
  public Optional<Toolkit> toolkit() {
    return Optional.of(toolkit);
  }

  /** Heroku's kind of config var: dyno metadata, a Heroku Postgres URL, or the app's own. */
  @Override
  public dev.cutover.core.model.ConfigVarKind configVarKind(String name) {
    return dev.cutover.heroku.internal.InventoryReader.kind(name);
  }

  /** A dyno size's memory, from Heroku's published sizes ({@code eco} 512 MB ... {@code performance-2XL}). */
  @Override
  public Optional<Integer> processMemoryMb(String size) {
    return dev.cutover.heroku.internal.DynoSizes.memoryMb(size);
  }

  /**
   * Reads the app, formation, config vars, add-ons (its own and those shared with it), domains (all
   * pages), buildpacks, the current release's process types ({@code fir} images included), and every
   * attached Postgres database with its owner, attachments, config vars and follower role. Parts
   * whose endpoint answers 403, 404 or 410 (the releases, a database still provisioning) become
   * {@link AppInventory#gaps() gaps}. Read-only; about ten requests plus one per database, however
   * long the release history.
   */
  @Override
  public AppInventory inventory() {
    return reader.read();
  }

  /** Whether maintenance mode is on now. */
  public boolean maintenance() {
    return api.get(ctx("heroku.maintenance"), "apps/" + name, Map.of()).path("maintenance").asBoolean();
  }

  /** Turns maintenance mode on or off ({@code PATCH /apps/{app}}). Idempotent, so retried on 5xx. */
  @Override
  public void maintenance(boolean on) {
    JsonNode app = api.send(ctx("heroku.maintenance"), "PATCH", "apps/" + name, Map.of("maintenance", on), true);
    if (app.path("maintenance").isBoolean() && app.path("maintenance").asBoolean() != on) {
      throw new MigrationException("heroku.maintenance", "heroku.maintenance: Heroku did not turn maintenance "
          + (on ? "on" : "off") + " for " + name + "; try again or use `" + maintenanceCommand(on) + "`.", true, null);
    }
    LOG.info("heroku.maintenance: {} maintenance {}", name, on ? "on" : "off");
  }

  /** The Heroku CLI command: {@code heroku maintenance:on -a <app>} (or {@code :off}). */
  @Override
  public String maintenanceCommand(boolean on) {
    return "heroku maintenance:" + (on ? "on" : "off") + " -a " + name;
  }

  /** The Heroku CLI command: {@code heroku ps:stop <dyno> -a <app>}. */
  @Override
  public String stopDynoCommand(String dyno) {
    return "heroku ps:stop " + dyno + " -a " + name;
  }

  /** Every config var (empty values included); each value is registered with the redactor. */
  public List<ConfigVar> configVars() {
    return reader.configVars();
  }

  /** The formation: each process type with quantity, dyno size and command. */
  @Override
  public List<Formation> formation() {
    return reader.formation();
  }

  /**
   * Scales process types with one {@code PATCH /apps/{app}/formation} and waits (up to two
   * minutes) until the dynos of every type scaled down have stopped, as Heroku stops them after
   * answering. Types already at their quantity are not touched.
   *
   * <pre>{@code
   * Map<String, Integer> before = app.scale(Map.of("worker", 0, "clock", 0));   // {worker=3, clock=1}
   * ...
   * app.scale(before);                                                           // restored
   * }</pre>
   *
   * @return each changed type's previous quantity
   * @throws ValidationException when a type is not in the formation or a quantity is negative, before
   *     any change
   * @throws dev.cutover.core.WaitTimeoutException when dynos scaled down still run after two minutes
   */
  @Override
  public Map<String, Integer> scale(Map<String, Integer> quantities) {
    Objects.requireNonNull(quantities, "quantities");
    return scaler.scale(quantities);
  }

  /**
   * The one-off dynos running now ({@code heroku run}, scheduled jobs): the dynos whose type is not a
   * process type of the formation and that are not stopped. Two requests ({@code GET .../formation},
   * {@code GET .../dynos}).
   *
   * @return each as {@code name (state): command}, e.g. {@code run.4821 (up): rake db:backfill}
   */
  @Override
  public Optional<List<String>> runningOneOffDynos() {
    return Optional.of(scaler.oneOffDynos());
  }

  /** The add-ons attached to the app (its own and shared ones) with owner, attachments and config vars. */
  public List<Addon> addons() {
    return reader.addons();
  }

  /** Every domain, the {@code herokuapp.com} one included, following pagination. */
  public List<Domain> domains() {
    return reader.domains();
  }

  /** Buildpacks in order: classic ones on {@code cedar}, the current image's on {@code fir}. */
  public List<String> buildpacks() {
    return reader.buildpacks();
  }

  /** The current release's process types (type to command, {@code release} included); empty when nothing was released. */
  public Map<String, String> processTypes() {
    return reader.processTypes();
  }

  /** The app's features (labs) and whether each is enabled. */
  public List<AppFeature> features() {
    List<AppFeature> out = new ArrayList<>();
    reader.features().forEach((feature, enabled) -> out.add(new AppFeature(feature, enabled)));
    return out;
  }

  /**
   * Every Heroku Postgres database attached to this app, followers and databases owned by other
   * apps included, with version and size from the data API.
   */
  public List<PostgresInfo> databases() {
    return reader.databases();
  }

  /**
   * Captures a backup of {@code database} with {@code heroku pg:backups:capture} and confirms through
   * the backups list of the app that owns the database (another app when it is attached from there)
   * that it finished and succeeded. A backup of it already running is awaited instead of starting
   * another. The CLI is run again after a 429, a 5xx or a network failure while no backup has
   * started (up to four runs, with backoff). Blocks for as long as the backup takes, up to the
   * client's backup timeout; a timeout names the backup still running and is not retryable. The
   * CLI's output lines reach {@code listener} as output events.
   *
   * @return the backup, with the app whose list holds it
   * @throws ValidationException when {@code database} is not a Postgres attachment of this app
   */
  @Override
  public BackupRef captureBackup(String database, MigrationListener listener) {
    requireAttachmentName("heroku.capture", database);
    return backups.capture(database, MigrationListener.safe(listener));
  }

  /** The finished, successful backups listed on this app (of the databases it owns), oldest first. */
  public List<BackupRef> backups() {
    return backups.list();
  }

  /**
   * Gets a fresh signed URL with {@code heroku pg:backups:url} (on the app whose list holds the
   * backup) and streams the backup into a new private file (0600) named {@code <app>-<backup>.dump}
   * in {@code directory}, reporting byte progress to {@code listener}, computing the SHA-256 on the
   * way, and checking the {@code PGDMP} magic and the size. On any failure no file is left; a full
   * disk is reported with the system's message.
   *
   * @param directory an existing directory that only its owner can read (0700)
   * @throws ValidationException when the directory is missing or readable by others
   */
  @Override
  public DownloadedBackup download(BackupRef backup, Path directory, MigrationListener listener) {
    requirePrivateDirectory("heroku.download", directory);
    return backups.download(backup, directory, MigrationListener.safe(listener));
  }

  /**
   * As {@link #download(BackupRef, Path, MigrationListener)}, but writing {@code file} itself as the bytes
   * arrive (no temporary name), so that a restore can read the growing file. The file is created new (0600),
   * replacing one of that name; on failure the partial file is left for the caller to delete.
   *
   * @param file the file to write, in an existing directory that only its owner can read (0700)
   * @throws ValidationException when the directory is missing or readable by others
   */
  @Override
  public DownloadedBackup downloadInPlace(BackupRef backup, Path file, MigrationListener listener) {
    requirePrivateDirectory("heroku.download", file.toAbsolutePath().getParent());
    return backups.downloadInPlace(backup, file, MigrationListener.safe(listener));
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
   * {@code database}'s URL as {@code RestoreStrategy.DIRECT} uses it from outside Heroku: with
   * {@code sslmode=require} (Heroku Postgres accepts outside connections only over TLS, with certificates
   * no public authority signs, so {@code verify-full} cannot work), unless the URL asks for more or the
   * host is this machine's loopback (a local stand-in: nothing crosses a network). Private- and Shield-tier
   * databases accept connections only from inside their Private Space: refused. Read-only; connects nowhere.
   *
   * @throws MigrationException when the plan accepts no outside connection or the URL is not known
   */
  @Override
  public PgConnection directConnection(PostgresInfo database) {
    String tier = database.plan().substring(database.plan().indexOf(':') + 1);
    if (tier.startsWith("private-") || tier.startsWith("shield-")) {
      throw new MigrationException("heroku.direct", "heroku.direct: " + database.addonName() + " (" + database.plan()
          + ") accepts connections only from inside its Private Space, not from here", false, null);
    }
    PgConnection c = SourceApp.super.directConnection(database);
    redactor.register(c.password());
    if (Hosts.isLoopback(c.host()) || Set.of("require", "verify-ca", "verify-full").contains(c.sslMode())) {
      return c;
    }
    return new PgConnection(c.host(), c.port(), c.database(), c.user(), c.password(), "require");
  }

  /**
   * The default credential's URL of {@code database} from {@code heroku pg:credentials:url} (run
   * again after a 429 or 5xx). Registered with the redactor (the password in it is masked in every
   * output).
   */
  public Secret credentialsUrl(String database) {
    String step = "heroku.credentials";
    requireAttachmentName(step, database);
    CommandResult result = CliFailure.retrying(step, "`heroku pg:credentials:url " + database + " -a " + name + "`",
        name, sleeper, () -> cli.run(step, List.of("pg:credentials:url", "-a", name, "--", database), Duration.ofMinutes(2),
            line -> {}));
    Matcher m = POSTGRES_URL.matcher(result.stdout());
    if (!m.find()) {
      throw new MigrationException(step, step + ": `heroku pg:credentials:url` printed no postgres:// URL for "
          + database + " of " + name + ".");
    }
    return Secrets.register(redactor, m.group());
  }

  @Override
  public String toString() {
    return "HerokuApp[" + name + "]";
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
              + PosixFilePermissions.toString(perms) + ")", "chmod 700 it");
        }
      } catch (IOException e) {
        problems.add("directory", directory, "permissions cannot be read: " + e.getMessage(), "check the path");
      }
    }
    problems.throwIfAny();
  }

  private PlatformApi.Context ctx(String step) {
    return new PlatformApi.Context(step, name);
  }
}
