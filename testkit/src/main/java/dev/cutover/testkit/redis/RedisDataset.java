package dev.cutover.testkit.redis;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A Heroku-Redis-like data set written fast into a {@link RedisServer} (pipelined RESP over its
 * plain port, a few thousand commands per round trip): {@code keys} keys spread over the logical
 * databases 0, 1 and 2, of every type (string, list, set, zset, hash, stream with a consumer group),
 * a third of them with TTLs of one to 24 hours, and optionally one big incompressible string
 * ({@link #BIG_KEY} in database 0). Deterministic for a given key count.
 *
 * <pre>{@code
 * try (RedisServer source = RedisServer.builder().password(pw).tls().start()) {
 *   RedisDataset.fill(source, 500_000, 50);   // 500,000 keys + a 50 MB key
 * }
 * }</pre>
 */
public final class RedisDataset {
  /** The big key's name (database 0). */
  public static final String BIG_KEY = "big:blob";
  private static final String[] TYPES = {"string", "list", "set", "zset", "hash", "stream"};
  private static final int PIPELINE = 4000;

  private RedisDataset() {}

  /** The type of the {@code i}-th key. */
  public static String type(int i) {
    return TYPES[i % TYPES.length];
  }

  /** The name of the {@code i}-th key. */
  public static String key(int i) {
    return type(i) + ":" + i;
  }

  /** The logical database of the {@code i}-th key (0, 1 or 2). */
  public static int db(int i) {
    return (i / 7) % 3;
  }

  /** Whether the {@code i}-th key has a TTL (every third). */
  public static boolean expires(int i) {
    return i % 3 == 0;
  }

  /**
   * Writes the data set; blocks until the server acknowledged every command.
   *
   * @param server the server (its plain port)
   * @param keys how many keys, besides the big one
   * @param bigKeyMb the big key's size in MB, 0 for none
   * @throws IllegalStateException on an error reply or an I/O failure
   */
  public static void fill(RedisServer server, int keys, int bigKeyMb) {
    Random random = new Random(keys);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
      socket.setSoTimeout(120_000);
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
      InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      int pending = 0;
      String password = server.connection().password().reveal();
      if (!password.isEmpty()) {
        pending += write(out, "AUTH", password);
      }
      for (int db = 0; db < 3; db++) {
        pending += write(out, "SELECT", String.valueOf(db));
        for (int i = 0; i < keys; i++) {
          if (db(i) == db) {
            pending += add(out, i, random);
          }
          if (pending >= PIPELINE) {
            drain(out, in, pending);
            pending = 0;
          }
        }
      }
      if (bigKeyMb > 0) {
        byte[] big = new byte[bigKeyMb * 1024 * 1024];
        random.nextBytes(big);
        pending += write(out, "SELECT", "0");
        out.write(("*3\r\n$3\r\nSET\r\n$" + BIG_KEY.length() + "\r\n" + BIG_KEY + "\r\n$" + big.length + "\r\n")
            .getBytes(StandardCharsets.UTF_8));
        out.write(big);
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        pending++;
      }
      drain(out, in, pending);
    } catch (IOException e) {
      throw new IllegalStateException("filling redis-server on port " + server.port() + " failed: " + e.getMessage(), e);
    }
  }

  private static int add(OutputStream out, int i, Random random) throws IOException {
    String k = key(i);
    String v = "value-" + i + "-" + Long.toHexString(random.nextLong());
    int sent = 1;
    switch (type(i)) {
      case "string" -> write(out, "SET", k, v);
      case "list" -> write(out, "RPUSH", k, v, "b", "c", String.valueOf(i), "e");
      case "set" -> write(out, "SADD", k, v, "m1", "m2", String.valueOf(i));
      case "zset" -> write(out, "ZADD", k, "1", v, "2.5", "m2", String.valueOf(i), "m3");
      case "hash" -> write(out, "HSET", k, "f1", v, "f2", String.valueOf(i), "f3", "x");
      default -> {
        write(out, "XADD", k, "*", "event", v, "n", String.valueOf(i));
        write(out, "XADD", k, "*", "event", "second");
        write(out, "XGROUP", "CREATE", k, "workers", "0");
        sent = 3;
      }
    }
    if (expires(i)) {
      write(out, "PEXPIRE", k, String.valueOf(3_600_000L + random.nextInt(82_800_000)));
      sent++;
    }
    return sent;
  }

  private static int write(OutputStream out, String... args) throws IOException {
    StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
    return 1;
  }

  /** Reads {@code n} replies, failing on the first error. */
  private static void drain(OutputStream out, InputStream in, int n) throws IOException {
    out.flush();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      skipReply(in, errors);
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException("filling the test server failed: " + errors.get(0));
    }
  }

  private static void skipReply(InputStream in, List<String> errors) throws IOException {
    String line = line(in);
    switch (line.charAt(0)) {
      case '-' -> errors.add(line.substring(1));
      case '$' -> {
        int len = Integer.parseInt(line.substring(1));
        if (len >= 0) {
          in.skipNBytes(len + 2L);
        }
      }
      case '*' -> {
        int len = Integer.parseInt(line.substring(1));
        for (int i = 0; i < len; i++) {
          skipReply(in, errors);
        }
      }
      default -> { }
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != '\r'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      sb.append((char) c);
    }
    in.read();
    return sb.toString();
  }
}
