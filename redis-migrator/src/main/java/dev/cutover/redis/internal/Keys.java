package dev.cutover.redis.internal;

import java.util.ArrayList;
import java.util.List;

/** Key names for messages, and batches cut to a byte budget. */
public final class Keys {
  private static final int SHOWN = 120;

  private Keys() {}

  /** {@code db3 "user:1"}: printable ASCII as is, other bytes as {@code \xNN}, long names cut. */
  public static String show(int db, byte[] key) {
    StringBuilder sb = new StringBuilder("db").append(db).append(" \"");
    for (int i = 0; i < key.length && sb.length() < SHOWN; i++) {
      int b = key[i] & 0xff;
      if (b == '"' || b == '\\') {
        sb.append('\\').append((char) b);
      } else if (b >= 0x20 && b < 0x7f) {
        sb.append((char) b);
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    return sb.append(sb.length() >= SHOWN ? "…\"" : "\"").toString();
  }

  /**
   * Cuts {@code sizes} (estimated bytes per key, in order) into consecutive groups of at most
   * {@code budget} bytes; a key larger than the budget is a group of its own.
   *
   * @return the end index (exclusive) of each group
   */
  public static List<Integer> groups(long[] sizes, long budget) {
    List<Integer> ends = new ArrayList<>();
    long sum = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (sum > 0 && sum + sizes[i] > budget) {
        ends.add(i);
        sum = 0;
      }
      sum += Math.max(sizes[i], 1);
    }
    if (sizes.length > 0) {
      ends.add(sizes.length);
    }
    return ends;
  }
}
