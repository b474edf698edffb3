package dev.cutover.core;

/**
 * The calling thread was interrupted. The interrupt flag is set again before this is thrown, and
 * whatever was started has been stopped; a later {@code resume()} continues where this stopped.
 */
public class MigrationCancelledException extends MigrationException {
  private static final long serialVersionUID = 1L;

  public MigrationCancelledException(String step, String message, Throwable cause) {
    super(step, message, true, cause);
  }

  /** Restores the interrupt flag and returns the exception to throw. */
  public static MigrationCancelledException interrupted(String step, InterruptedException cause) {
    Thread.currentThread().interrupt();
    return new MigrationCancelledException(step, (step == null ? "" : step + ": ") + "cancelled (thread interrupted)", cause);
  }
}
