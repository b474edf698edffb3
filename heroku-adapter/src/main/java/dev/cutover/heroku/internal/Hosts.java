package dev.cutover.heroku.internal;

import java.util.List;

/** Which hosts count as this machine, and which API hosts the {@code heroku} CLI agrees to talk to. */
public final class Hosts {
  /** The domains the CLI 11 accepts in {@code HEROKU_HOST} (besides localhost and 127.0.0.1). */
  private static final List<String> HEROKU_DOMAINS = List.of("heroku.com", "herokai.com", "herokuspace.com",
      "herokudev.com");

  private Hosts() {}

  /** Whether {@code host} is {@code localhost} or a loopback address literal. */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
  }

  /**
   * Whether the CLI would use an API on {@code host} given as {@code HEROKU_HOST}: {@code localhost},
   * {@code 127.0.0.1} or a Heroku domain. For any other host it prints "Invalid HEROKU_HOST" and
   * silently talks to api.heroku.com instead, with the token.
   */
  public static boolean cliAccepts(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || isHerokuDomain(host);
  }

  /** Whether {@code host} is one of Heroku's domains or under one. */
  public static boolean isHerokuDomain(String host) {
    return HEROKU_DOMAINS.stream().anyMatch(d -> host.equals(d) || host.endsWith("." + d));
  }
}
