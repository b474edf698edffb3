package dev.cutover.core.internal;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import java.util.List;

/** Fans events out to several listeners, each isolated from the others' failures. */
public final class CompositeListener implements MigrationListener {
  private final List<MigrationListener> listeners;

  /** Wraps each listener with {@link MigrationListener#safe}. */
  public CompositeListener(List<MigrationListener> listeners) {
    this.listeners = listeners.stream().map(MigrationListener::safe).toList();
  }

  @Override
  public void stepStarted(MigrationEvent.StepStarted event) {
    listeners.forEach(l -> l.stepStarted(event));
  }

  @Override
  public void progress(MigrationEvent.Progress event) {
    listeners.forEach(l -> l.progress(event));
  }

  @Override
  public void output(MigrationEvent.Output event) {
    listeners.forEach(l -> l.output(event));
  }

  @Override
  public void stepFinished(MigrationEvent.StepFinished event) {
    listeners.forEach(l -> l.stepFinished(event));
  }

  @Override
  public void stepFailed(MigrationEvent.StepFailed event) {
    listeners.forEach(l -> l.stepFailed(event));
  }

  @Override
  public void warning(MigrationEvent.Warning event) {
    listeners.forEach(l -> l.warning(event));
  }

  @Override
  public String toString() {
    return "Composite" + listeners;
  }
}
