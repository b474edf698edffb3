package dev.cutover.redis.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A digest of a key's value that does not depend on how the server encodes it: two servers holding
 * the same list, set, hash, sorted set, stream or string give the same digest, whatever their
 * version, encoding (intset, listpack, hashtable) or hash-table order. Used when two {@code DUMP}
 * payloads differ, which they may for equal values (a set that grew and shrank stays a hashtable on
 * the source but is restored as an intset; a hash table iterates in another order; an older RDB
 * version). Reads in chunks; a set or hash costs 8 bytes of memory per member.
 */
public final class LogicalDigest {
  private static final int CHUNK = 1000;
  private static final long STRING_CHUNK = 4 * 1024 * 1024;

  private LogicalDigest() {}

  /** The digest of the value of {@code key} (of {@code type}) in the link's current database, hex. */
  public static String of(Link link, byte[] key, String type) {
    MessageDigest md = sha256();
    md.update(type.getBytes(StandardCharsets.US_ASCII));
    switch (type) {
      case "string" -> string(link, key, md);
      case "list" -> ranged(link, key, md, Link.Cmd.LRANGE, false);
      case "zset" -> ranged(link, key, md, Link.Cmd.ZRANGE, true);
      case "set" -> unordered(link, key, md, Link.Cmd.SSCAN, 1);
      case "hash" -> unordered(link, key, md, Link.Cmd.HSCAN, 2);
      case "stream" -> stream(link, key, md);
      default -> md.update(("unsupported type " + type).getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void string(Link link, byte[] key, MessageDigest md) {
    long length = (Long) link.call(Link.Cmd.STRLEN, key);
    for (long from = 0; from < length; from += STRING_CHUNK) {
      field(md, (byte[]) link.call(Link.Cmd.GETRANGE, key, Link.bytes(from), Link.bytes(from + STRING_CHUNK - 1)));
    }
  }

  private static void ranged(Link link, byte[] key, MessageDigest md, Link.Cmd command, boolean scores) {
    for (long from = 0; ; from += CHUNK) {
      List<?> items = scores
          ? (List<?>) link.call(command, key, Link.bytes(from), Link.bytes(from + CHUNK - 1), Link.bytes("WITHSCORES"))
          : (List<?>) link.call(command, key, Link.bytes(from), Link.bytes(from + CHUNK - 1));
      items.forEach(item -> field(md, (byte[]) item));
      if (items.size() < (scores ? 2 * CHUNK : CHUNK)) {
        return;
      }
    }
  }

  /** Members (or field-value pairs) hashed to 64 bits each, sorted and de-duplicated ({@code SCAN} may repeat). */
  private static void unordered(Link link, byte[] key, MessageDigest md, Link.Cmd command, int width) {
    long[] hashes = new long[64];
    int n = 0;
    String cursor = "0";
    MessageDigest member = sha256();
    do {
      List<?> reply = (List<?>) link.call(command, key, Link.bytes(cursor), Link.bytes("COUNT"), Link.bytes(CHUNK));
      cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
      List<?> items = (List<?>) reply.get(1);
      for (int i = 0; i + width <= items.size(); i += width) {
        for (int j = 0; j < width; j++) {
          field(member, (byte[]) items.get(i + j));
        }
        if (n == hashes.length) {
          hashes = Arrays.copyOf(hashes, n * 2);
        }
        hashes[n++] = ByteBuffer.wrap(member.digest()).getLong();
      }
    } while (!cursor.equals("0"));
    long[] sorted = Arrays.copyOf(hashes, n);
    Arrays.sort(sorted);
    ByteBuffer b = ByteBuffer.allocate(8);
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        md.update(b.clear().putLong(sorted[i]).array());
      }
    }
  }

  /** Entries in order, then the stream's length, last id and consumer groups (name, last delivered id, pending). */
  private static void stream(Link link, byte[] key, MessageDigest md) {
    byte[] from = Link.bytes("-");
    while (true) {
      List<?> entries = (List<?>) link.call(Link.Cmd.XRANGE, key, from, Link.bytes("+"), Link.bytes("COUNT"),
          Link.bytes(CHUNK));
      byte[] last = null;
      for (Object entry : entries) {
        List<?> e = (List<?>) entry;
        last = (byte[]) e.get(0);
        field(md, last);
        ((List<?>) e.get(1)).forEach(f -> field(md, (byte[]) f));
      }
      if (entries.size() < CHUNK) {
        break;
      }
      from = ("(" + new String(last, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
    }
    for (Object group : (List<?>) link.call(Link.Cmd.XINFO, Link.bytes("GROUPS"), key)) {
      pairs(md, (List<?>) group, List.of("name", "consumers", "pending", "last-delivered-id"));
    }
    pairs(md, (List<?>) link.call(Link.Cmd.XINFO, Link.bytes("STREAM"), key),
        List.of("length", "last-generated-id", "groups"));
  }

  /** The fields named {@code wanted} of a flat name-value reply (other fields vary by version). */
  private static void pairs(MessageDigest md, List<?> reply, List<String> wanted) {
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      if (reply.get(i) instanceof byte[] name && wanted.contains(new String(name, StandardCharsets.US_ASCII))) {
        field(md, name);
        flatten(md, reply.get(i + 1));
      }
    }
  }

  private static void flatten(MessageDigest md, Object reply) {
    if (reply instanceof List<?> list) {
      list.forEach(item -> flatten(md, item));
    } else if (reply instanceof byte[] b) {
      field(md, b);
    } else {
      field(md, String.valueOf(reply).getBytes(StandardCharsets.US_ASCII));
    }
  }

  /** Length-prefixed, so that {@code ["ab","c"]} and {@code ["a","bc"]} differ. */
  private static void field(MessageDigest md, byte[] value) {
    md.update(ByteBuffer.allocate(4).putInt(value.length).array());
    md.update(value);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
