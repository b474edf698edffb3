package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Another run of the same migration holds its lock (or one cannot tell that its holder is gone):
 * this one was refused before it changed or sent anything. Retryable: try again once the holder
 * is done.
 */
public final class MigrationLockedException extends MigrationException {
  private static final long serialVersionUID = 1L;

  private final transient Path lockFile;
  private final transient LockHolder holder;

  MigrationLockedException(Path lockFile, LockHolder holder, String message) {
    super("lock", message, true, null);
    this.lockFile = lockFile;
    this.holder = holder;
  }

  /** The lock file beside the journal. */
  public Path lockFile() {
    return lockFile;
  }

  /** Who holds the lock, when its record could be read. */
  public Optional<LockHolder> holder() {
    return Optional.ofNullable(holder);
  }
}
