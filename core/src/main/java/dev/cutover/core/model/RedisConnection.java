package dev.cutover.core.model;

import dev.cutover.core.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to reach a Redis server: a Heroku Redis add-on, an Aptible Redis database through its tunnel,
 * or a local test server.
 *
 * <p>With {@code tls}, the server's certificate is checked against {@code certificatePin}, the
 * SHA-256 fingerprint of its leaf certificate ({@code openssl x509 -fingerprint -sha256} form,
 * {@code AB:CD:…}). An empty pin means trust on first use: the first connection's certificate is
 * accepted and pinned for every later connection of the same copy or verification, and reported.
 * Heroku Redis serves a self-signed certificate, so this is how it is trusted without turning
 * verification off.
 *
 * @param host host name or address
 * @param port TCP port
 * @param user ACL user name, or empty to authenticate with the password alone
 * @param password the password, or an empty secret when the server has none
 * @param tls whether to speak TLS ({@code rediss://})
 * @param certificatePin the leaf certificate's SHA-256 fingerprint, or empty (see above); empty without
 *     TLS ({@link #hasValidPin()} checks it)
 */
public record RedisConnection(String host, int port, String user, Secret password, boolean tls, String certificatePin) {
  private static final Pattern PIN = Pattern.compile("([0-9A-F]{2}:){31}[0-9A-F]{2}");

  /** Validates the components; throws {@link NullPointerException}, or {@link IllegalArgumentException} for a bad port. */
  public RedisConnection {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(certificatePin, "certificatePin");
    if (port <= 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /**
   * Whether the pin is usable: empty, or a SHA-256 fingerprint on a TLS connection. A copy or
   * verification refuses a connection whose pin is not, before connecting.
   *
   * @return whether {@link #certificatePin()} is empty or well formed for this connection
   */
  public boolean hasValidPin() {
    return certificatePin.isEmpty() || (tls && PIN.matcher(certificatePin).matches());
  }

  /**
   * Parses {@code redis://[user]:password@host:port[/db]} or {@code rediss://…} (TLS, no pin yet).
   * The database number, if any, is ignored: every logical database is copied.
   *
   * @param url the URL, a secret
   * @return the connection, TLS for {@code rediss://}, not pinned
   *
   * @throws IllegalArgumentException when it is not such a URL (the message holds no secret)
   */
  public static RedisConnection parse(Secret url) {
    String usage = " (redis://:password@host:port or rediss://:password@host:port)";
    URI uri;
    try {
      uri = new URI(url.reveal());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a Redis URL" + usage);
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("not a Redis URL: the scheme must be redis or rediss" + usage);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("a Redis URL needs a host" + usage);
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException("not a Redis URL: port " + uri.getPort() + " is not 1-65535" + usage);
    }
    String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo();
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? "" : userInfo.substring(0, colon));
    String password = decode(colon < 0 ? userInfo : userInfo.substring(colon + 1));
    return new RedisConnection(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), user, Secret.of(password),
        "rediss".equals(uri.getScheme()), "");
  }

  /**
   * The same server, trusting only the certificate with fingerprint {@code pin}.
   *
   * @param pin a SHA-256 fingerprint ({@code AB:CD:…}), e.g. {@link RedisServerInfo#certificatePin()}
   * @return a copy with the pin
   */
  public RedisConnection withCertificatePin(String pin) {
    return new RedisConnection(host, port, user, password, tls, pin);
  }

  /**
   * The URL with the password in it. The pin is not part of it.
   *
   * @return the URL, a secret
   */
  public Secret url() {
    String auth = password.reveal().isEmpty() && user.isEmpty() ? "" : encode(user) + ":" + encode(password.reveal()) + "@";
    return Secret.of((tls ? "rediss://" : "redis://") + auth + host + ":" + port);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RedisConnection[" + (user.isEmpty() ? "" : user + "@") + host + ":" + port
        + (tls ? ", tls" + (certificatePin.isEmpty() ? ", pin on first use" : ", pinned " + certificatePin) : "") + "]";
  }
}
