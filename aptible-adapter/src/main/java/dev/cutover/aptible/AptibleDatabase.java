package dev.cutover.aptible;

import dev.cutover.core.Secret;
import dev.cutover.core.model.DatabaseSpec;
import java.util.Objects;
import java.util.Optional;

/**
 * One Aptible database in the client's environment: its URL and its tunnel. Get it from
 * {@link AptibleClient#database(String)}; nothing is called until a method is. Like
 * {@link AptibleApp}, every method blocks, checks its inputs before any CLI call and is safe to
 * repeat. Immutable and thread-safe.
 *
 * <pre>{@code
 * AptibleDatabase db = aptible.database("my-app-db");
 * try (AptibleTunnel tunnel = db.openTunnel()) {
 *   // connect to tunnel.connection()
 * }
 * }</pre>
 */
public final class AptibleDatabase {
  private final AptibleClient client;
  private final String handle;

  AptibleDatabase(AptibleClient client, String handle) {
    this.client = client;
    this.handle = Objects.requireNonNull(handle, "handle");
  }

  /** The database's handle. */
  public String handle() {
    return handle;
  }

  /** The Aptible environment the database is in. */
  public String environment() {
    return client.environment();
  }

  /** The database as {@code aptible db:list} shows it, if it exists. */
  public Optional<DatabaseInfo> info() {
    return client.databases().stream().filter(d -> d.handle().equals(handle)).findFirst();
  }

  /**
   * Creates the database ({@code aptible db:create}) after checking the spec and the version
   * against {@code db:versions}; blocks until it is provisioned. See {@link AptibleApp#ensureDatabase}
   * for the variant that reuses an existing one.
   */
  public DatabaseInfo create(DatabaseSpec spec) {
    return client.createDatabase(handle, spec);
  }

  /** The default connection URL ({@code aptible db:url}), registered with the client's redactor. */
  public Secret url() {
    return client.databaseUrl(handle);
  }

  /**
   * Opens {@code aptible db:tunnel} on a free local port; returns once it is ready. The caller
   * closes the tunnel.
   */
  public AptibleTunnel openTunnel() {
    return client.openTunnel(handle);
  }

  /** {@link #openTunnel()} on local {@code port}. */
  public AptibleTunnel openTunnel(int port) {
    return client.openTunnel(handle, port);
  }

  @Override
  public String toString() {
    return "AptibleDatabase[" + environment() + "/" + handle + "]";
  }
}
