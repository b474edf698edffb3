package dev.cutover.redis.bench;

import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.redis.RedisMigrator;
import dev.cutover.redis.Servers;
import dev.cutover.testkit.redis.RedisDataset;
import dev.cutover.testkit.redis.RedisServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Redis copy benchmark: {@code RedisBench --keys N --big-mb M --connections C --rtt-ms R --out FILE}. Fills a
 * TLS source with N keys of every type over three databases (a third with TTLs) plus one M MB key,
 * then copies it into fresh targets, each method in its own JVM: Cutover at N keys and at N/5 keys
 * (peak RSS should not grow with keys), and the naive one-connection, one-round-trip-per-command
 * {@code DUMP}/{@code RESTORE} loop at N, optionally through a proxy adding {@code --rtt-ms} of round
 * trip to each server (as between Aptible's tunnel and Heroku). Every target is verified against its source. Writes a
 * Markdown table with keys/s, MB/s, peak RSS and the speed-up over the loop.
 */
public final class RedisBench {
  /** One timed copy. */
  public record Row(String method, long keys, long bytes, double seconds, long peakRssKb, boolean verified) {
    double keysPerSecond() {
      return keys / seconds;
    }

    double mbPerSecond() {
      return bytes / seconds / (1024 * 1024);
    }
  }

  /**
   * Each child's heap limit. G1 grows a heap towards its limit as garbage churns, whatever the live
   * data, so under a large limit peak RSS follows run length (a 1 GB limit showed 199 MB at 100,000
   * keys and 362 MB at 500,000); under a limit a method fits in, it shows what it needs. Cutover's
   * copy holds a bounded amount (a 1 MB chunk of a big string, one pipelined batch per connection),
   * so it runs under {@value #CUTOVER_HEAP} at every key count; the naive loop holds the 50 MB value
   * twice (Jedis copies it) and needs {@value #NAIVE_HEAP}.
   */
  static final String CUTOVER_HEAP = "96m";
  static final String NAIVE_HEAP = "256m";

  private RedisBench() {}

  public static void main(String[] args) throws Exception {
    int keys = 500_000;
    int bigMb = 50;
    int connections = 4;
    int rttMs = 0;
    Path out = Path.of("bench/results/redis-latest.md");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--keys" -> keys = Integer.parseInt(args[i + 1]);
        case "--big-mb" -> bigMb = Integer.parseInt(args[i + 1]);
        case "--connections" -> connections = Integer.parseInt(args[i + 1]);
        case "--rtt-ms" -> rttMs = Integer.parseInt(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String loadBefore = loadAverage();
    List<Row> rows = run(keys, bigMb, connections, rttMs);
    String table = render(keys, bigMb, connections, rttMs, rows) + "Load average (1, 5, 15 min) on "
        + Runtime.getRuntime().availableProcessors() + " cores: " + loadBefore + " before, " + loadAverage()
        + " after (other processes share the machine: the naive loop's round trips suffer most).\n";
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, table);
    System.out.print(table);
    if (rows.stream().anyMatch(r -> !r.verified())) {
      throw new IllegalStateException("a target did not verify");
    }
  }

  /**
   * Runs the three copies and verifies each target.
   *
   * @param rttMs round-trip time added between the copier and each server (0: loopback as is)
   */
  public static List<Row> run(int keys, int bigMb, int connections, int rttMs) throws Exception {
    List<Row> rows = new ArrayList<>();
    rows.add(copy("Cutover (" + connections + " connections, pipelined)", keys, bigMb, connections, rttMs, "cutover"));
    rows.add(copy("Cutover at a fifth of the keys", Math.max(1, keys / 5), bigMb, connections, rttMs, "cutover"));
    rows.add(copy("naive loop (1 connection, unpipelined)", keys, bigMb, connections, rttMs, "naive"));
    return rows;
  }

  private static Row copy(String method, int keys, int bigMb, int connections, int rttMs, String mode)
      throws Exception {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target();
        LatencyProxy toSource = LatencyProxy.over(source.tlsPort(), rttMs);
        LatencyProxy toTarget = LatencyProxy.over(target.port(), rttMs)) {
      RedisDataset.fill(source, keys, bigMb);
      RedisMigrator redis = RedisMigrator.builder().build();
      String pin = redis.describe(source.tlsConnection()).certificatePin();
      sync();
      String heap = mode.equals("naive") ? NAIVE_HEAP : CUTOVER_HEAP;
      ProcessBuilder child = Servers.childJvm(heap, RedisBenchMain.class, mode, String.valueOf(toSource.port()), pin,
          String.valueOf(toTarget.port()), String.valueOf(connections));
      Process process = child.start();
      String result = null;
      StringBuilder log = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          log.append(line).append('\n');
          if (line.startsWith("RESULT ")) {
            result = line;
          }
        }
      }
      if (process.waitFor() != 0 || result == null) {
        throw new IllegalStateException(method + " failed:\n" + log);
      }
      String[] f = result.split(" ");
      RedisConnection sourceConnection = source.tlsConnection().withCertificatePin(pin);
      long now = System.currentTimeMillis();
      // verify reads only the pin and the copy's duration (its TTL tolerance) from the state
      RedisCopyState copied = new RedisCopyState("", "", pin, now - (long) (Double.parseDouble(f[1]) * 1000) - 1000,
          now, List.of());
      VerificationReport report = redis.verify(sourceConnection, target.connection(), copied);
      if (!report.passed()) {
        System.err.println(method + ": " + report.describeMismatches());
      }
      return new Row(method, Long.parseLong(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[1]),
          Long.parseLong(f[4]), report.passed());
    }
  }

  /** Flushes the page cache's dirty pages, so a run does not pay for the fill's writeback. */
  private static void sync() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  static String render(int keys, int bigMb, int connections, int rttMs, List<Row> rows) {
    Row naive = rows.stream().filter(r -> r.method().startsWith("naive")).findFirst().orElseThrow();
    StringBuilder sb = new StringBuilder();
    sb.append("# Redis copy benchmark\n\n")
        .append(String.format(Locale.ROOT, "%,d keys of every type in 3 databases, a third with TTLs, one %d MB key;"
            + " TLS source (self-signed, pinned), plain target, both local redis-server %s; %d connections;"
            + " %d ms round trip added to each server.%n%n", keys, bigMb, redisVersion(), connections, rttMs))
        .append("| method | keys | MB | seconds | keys/s | MB/s | JVM peak RSS (MB) | vs naive | verified |\n")
        .append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.2f | %,.0f | %.1f | %d | %.1fx | %s |%n", r.method(),
          r.keys(), r.bytes() / 1048576.0, r.seconds(), r.keysPerSecond(), r.mbPerSecond(), r.peakRssKb() / 1024,
          r.keysPerSecond() / naive.keysPerSecond(), r.verified() ? "yes" : "NO"));
    }
    sb.append("\nThe speed-up compares keys/s. Times include JVM start-up and TLS handshakes; RSS is `VmHWM` of each"
        + " child JVM: Cutover's run with -Xmx" + CUTOVER_HEAP + ", the naive loop's with -Xmx" + NAIVE_HEAP
        + " (it holds the big value twice and does not fit in less).\n");
    return sb.toString();
  }

  private static String loadAverage() throws IOException {
    String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
    return f[0] + " " + f[1] + " " + f[2];
  }

  private static String redisVersion() {
    try {
      Process p = new ProcessBuilder("redis-server", "--version").start();
      String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return v.replaceAll(".*v=(\\S+).*\\s*", "$1").trim();
    } catch (IOException | InterruptedException e) {
      return "?";
    }
  }
}
