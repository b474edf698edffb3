package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.AppInventory;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The app being moved, as the pipeline sees it. Implemented by {@code HerokuClient.app(name)}.
 * Every method blocks and throws {@link dev.cutover.core.MigrationException} subclasses only.
 */
public interface SourceApp {
  /** The app's name. */
  String name();

  /** Reads everything the pipeline needs. Read-only. */
  AppInventory inventory();

  /** Turns maintenance mode on or off. Idempotent. */
  void maintenance(boolean on);

  /**
   * Captures a backup of {@code database} (an attachment name such as {@code DATABASE}) and waits
   * until the platform confirms it succeeded.
   */
  BackupRef captureBackup(String database, MigrationListener listener);

  /**
   * Streams {@code backup} into a new private file (0600) in {@code directory} (which the caller
   * created 0700), checking the {@code PGDMP} magic and the size. On failure no file is left.
   */
  DownloadedBackup download(BackupRef backup, Path directory, MigrationListener listener);

  /** The source database's URL, when it is reachable from here (for verification and STREAM). */
  Optional<Secret> databaseUrl(String database);
}
