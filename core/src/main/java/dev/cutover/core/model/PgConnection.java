package dev.cutover.core.model;

import dev.cutover.core.Secret;
import java.util.Objects;

/**
 * How to reach a PostgreSQL database: through a tunnel, on the local server, or at Heroku.
 *
 * @param host host name or address
 * @param port TCP port
 * @param database database name
 * @param user role name
 * @param password the password (may be a placeholder secret for trust-auth servers)
 * @param sslMode libpq {@code sslmode} (e.g. {@code disable}, {@code require})
 */
public record PgConnection(String host, int port, String database, String user, Secret password, String sslMode) {
  public PgConnection {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(sslMode, "sslMode");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** A JDBC URL without credentials (pass user and password as properties). */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + sslMode;
  }

  /** The same server and credentials, another database. */
  public PgConnection withDatabase(String otherDatabase) {
    return new PgConnection(host, port, otherDatabase, user, password, sslMode);
  }

  /** A libpq URL with the password in it: a secret. */
  public Secret url() {
    return Secret.of("postgresql://" + enc(user) + ":" + enc(password.reveal()) + "@" + host + ":" + port + "/"
        + enc(database) + "?sslmode=" + sslMode);
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Parses {@code postgres://user:pass@host:port/db?sslmode=...}.
   *
   * @throws IllegalArgumentException when it is not such a URL (the message holds no secret)
   */
  public static PgConnection parse(Secret url) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(url.reveal());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("not a PostgreSQL URL (postgres://user:password@host:port/db)");
    }
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a PostgreSQL URL: scheme must be postgres or postgresql"
          + " (postgres://user:password@host:port/db)");
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || uri.getHost() == null || uri.getRawPath() == null || uri.getRawPath().length() < 2) {
      throw new IllegalArgumentException("a PostgreSQL URL needs user, password, host and database"
          + " (postgres://user:password@host:port/db)");
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("not a PostgreSQL URL: port " + uri.getPort() + " is not 1-65535"
          + " (postgres://user:password@host:port/db)");
    }
    int colon = userInfo.indexOf(':');
    String user = dec(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : dec(userInfo.substring(colon + 1));
    String sslMode = "prefer";
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        if (kv.startsWith("sslmode=")) {
          sslMode = dec(kv.substring("sslmode=".length()));
        }
      }
    }
    return new PgConnection(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), dec(uri.getRawPath().substring(1)),
        user, password.isEmpty() ? Secret.of("-none-") : Secret.of(password), sslMode);
  }

  private static String dec(String s) {
    return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "PgConnection[" + user + "@" + host + ":" + port + "/" + database + ", sslmode " + sslMode + "]";
  }
}
