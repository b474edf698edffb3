package dev.cutover.core;

/**
 * Receives progress from a migration and from the adapters' long operations.
 *
 * <p>Every method has a no-op default, so implement only what you need. Methods are called on the
 * thread doing the work (the caller's thread for pipeline steps, a worker thread for parallel
 * restores and child-process output), so implementations must be thread-safe and quick. A listener
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

  default void stepStarted(MigrationEvent.StepStarted event) {}

  default void progress(MigrationEvent.Progress event) {}

  default void output(MigrationEvent.Output event) {}

  default void stepFinished(MigrationEvent.StepFinished event) {}

  default void stepFailed(MigrationEvent.StepFailed event) {}

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
