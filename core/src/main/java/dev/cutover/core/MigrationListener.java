package dev.cutover.core;

/**
 * Receives progress from a migration and from the adapters' long operations.
 *
 * <p>Every method has a no-op default, so implement only what you need. Methods are called on the
 * thread doing the work (the caller's thread for pipeline steps, a worker thread for parallel
 * restores and child-process output, the download thread of a restore that runs while its
 * backup downloads), so implementations must be thread-safe and quick. A listener
 * that throws is logged and ignored: it never fails a migration (see {@link #safe}).
 */
public interface MigrationListener {
  /** A listener that does nothing. */
  MigrationListener NONE = new MigrationListener() {
    @Override
    public String toString() {
      return "MigrationListener.NONE";
    }
  };

  /** A pipeline step started. */
  default void stepStarted(MigrationEvent.StepStarted event) {}

  /** Progress of a long operation (bytes, rows); may come often and from worker threads. */
  default void progress(MigrationEvent.Progress event) {}

  /** A redacted line of a child process's output, on the child's reader thread. */
  default void output(MigrationEvent.Output event) {}

  /** A step finished successfully. */
  default void stepFinished(MigrationEvent.StepFinished event) {}

  /** A step failed; the migration stops (or resumes later) after this. */
  default void stepFailed(MigrationEvent.StepFailed event) {}

  /** Something the user should know that does not fail the step. */
  default void warning(MigrationEvent.Warning event) {}

  /** Wraps {@code listener} so that whatever it throws is logged and ignored. */
  static MigrationListener safe(MigrationListener listener) {
    return listener instanceof dev.cutover.core.internal.SafeListener
        ? listener : new dev.cutover.core.internal.SafeListener(listener);
  }

  /** Calls every listener in turn, each isolated from the others' failures. */
  static MigrationListener composite(MigrationListener... listeners) {
    return new dev.cutover.core.internal.CompositeListener(java.util.List.of(listeners));
  }
}
