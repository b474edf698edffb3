package dev.cutover.heroku.internal;

/** Which hosts count as this machine (plain HTTP is allowed only to them, for tests). */
public final class Hosts {
  private Hosts() {}

  /** Whether {@code host} is {@code localhost} or a loopback address literal. */
  public static boolean isLoopback(String host) {
    String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
  }
}
