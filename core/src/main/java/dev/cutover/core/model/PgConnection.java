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
   * Parses {@code postgres://user:password@host:port/db?sslmode=...} (or {@code postgresql://}).
   * Percent-encoded parts are decoded; a password may also hold URL-special characters unencoded
   * ({@code / ? # @ % + :} and spaces), as platforms sometimes print it: everything between the first
   * {@code :} of the user part and the last {@code @} is the password. A {@code +} stays a {@code +}.
   *
   * @param url the URL, a secret
   * @return the connection
   * @throws IllegalArgumentException when it is not such a URL (the message holds no secret)
   */
  public static PgConnection parse(Secret url) {
    String form = " (postgres://user:password@host:port/db)";
    String text = url.reveal().strip();
    int scheme = text.indexOf("://");
    String name = scheme < 0 ? "" : text.substring(0, scheme);
    if (!"postgres".equals(name) && !"postgresql".equals(name)) {
      throw new IllegalArgumentException("not a PostgreSQL URL: scheme must be postgres or postgresql" + form);
    }
    String rest = text.substring(scheme + 3);
    int at = rest.lastIndexOf('@');
    if (at < 0) {
      throw new IllegalArgumentException("a PostgreSQL URL needs user, password, host and database" + form);
    }
    String userInfo = rest.substring(0, at);
    String location = rest.substring(at + 1);
    int slash = location.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("a PostgreSQL URL needs user, password, host and database" + form);
    }
    String hostPort = location.substring(0, slash);
    String pathAndQuery = location.substring(slash + 1);
    int question = pathAndQuery.indexOf('?');
    String path = question < 0 ? pathAndQuery : pathAndQuery.substring(0, question);
    String query = question < 0 ? "" : pathAndQuery.substring(question + 1);
    java.util.regex.Matcher hp = HOST_PORT.matcher(hostPort);
    if (userInfo.isEmpty() || path.isEmpty() || !hp.matches()) {
      throw new IllegalArgumentException("a PostgreSQL URL needs user, password, host and database" + form);
    }
    int port = 5432;
    if (hp.group(2) != null) {
      try {
        port = Integer.parseInt(hp.group(2));
      } catch (NumberFormatException e) {
        port = 0;
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("not a PostgreSQL URL: port " + hp.group(2) + " is not 1-65535" + form);
      }
    }
    int colon = userInfo.indexOf(':');
    String user = dec(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : dec(userInfo.substring(colon + 1));
    String sslMode = "prefer";
    for (String kv : query.split("&")) {
      if (kv.startsWith("sslmode=")) {
        sslMode = dec(kv.substring("sslmode=".length()));
      }
    }
    String host = hp.group(1).startsWith("[") ? hp.group(1).substring(1, hp.group(1).length() - 1) : hp.group(1);
    return new PgConnection(host, port, dec(path), user, password.isEmpty() ? Secret.of("-none-") : Secret.of(password),
        sslMode);
  }

  private static final java.util.regex.Pattern HOST_PORT =
      java.util.regex.Pattern.compile("([A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,6}))?");
  private static final java.util.regex.Pattern PERCENT_ENCODED = java.util.regex.Pattern.compile("(?:[^%]|%[0-9A-Fa-f]{2})*");

  /**
   * Percent-decodes {@code s} when every {@code %} starts an escape (then it was encoded); otherwise
   * the text is taken as it is. Unlike {@link java.net.URLDecoder}, a {@code +} is not a space.
   */
  private static String dec(String s) {
    if (s.indexOf('%') < 0 || !PERCENT_ENCODED.matcher(s).matches()) {
      return s;
    }
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "PgConnection[" + user + "@" + host + ":" + port + "/" + database + ", sslmode " + sslMode + "]";
  }
}
