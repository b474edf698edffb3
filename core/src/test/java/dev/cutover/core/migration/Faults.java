package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records calls to the test doubles and injects failures into named operations. */
final class Faults {
  final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> failures = new ConcurrentHashMap<>();
  private final Map<String, String> messages = new ConcurrentHashMap<>();

  /** Makes the next {@code times} calls of {@code operation} fail. */
  Faults failNext(String operation, int times) {
    failures.put(operation, times);
    return this;
  }

  /** Makes the next call fail with {@code message} (e.g. one holding a secret, for the canary). */
  Faults failNext(String operation, String message) {
    messages.put(operation, message);
    return failNext(operation, 1);
  }

  /** Records the call, then throws if a failure is armed. */
  void call(String operation) {
    calls.add(operation);
    if (shouldFail(operation)) {
      throw new MigrationException(operation, messages.getOrDefault(operation, operation + ": injected failure"), true, null);
    }
  }

  boolean shouldFail(String operation) {
    Integer left = failures.get(operation);
    if (left == null || left <= 0) {
      return false;
    }
    failures.put(operation, left - 1);
    return true;
  }

  long count(String operation) {
    return calls.stream().filter(operation::equals).count();
  }
}
