package dev.cutover.core.spi;

import dev.cutover.core.model.PgConnection;

/**
 * An open tunnel to a target database, ready when returned. Closing it stops the tunnel process
 * tree and frees the local port. {@link #close()} is idempotent.
 */
public interface DatabaseTunnel extends AutoCloseable {
  /** Where to connect, with the credentials the tunnel printed. */
  PgConnection connection();

  /** Whether the tunnel process is still running. */
  boolean isAlive();

  @Override
  void close();
}
