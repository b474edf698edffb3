package dev.cutover.core.spi;

import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;

/**
 * An open tunnel to a target database, ready when returned. Closing it stops the tunnel process
 * tree and frees the local port. {@link #close()} is idempotent.
 */
public interface DatabaseTunnel extends AutoCloseable {
  /** Where to connect, with the credentials the tunnel printed (a PostgreSQL database's tunnel only). */
  PgConnection connection();

  /**
   * The tunnel's local URL with the credentials it printed, in the database type's scheme
   * ({@code postgresql://}, {@code redis://}): a secret. The default is {@link #connection()}'s URL.
   */
  default Secret url() {
    return connection().url();
  }

  /** The password the tunnel printed (for the redactor). The default is {@link #connection()}'s. */
  default Secret password() {
    return connection().password();
  }

  /** Whether the tunnel process is still running. */
  boolean isAlive();

  @Override
  void close();
}
