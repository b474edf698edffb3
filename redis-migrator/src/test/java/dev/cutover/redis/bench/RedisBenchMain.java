package dev.cutover.redis.bench;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.redis.RedisMigrator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol.Command;

/**
 * One timed copy in its own JVM: {@code RedisBenchMain cutover|naive SOURCE_TLS_PORT PIN TARGET_PORT CONNECTIONS},
 * passwords in {@code SOURCE_PASSWORD} / {@code TARGET_PASSWORD}. Prints
 * {@code RESULT seconds keys bytes peakRssKb}. {@code naive} is the loop a person would write: one
 * connection each way, {@code PTTL}, {@code DUMP}, {@code RESTORE} one round trip at a time.
 */
public final class RedisBenchMain {
  private RedisBenchMain() {}

  public static void main(String[] args) throws Exception {
    RedisConnection source = new RedisConnection("127.0.0.1", Integer.parseInt(args[1]), "",
        Secret.of(System.getenv("SOURCE_PASSWORD")), true, args[2]);
    RedisConnection target = new RedisConnection("127.0.0.1", Integer.parseInt(args[3]), "",
        Secret.of(System.getenv("TARGET_PASSWORD")), false, "");
    long start = System.nanoTime();
    long keys;
    long bytes;
    if (args[0].equals("cutover")) {
      RedisCopyState state = RedisMigrator.builder().connections(Integer.parseInt(args[4])).build()
          .copy(source, target, Optional.empty(), false, s -> {}, MigrationListener.NONE);
      keys = state.keys();
      bytes = state.bytes();
    } else {
      long[] counted = naive(source, target);
      keys = counted[0];
      bytes = counted[1];
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("RESULT %.3f %d %d %d%n", seconds, keys, bytes, peakRssKb());
  }

  /** SCAN each database; per key PTTL, DUMP, RESTORE, each a round trip. Over the same pinned TLS. */
  private static long[] naive(RedisConnection source, RedisConnection target) throws Exception {
    long keys = 0;
    long bytes = 0;
    dev.cutover.redis.internal.CertificatePin pin = new dev.cutover.redis.internal.CertificatePin(source.certificatePin());
    DefaultJedisClientConfig from = DefaultJedisClientConfig.builder().resp2().socketTimeoutMillis(60_000)
        .password(source.password().reveal()).ssl(true).sslSocketFactory(pin.socketFactory()).build();
    DefaultJedisClientConfig to = DefaultJedisClientConfig.builder().resp2().socketTimeoutMillis(60_000)
        .password(target.password().reveal()).build();
    try (Connection s = new Connection(new HostAndPort(source.host(), source.port()), from);
        Connection t = new Connection(new HostAndPort(target.host(), target.port()), to)) {
      for (int db = 0; db < 3; db++) {
        s.executeCommand(new redis.clients.jedis.CommandArguments(Command.SELECT).add(db));
        t.executeCommand(new redis.clients.jedis.CommandArguments(Command.SELECT).add(db));
        String cursor = "0";
        do {
          s.sendCommand(Command.SCAN, cursor, "COUNT", "500");
          List<?> reply = (List<?>) s.getOne();
          cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
          for (Object k : (List<?>) reply.get(1)) {
            byte[] key = (byte[]) k;
            s.sendCommand(Command.PTTL, key);
            long ttl = (Long) s.getOne();
            s.sendCommand(Command.DUMP, key);
            byte[] dump = (byte[]) s.getOne();
            if (dump == null || ttl == -2) {
              continue;
            }
            t.sendCommand(Command.RESTORE, key, String.valueOf(Math.max(ttl, 0)).getBytes(StandardCharsets.US_ASCII),
                dump, "REPLACE".getBytes(StandardCharsets.US_ASCII));
            t.getOne();
            keys++;
            bytes += dump.length;
          }
        } while (!cursor.equals("0"));
      }
    }
    return new long[] {keys, bytes};
  }

  static long peakRssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
