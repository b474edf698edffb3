package dev.cutover.examples;

import dev.cutover.core.MigrationException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps a port of the pipeline (a real adapter) so that one call of a named method fails once:
 * before the real call ({@link #failBefore}) or after it did its work ({@link #failAfter}), which
 * is how a dropped connection at the end of a restore looks.
 */
final class Injector {
  private final Map<String, Boolean> armed = new ConcurrentHashMap<>();

  /** The next call of {@code method} fails before reaching the adapter. */
  Injector failBefore(String method) {
    armed.put(method, false);
    return this;
  }

  /** The next call of {@code method} runs, then fails as if the connection dropped at the end. */
  Injector failAfter(String method) {
    armed.put(method, true);
    return this;
  }

  @SuppressWarnings("unchecked")
  <T> T wrap(Class<T> port, T delegate) {
    return (T) Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
      if (method.getDeclaringClass() == Object.class) {
        return method.getName().equals("toString") ? "Injected[" + delegate + "]" : method.invoke(delegate, args);
      }
      Boolean after = armed.remove(method.getName());
      if (Boolean.FALSE.equals(after)) {
        throw new MigrationException(method.getName(), method.getName() + ": injected failure before the call", true, null);
      }
      Object result;
      try {
        result = method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (Boolean.TRUE.equals(after)) {
        throw new MigrationException(method.getName(), method.getName() + ": injected failure after the call did its work",
            true, null);
      }
      return result;
    });
  }
}
