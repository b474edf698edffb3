package dev.cutover.redis;

import dev.cutover.testkit.redis.RedisServer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol.Command;

/**
 * Fills a test server fast (pipelined): {@code keys} keys spread over databases 0, 1 and 2, of
 * every type (string, list, set, zset, hash, stream with a consumer group), a third with TTLs of
 * one to 24 hours, plus optionally one big random string (incompressible) in db 0.
 */
public final class Dataset {
  static final String BIG_KEY = "big:blob";
  private static final String[] TYPES = {"string", "list", "set", "zset", "hash", "stream"};

  private Dataset() {}

  /** The type of the {@code i}-th key. */
  static String type(int i) {
    return TYPES[i % TYPES.length];
  }

  /** The name of the {@code i}-th key. */
  static String key(int i) {
    return type(i) + ":" + i;
  }

  /** The database of the {@code i}-th key. */
  static int db(int i) {
    return (i / 7) % 3;
  }

  public static void fill(RedisServer server, int keys, int bigKeyMb) {
    Random random = new Random(keys);
    try (Connection c = new Connection(new HostAndPort("127.0.0.1", server.port()), config(server))) {
      for (int db = 0; db < 3; db++) {
        c.sendCommand(Command.SELECT, String.valueOf(db));
        int sent = 1;
        for (int i = 0; i < keys; i++) {
          if (db(i) != db) {
            continue;
          }
          sent += add(c, i, random);
          if (sent >= 5000) {
            drain(c, sent);
            sent = 0;
          }
        }
        drain(c, sent);
      }
      if (bigKeyMb > 0) {
        byte[] big = new byte[bigKeyMb * 1024 * 1024];
        random.nextBytes(big);
        c.sendCommand(Command.SELECT, "0");
        c.sendCommand(Command.SET, BIG_KEY.getBytes(StandardCharsets.UTF_8), big);
        drain(c, 2);
      }
    }
  }

  private static int add(Connection c, int i, Random random) {
    String k = key(i);
    String v = "value-" + i + "-" + Long.toHexString(random.nextLong());
    int sent = 1;
    switch (type(i)) {
      case "string" -> c.sendCommand(Command.SET, k, v);
      case "list" -> c.sendCommand(Command.RPUSH, k, v, "b", "c", String.valueOf(i), "e");
      case "set" -> c.sendCommand(Command.SADD, k, v, "m1", "m2", String.valueOf(i));
      case "zset" -> c.sendCommand(Command.ZADD, k, "1", v, "2.5", "m2", String.valueOf(i), "m3");
      case "hash" -> c.sendCommand(Command.HSET, k, "f1", v, "f2", String.valueOf(i), "f3", "x");
      default -> {
        c.sendCommand(Command.XADD, k, "*", "event", v, "n", String.valueOf(i));
        c.sendCommand(Command.XADD, k, "*", "event", "second");
        c.sendCommand(Command.XGROUP, "CREATE", k, "workers", "0");
        sent = 3;
      }
    }
    if (i % 3 == 0) {
      c.sendCommand(Command.PEXPIRE, k, String.valueOf(3_600_000L + random.nextInt(82_800_000)));
      sent++;
    }
    return sent;
  }

  private static void drain(Connection c, int n) {
    for (Object reply : c.getMany(n)) {
      if (reply instanceof Exception e) {
        throw new IllegalStateException("filling the test server failed: " + e.getMessage(), e);
      }
    }
  }

  /** A Jedis config for the server's plain port. */
  static DefaultJedisClientConfig config(RedisServer server) {
    DefaultJedisClientConfig.Builder b = DefaultJedisClientConfig.builder().resp2().socketTimeoutMillis(60_000);
    String password = server.connection().password().reveal();
    if (!password.isEmpty()) {
      b.password(password);
    }
    return b.build();
  }
}
