package dev.cutover.core.internal;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Isolates the SDK from a listener that throws. */
public final class SafeListener implements MigrationListener {
  private static final Logger log = LoggerFactory.getLogger(SafeListener.class);

  private final MigrationListener delegate;

  public SafeListener(MigrationListener delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  private <E extends MigrationEvent> void call(E event, Consumer<E> method) {
    try {
      method.accept(event);
    } catch (RuntimeException | Error e) {
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
      log.warn("Listener {} threw {} on {}; ignored", delegate, e.getClass().getName(), event.getClass().getSimpleName());
    }
  }

  @Override
  public void stepStarted(MigrationEvent.StepStarted event) {
    call(event, delegate::stepStarted);
  }

  @Override
  public void progress(MigrationEvent.Progress event) {
    call(event, delegate::progress);
  }

  @Override
  public void output(MigrationEvent.Output event) {
    call(event, delegate::output);
  }

  @Override
  public void stepFinished(MigrationEvent.StepFinished event) {
    call(event, delegate::stepFinished);
  }

  @Override
  public void stepFailed(MigrationEvent.StepFailed event) {
    call(event, delegate::stepFailed);
  }

  @Override
  public void warning(MigrationEvent.Warning event) {
    call(event, delegate::warning);
  }

  @Override
  public String toString() {
    return "Safe[" + delegate + "]";
  }
}
