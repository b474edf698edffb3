package dev.cutover.core;

import java.time.Duration;

/** Waits. Injected wherever the SDK waits, so tests can use a fake that returns at once. */
@FunctionalInterface
public interface Sleeper {
  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  /** Blocks for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;
}
