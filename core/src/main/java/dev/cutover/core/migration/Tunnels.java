package dev.cutover.core.migration;

import dev.cutover.core.Redactor;
import dev.cutover.core.spi.DatabaseTunnel;
import dev.cutover.core.spi.TargetApp;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The tunnels one attempt opened, one per target database, reopened when one died; all closed when the attempt ends. */
final class Tunnels implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tunnels.class);

  private final TargetApp target;
  private final Redactor redactor;
  private final Map<String, DatabaseTunnel> open = new LinkedHashMap<>();

  Tunnels(TargetApp target, Redactor redactor) {
    this.target = target;
    this.redactor = redactor;
  }

  /** A live tunnel to {@code dbHandle}: the open one, or a new one. Blocks until it is ready. */
  DatabaseTunnel to(String dbHandle) {
    DatabaseTunnel t = open.get(dbHandle);
    if (t != null && t.isAlive()) {
      return t;
    }
    close(dbHandle);
    t = target.openTunnel(dbHandle);
    redactor.register(t.password());
    open.put(dbHandle, t);
    return t;
  }

  void close(String dbHandle) {
    DatabaseTunnel t = open.remove(dbHandle);
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        log.warn("Closing the tunnel to {} failed: {}", dbHandle, redactor.redact(String.valueOf(e.getMessage())));
      }
    }
  }

  /** Closes every tunnel. Idempotent; never throws. */
  @Override
  public void close() {
    for (String handle : open.keySet().toArray(String[]::new)) {
      close(handle);
    }
  }
}
