package dev.cutover.redis.internal;

/** Compares Redis versions ({@code 7.0.15}, {@code 7.2}, Aptible's {@code 7.2-aof}) by their numbers. */
public final class Versions {
  private Versions() {}

  /** Negative, zero or positive as {@code a} is older than, the same as (as far as both go), or newer than {@code b}. */
  public static int compare(String a, String b) {
    String[] x = numbers(a);
    String[] y = numbers(b);
    for (int i = 0; i < Math.min(x.length, y.length); i++) {
      int c = Integer.compare(parse(x[i]), parse(y[i]));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static String[] numbers(String version) {
    int dash = version.indexOf('-');
    return (dash < 0 ? version : version.substring(0, dash)).split("\\.");
  }

  private static int parse(String s) {
    return s.matches("\\d{1,9}") ? Integer.parseInt(s) : 0;
  }
}
