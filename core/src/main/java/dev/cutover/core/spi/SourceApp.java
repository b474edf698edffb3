package dev.cutover.core.spi;

import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.PostgresInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The app being moved, as the pipeline sees it. Implemented by {@code HerokuClient.app(name)}.
 * Every method blocks and throws {@link dev.cutover.core.MigrationException} subclasses only.
 */
public interface SourceApp {
  /** The app's name. */
  String name();

  /**
   * The toolkit this source was built with, when it has one: {@code plan()} uses its redactor for
   * the whole run and refuses a target built with another. The default has none.
   */
  default Optional<dev.cutover.core.Toolkit> toolkit() {
    return Optional.empty();
  }

  /** Reads everything the pipeline needs. Read-only. */
  AppInventory inventory();

  /**
   * What the config var {@code name} is on this platform (its dyno metadata, its managed database's
   * URLs, ...). Calls nothing remote. The default says every var is the app's own ({@code APP}); an
   * add-on's vars are known from the inventory's add-ons.
   */
  default dev.cutover.core.model.ConfigVarKind configVarKind(String name) {
    return dev.cutover.core.model.ConfigVarKind.APP;
  }

  /**
   * The memory (MB) of one process of {@code size} (a formation's size, e.g. {@code standard-2X},
   * any case), when the platform says. Calls nothing remote. The default knows no size.
   */
  default Optional<Integer> processMemoryMb(String size) {
    return Optional.empty();
  }

  /** Turns maintenance mode on or off. Idempotent. */
  void maintenance(boolean on);

  /**
   * What a person runs to turn maintenance mode on or off by hand, in this platform's own terms
   * (for Heroku, its CLI command), for plans, reports and advice. Calls nothing. The default says it
   * in words.
   *
   * @param on whether maintenance is turned on
   * @return the command or instruction
   */
  default String maintenanceCommand(boolean on) {
    return "turn maintenance mode " + (on ? "on" : "off") + " for " + name();
  }

  /**
   * What a person runs to stop one running dyno by hand, in this platform's own terms (for Heroku,
   * its CLI command), for advice. Calls nothing. The default says it in words.
   *
   * @param dyno the dyno's name, or a placeholder such as {@code <dyno>}
   * @return the command or instruction
   */
  default String stopDynoCommand(String dyno) {
    return "stop " + dyno + " of " + name();
  }

  /**
   * The formation now. Read-only. The default reads the whole inventory.
   *
   * @return each process type with its quantity, size and command
   */
  default List<Formation> formation() {
    return inventory().formation();
  }

  /**
   * Sets the quantity of each process type in {@code quantities} (types not named are left alone)
   * and, for every type scaled down, waits until its surplus dynos have stopped, so that they no
   * longer write. Idempotent: a type already at its quantity is not touched.
   *
   * <p>The write fence scales every non-web type to 0 with this and restores on rollback by passing
   * back what it returned. Journal the formation read before scaling as well: a crash between the
   * change and the journal write leaves a second call returning nothing to restore.
   *
   * @param quantities process type to the quantity it should have (0 or more)
   * @return the previous quantity of each type that was changed (empty when nothing changed)
   * @throws dev.cutover.core.ValidationException when a type is not in the formation or a quantity
   *     is negative, before anything changed
   * @throws dev.cutover.core.WaitTimeoutException when dynos scaled down are still running after
   *     the platform's shutdown grace period (the new quantities are set)
   */
  default Map<String, Integer> scale(Map<String, Integer> quantities) {
    throw new MigrationException("source.scale", "source.scale: " + name() + " cannot change its formation here; "
        + "scale it on the platform yourself.");
  }

  /**
   * The one-off dynos running now (a {@code heroku run}, a scheduled job): scaling the formation does
   * not stop them, so the write fence refuses to start while any runs. Read-only. The default cannot
   * tell.
   *
   * @return each running one-off dyno, e.g. {@code run.4821 (up): rake db:backfill}; empty when this
   *     source cannot list them
   */
  default Optional<List<String>> runningOneOffDynos() {
    return Optional.empty();
  }

  /**
   * Captures a backup of {@code database} (an attachment name such as {@code DATABASE}) and waits
   * until the platform confirms it succeeded. A backup of it already running is awaited instead of
   * starting a second one.
   */
  BackupRef captureBackup(String database, MigrationListener listener);

  /**
   * Streams {@code backup} into a new private file (0600) in {@code directory} (which the caller
   * created 0700), checking the {@code PGDMP} magic and the size. On failure no file is left.
   */
  DownloadedBackup download(BackupRef backup, Path directory, MigrationListener listener);

  /**
   * Streams {@code backup} into {@code file} itself as its bytes arrive, so that a reader can follow the
   * growing file (a restore that starts before the download ends), with the checks of
   * {@link #download(BackupRef, Path, MigrationListener)}. {@code file} is created new and private (0600),
   * replacing one of that name, in its directory (which the caller created 0700). On failure the partial
   * file is left where it is, for the caller to delete once its reader has stopped. Blocks; an interrupt
   * stops it.
   *
   * <p>The default downloads with {@link #download(BackupRef, Path, MigrationListener)} into the file's
   * directory and then moves the finished file to {@code file}: correct, but a reader sees no byte before
   * the end.
   *
   * @param backup the backup
   * @param file where to write it
   * @param listener download progress
   * @return the file, its size and its SHA-256, once every byte is written and checked
   */
  default DownloadedBackup downloadInPlace(BackupRef backup, Path file, MigrationListener listener) {
    DownloadedBackup done = download(backup, file.toAbsolutePath().getParent(), listener);
    try {
      java.nio.file.Files.move(done.file(), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw new MigrationException("source.download", "source.download: cannot move " + done.file().getFileName()
          + " to " + file + " (" + e.getMessage() + ")", false, e);
    }
    return new DownloadedBackup(file, done.sizeBytes(), done.sha256());
  }

  /** The source database's URL, when it is reachable from here (for verification and STREAM). */
  Optional<Secret> databaseUrl(String database);

  /**
   * How {@code RestoreStrategy.DIRECT} reaches {@code database} straight from here: its URL, with the
   * transport security the platform requires of connections from outside (the adapter owns that rule),
   * or why it cannot be reached directly. Read-only; connects nowhere. The default parses
   * {@link #databaseUrl(String)} as it is.
   *
   * @param database the database as inventoried
   * @return where to connect, a secret inside (register its password with the redactor)
   * @throws MigrationException saying why the database cannot be read directly from here (its plan
   *     accepts no outside connection, no URL is known), so that the plan restores a backup instead
   */
  default PgConnection directConnection(PostgresInfo database) {
    Secret url = databaseUrl(database.attachmentName()).orElseThrow(() -> new MigrationException("source.direct",
        "source.direct: the URL of " + database.attachmentName() + " is not known here", false, null));
    try {
      return PgConnection.parse(url);
    } catch (IllegalArgumentException e) {
      throw new MigrationException("source.direct", "source.direct: the URL of " + database.attachmentName()
          + " cannot be used (" + e.getMessage() + ")", false, null);
    }
  }
}
