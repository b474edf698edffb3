package dev.cutover.heroku.internal;

import static dev.cutover.heroku.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.ApiException;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
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
 * Postgres backups of one app's database with the real CLI, as Heroku really behaves: the database
 * may be owned (billed) by another app, whose backups list then holds the backup; a backup of it
 * already running is awaited, never duplicated; {@code pg:backups:capture} is run again after a 429,
 * a 5xx or a network failure only while no backup has started; the wait tolerates hours and long
 * streaks of errors; a timeout names the backup still running. Thread-safe; every method blocks.
 */
public final class Backups {
  private static final Logger LOG = LoggerFactory.getLogger(Backups.class);
  private static final Duration TRANSFER_POLL = Duration.ofSeconds(3);
  /** How long a backup's state may stay unreadable before the wait for it gives up. */
  private static final Duration ERROR_STREAK = Duration.ofMinutes(20);
  private static final Duration URL_TIMEOUT = Duration.ofMinutes(5);
  private static final Pattern BACKUP_LINE = Pattern.compile("Backing up \\S+ to b(\\d+)");
  private static final String POSTGRES_PLAN_PREFIX = "heroku-postgresql:";

  private final String app;
  private final PlatformApi api;
  private final PlatformApi dataApi;
  private final CliRunner cli;
  private final BackupDownloader downloader;
  private final Redactor redactor;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration timeout;

  /**
   * @param timeout how long a capture may take in all (the CLI runs, the waits, the retries)
   */
  public Backups(String app, PlatformApi api, PlatformApi dataApi, CliRunner cli, BackupDownloader downloader,
      Redactor redactor, Clock clock, Sleeper sleeper, Duration timeout) {
    this.app = Objects.requireNonNull(app, "app");
    this.api = Objects.requireNonNull(api, "api");
    this.dataApi = Objects.requireNonNull(dataApi, "dataApi");
    this.cli = Objects.requireNonNull(cli, "cli");
    this.downloader = Objects.requireNonNull(downloader, "downloader");
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * The database behind an attachment of the app.
   *
   * @param attachment as given, e.g. {@code DATABASE}
   * @param addonId its add-on's id
   * @param addonName its add-on's name
   * @param owner the app that owns the add-on and lists its backups
   * @param fromNames the names a backup of it carries as {@code from_name}: its attachments on every app
   */
  record Target(String attachment, String addonId, String addonName, String owner, Set<String> fromNames) {
    String describe() {
      return attachment + " (" + addonName + (owner.isEmpty() ? "" : ", owned by " + owner) + ")";
    }
  }

  /** Captures a backup of {@code database} and waits until it finished; see the class comment. */
  public BackupRef capture(String database, MigrationListener listener) {
    String step = "heroku.capture";
    Target t = resolve(step, database);
    Instant deadline = clock.instant().plus(timeout);
    List<JsonNode> before = transfers(t.owner());
    Optional<JsonNode> running = before.stream().filter(b -> isBackupOf(b, t) && !finished(b))
        .max(Comparator.comparingInt(b -> b.path("num").asInt()));
    JsonNode transfer;
    if (running.isPresent()) {
      String id = backupName(running.get().path("num").asInt());
      listener.warning(new MigrationEvent.Warning(step, clock.instant(), "backup " + id + " of " + t.describe()
          + " is already running (started " + text(running.get(), "created_at") + "); waiting for it instead of "
          + "starting another"));
      transfer = await(step, t, running.get(), deadline, listener);
    } else {
      int baseline = before.stream().mapToInt(b -> b.path("num").asInt()).max().orElse(0);
      transfer = captureWithCli(step, t, baseline, deadline, listener);
    }
    if (!transfer.path("succeeded").asBoolean()) {
      throw failed(step, t, transfer);
    }
    BackupRef ref = ref(t.owner(), transfer);
    LOG.info("{}: {} of {} on {} succeeded ({} bytes)", step, ref.id(), database, t.owner(), ref.sizeBytes());
    return ref;
  }

  /** The finished, successful backups listed on this app (of the databases it owns), oldest first. */
  public List<BackupRef> list() {
    List<BackupRef> out = new ArrayList<>();
    for (JsonNode t : transfers(app)) {
      if (isBackup(t) && t.path("succeeded").asBoolean()) {
        out.add(ref(app, t));
      }
    }
    out.sort(Comparator.comparingInt(BackupRef::num));
    return out;
  }

  /**
   * A fresh signed URL for {@code backup} ({@code heroku pg:backups:url} on the app whose list holds
   * it, run again after a 429 or 5xx), streamed into {@code directory/<app>-<id>.dump}.
   */
  public DownloadedBackup download(BackupRef backup, Path directory, MigrationListener listener) {
    return downloader.download(signedUrl(backup), backup, directory, app + "-" + backup.id() + ".dump", listener);
  }

  /** A fresh signed URL for {@code backup}, streamed into {@code file} itself as it arrives (see {@link BackupDownloader#downloadInPlace}). */
  public DownloadedBackup downloadInPlace(BackupRef backup, Path file, MigrationListener listener) {
    return downloader.downloadInPlace(signedUrl(backup), backup, file, listener);
  }

  private Secret signedUrl(BackupRef backup) {
    String step = "heroku.download";
    String owner = backup.app().isEmpty() ? app : backup.app();
    CommandResult result = CliFailure.retrying(step, "`heroku pg:backups:url " + backup.id() + " -a " + owner + "`",
        owner, sleeper, () -> cli.run(step, List.of("pg:backups:url", "-a", owner, "--", backup.id()), URL_TIMEOUT,
            line -> {}));
    String url = result.stdout().strip();
    if (url.isEmpty()) {
      throw new MigrationException(step, step + ": `heroku pg:backups:url " + backup.id() + "` printed no URL for "
          + owner + "; check the backup with `heroku pg:backups -a " + owner + "`.");
    }
    return redactor.register(Secret.of(url));
  }

  private JsonNode captureWithCli(String step, Target t, int baseline, Instant deadline, MigrationListener listener) {
    String what = "`heroku pg:backups:capture " + t.attachment() + " -a " + app + "`";
    for (int attempt = 1; ; attempt++) {
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      Duration left = Duration.between(clock.instant(), deadline);
      try {
        if (left.isNegative() || left.isZero()) {
          throw timedOut(step, t, Optional.empty(), null);
        }
        cli.run(step, List.of("pg:backups:capture", "-a", app, "--", t.attachment()), left, line -> {
          lines.add(line.line());
          listener.output(new MigrationEvent.Output(step, clock.instant(), "heroku", line.line()));
        });
        // Exit 0 proves nothing: the CLI swallows its polling errors. The owner's list says.
        JsonNode started = startedBackup(t, lines, baseline).orElseThrow(() -> new MigrationException(step, step + ": "
            + what + " exited 0 but no new backup of " + t.describe() + " is in the backups of " + t.owner()
            + "; run `heroku pg:backups -a " + t.owner() + "` to see what happened."));
        return finished(started) ? started : await(step, t, started, deadline, listener);
      } catch (CommandFailedException e) {
        Optional<JsonNode> started = startedBackup(t, lines, baseline);
        CliFailure f = CliFailure.of(e);
        if (f.cause() == CliFailure.Cause.TIMEOUT) {
          throw timedOut(step, t, started, e);
        }
        if (started.isPresent()) {
          // The backup runs at Heroku; only the CLI lost track of it (or it finished and failed).
          return finished(started.get()) ? started.get() : await(step, t, started.get(), deadline, listener);
        }
        if (attempt >= f.maxAttempts()) {
          throw f.exception(step, what, app, attempt, e);
        }
        Duration wait = f.backoff(attempt);
        listener.warning(new MigrationEvent.Warning(step, clock.instant(), what + " failed (" + f.cause()
            + ") before any backup started; running it again in " + wait.toSeconds() + " s (attempt " + (attempt + 1)
            + " of " + f.maxAttempts() + ")"));
        CliFailure.sleep(step, sleeper, wait);
      }
    }
  }

  /**
   * Waits until {@code transfer} finished, reading it every 3 s and reporting its processed bytes. Errors reading it (after the API
   * client's own retries) are tolerated for up to {@link #ERROR_STREAK} in a row.
   */
  private JsonNode await(String step, Target t, JsonNode transfer, Instant deadline, MigrationListener listener) {
    int num = transfer.path("num").asInt();
    JsonNode last = transfer;
    Instant failingSince = null;
    while (true) {
      try {
        last = transfer(t.owner(), num, false);
        failingSince = null;
        if (finished(last)) {
          return last;
        }
        // the bytes the backup wrote so far (its total is unknown until it finished)
        listener.progress(new MigrationEvent.Progress(step, clock.instant(), "bytes",
            Math.max(0, last.path("processed_bytes").asLong()), -1));
      } catch (ApiException e) {
        if (!e.retryable()) {
          throw e;
        }
        Instant now = clock.instant();
        failingSince = failingSince == null ? now : failingSince;
        if (Duration.between(failingSince, now).compareTo(ERROR_STREAK) > 0) {
          throw new MigrationException(step, step + ": the state of backup " + backupName(num) + " of " + t.describe()
              + " could not be read for " + ERROR_STREAK.toMinutes() + " minutes (" + e.status() + " from "
              + e.method() + " " + e.path() + "); it may still be running. Check it with `heroku pg:backups:info "
              + backupName(num) + " -a " + t.owner() + "` and run again (a running backup is awaited).", true, e);
        }
        LOG.info("{}: reading backup {} failed ({}); still waiting", step, backupName(num), e.status());
      }
      Duration left = Duration.between(clock.instant(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw timedOut(step, t, Optional.of(last), null);
      }
      CliFailure.sleep(step, sleeper, left.compareTo(TRANSFER_POLL) < 0 ? left : TRANSFER_POLL);
    }
  }

  /** The backup this capture started: the one the CLI named, else a backup of the database newer than {@code baseline}. */
  private Optional<JsonNode> startedBackup(Target t, List<String> lines, int baseline) {
    Optional<Integer> named = Optional.empty();
    synchronized (lines) {
      for (String line : lines) {
        Matcher m = BACKUP_LINE.matcher(line);
        if (m.find()) {
          named = Optional.of(Integer.parseInt(m.group(1)));
        }
      }
    }
    Optional<Integer> num = named;
    List<JsonNode> all = transfers(t.owner());
    return all.stream().filter(b -> isBackup(b) && num.map(n -> b.path("num").asInt() == n).orElse(false)).findFirst()
        .or(() -> all.stream().filter(b -> isBackupOf(b, t) && b.path("num").asInt() > baseline)
            .max(Comparator.comparingInt(b -> b.path("num").asInt())));
  }

  private MigrationException timedOut(String step, Target t, Optional<JsonNode> running, CommandFailedException e) {
    if (running.isEmpty()) {
      return new MigrationException(step, step + ": no backup of " + t.describe() + " had started within the backup "
          + "timeout of " + timeout + "; run again, with a longer backupTimeout if Heroku is slow.", true, e);
    }
    String id = backupName(running.get().path("num").asInt());
    // Not retryable: running the capture again now would only wait for the same backup, on the same budget.
    return new MigrationException(step, step + ": backup " + id + " of " + t.describe() + " is still running after "
        + "the backup timeout of " + timeout + "; no second backup was started. Follow it with `heroku pg:backups:info "
        + id + " -a " + t.owner() + "`; run again to wait for it (a running backup is awaited, not duplicated), with "
        + "a longer backupTimeout for a large database.", false, e);
  }

  private MigrationException failed(String step, Target t, JsonNode transfer) {
    int num = transfer.path("num").asInt();
    String id = backupName(num);
    String logs;
    try {
      List<String> lines = new ArrayList<>();
      transfer(t.owner(), num, true).path("logs").forEach(l -> lines.add(text(l, "message")));
      logs = lines.isEmpty() ? "" : ": " + redactor.redact(String.join(" | ", lines.subList(Math.max(0,
          lines.size() - 5), lines.size())));
    } catch (ApiException e) {
      logs = " (its logs could not be read: " + e.method() + " " + e.path() + " answered " + e.status() + ")";
    }
    return new MigrationException(step, step + ": backup " + id + " of " + t.describe() + " failed" + logs
        + ". See `heroku pg:backups:info " + id + " -a " + t.owner() + "`, fix the cause, then capture again.", true, null);
  }

  /** The database behind {@code database} on this app, with its owner ({@code POST /actions/addon-attachments/resolve}). */
  private Target resolve(String step, String database) {
    PlatformApi.Context ctx = new PlatformApi.Context(step, app);
    JsonNode found;
    try {
      found = api.send(ctx, "POST", "actions/addon-attachments/resolve", Map.of("addon_attachment", database, "app", app),
          true, Map.of("Accept-Inclusion", "addon:plan,config_vars"));
    } catch (ApiException e) {
      if (e.status() == 404) {
        ValidationException.collector(step).add("database", database, "is not a database attached to " + app,
            "use an attachment name that `heroku pg:info -a " + app + "` lists, e.g. DATABASE").throwIfAny();
      }
      throw e;
    }
    JsonNode at = null;
    for (JsonNode candidate : found) {
      String plan = text(candidate.path("addon").path("plan"), "name");
      if (plan.isEmpty() || plan.startsWith(POSTGRES_PLAN_PREFIX)) {
        if (at == null || text(candidate, "name").equals(database)) {
          at = candidate;
        }
      }
    }
    if (at == null) {
      ValidationException.collector(step).add("database", database, "is not a Heroku Postgres database of " + app,
          "use an attachment name that `heroku pg:info -a " + app + "` lists").throwIfAny();
    }
    String addonId = text(at.path("addon"), "id");
    String addonName = text(at.path("addon"), "name");
    String owner = text(at.path("addon").path("app"), "name");
    Set<String> fromNames = new LinkedHashSet<>(List.of(database, text(at, "name"), addonName));
    try {
      api.list(ctx, "addons/" + addonId + "/addon-attachments", Map.of()).forEach(a -> fromNames.add(text(a, "name")));
    } catch (ApiException e) {
      LOG.debug("{}: attachments of {} not readable ({}); matching backups by {}", step, addonName, e.status(), fromNames);
    }
    return new Target(text(at, "name"), addonId, addonName, owner.isEmpty() ? app : owner, Set.copyOf(fromNames));
  }

  private List<JsonNode> transfers(String owner) {
    return dataApi.list(new PlatformApi.Context("heroku.transfers", owner), "client/v11/apps/" + owner + "/transfers",
        Map.of(), null);
  }

  private JsonNode transfer(String owner, int num, boolean verbose) {
    return dataApi.get(new PlatformApi.Context("heroku.transfers", owner), "client/v11/apps/" + owner + "/transfers/"
        + num + (verbose ? "?verbose=true" : ""), Map.of());
  }

  private static BackupRef ref(String owner, JsonNode transfer) {
    int num = transfer.path("num").asInt();
    return new BackupRef(backupName(num), num, transfer.path("processed_bytes").asLong(-1), owner);
  }

  private static boolean finished(JsonNode t) {
    return t.path("finished_at").isTextual();
  }

  private static boolean isBackup(JsonNode t) {
    return "pg_dump".equals(text(t, "from_type")) && "gof3r".equals(text(t, "to_type"));
  }

  private static boolean isBackupOf(JsonNode t, Target target) {
    return isBackup(t) && target.fromNames().contains(text(t, "from_name"));
  }

  private static String backupName(int num) {
    return String.format("b%03d", num);
  }
}
