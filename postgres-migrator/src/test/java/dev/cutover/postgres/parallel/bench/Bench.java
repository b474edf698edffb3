package dev.cutover.postgres.parallel.bench;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.postgres.PgMigrator;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.postgres.parallel.ParallelRestore;
import dev.cutover.postgres.verify.DatabaseVerifier;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The restore benchmark (see {@code bench/README.md}): builds {@code pgbench -i -s SCALE} plus the
 * tricky objects, dumps it with {@code pg_dump -Fc}, then restores it into a fresh database with
 * each method in turn, alternating, {@code runs} times each; verifies every target against the
 * source; prints and writes median/min/max seconds, ratio to the guide's pipeline, and the PARALLEL
 * JVM's peak RSS.
 *
 * <p>Usage: {@code Bench [--scale N] [--runs N] [--jobs N] [--out FILE] [--smoke] [--keep DIR]}.
 * {@code --smoke} runs PARALLEL in this JVM (no child JVM), skips the tool-based Cutover strategies
 * and only checks correctness. {@code --keep DIR} leaves the source database and copies the archive
 * to {@code DIR/latest.dump}, for profiling one method by hand.
 */
public final class Bench {

  /** Benchmark options. */
  record Options(int scale, int runs, int jobs, Path out, boolean smoke, List<String> classpath, String src, String tgt,
      Path keep) {}

  /** One method's timings. */
  record Timing(String method, List<Double> seconds, long peakRssKb, List<Double> inJvmSeconds,
      List<Double> jvmCpuSeconds) {
    double median() {
      return median(seconds);
    }

    static double median(List<Double> values) {
      if (values.isEmpty()) {
        return Double.NaN;
      }
      List<Double> s = new ArrayList<>(values);
      s.sort(null);
      int n = s.size();
      return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double min() {
      return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    double max() {
      return seconds.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
  }

  private Bench() {}

  public static void main(String[] args) throws Exception {
    int scale = 60;
    int runs = 3;
    int jobs = 2;
    boolean smoke = false;
    Path keep = null;
    Path out = Path.of("bench/results/latest.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--smoke" -> smoke = true;
        case "--keep" -> keep = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; usage: Bench [--scale N] [--runs N] [--jobs N] [--out FILE] [--smoke] [--keep DIR]");
      }
    }
    String report = run(new Options(scale, runs, jobs, out, smoke,
        List.of(System.getProperty("java.class.path")), "cut_par_bench_src", "cut_par_bench_tgt", keep));
    System.out.println(report);
  }

  /** Runs the benchmark; returns the Markdown report (also written to {@code options.out()}). */
  static String run(Options o) throws Exception {
    final String src = o.src();
    final String tgt = o.tgt();
    Path work = Files.createTempDirectory("cutover-bench-");
    TrickyDatabase tricky = null;
    try {
      long users = o.smoke() ? 500 : Math.max(10, o.scale() * 3_333L);
      log("building " + src + ": TrickyDatabaseGenerator (" + users + " users), tricky.sql, pgbench -i -s " + o.scale());
      sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + src + " WITH (FORCE)' -c 'CREATE DATABASE " + src + "' postgres");
      tricky = TrickyDatabaseGenerator.builder().users(users).rolePrefix("cut_par_").build().generate(RestoreMain.target(src));
      Path trickySql = work.resolve("tricky.sql");
      try (InputStream in = Bench.class.getResourceAsStream("/dev/cutover/postgres/parallel/tricky.sql")) {
        Files.copy(in, trickySql);
      }
      sh("psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f " + trickySql + " " + src);
      sh("pgbench -i -q -s " + o.scale() + " " + src);
      sh("psql -X -q -c 'VACUUM ANALYZE' " + src);
      Map<String, String> expected = fingerprint(src);
      Path dump = work.resolve("latest.dump");
      long t0 = System.nanoTime();
      sh("pg_dump -Fc -f " + dump + " " + src);
      double dumpSeconds = (System.nanoTime() - t0) / 1e9;
      long size = Files.size(dump);
      log(String.format(Locale.ROOT, "archive: %,d bytes, pg_dump took %.1f s", size, dumpSeconds));
      if (o.keep() != null) {
        Files.createDirectories(o.keep());
        Files.copy(dump, o.keep().resolve("latest.dump"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log("kept " + src + " and " + o.keep().resolve("latest.dump"));
      }

      if (o.runs() < 1) {
        return "no runs requested";
      }
      Map<String, String> methods = new LinkedHashMap<>();
      // The guide, literally: convert the archive into data.sql, then feed that to psql.
      Path dataSql = work.resolve("data.sql");
      methods.put("guide: pg_restore -f data.sql, psql -f data.sql", "pg_restore -f - " + dump + " > " + dataSql
          + " && psql -X -q -o /dev/null -f " + dataSql + " " + tgt);
      methods.put("pg_restore -j " + o.jobs(), "pg_restore --no-owner --no-acl -j " + o.jobs() + " -d " + tgt + " " + dump);
      if (!o.smoke()) {
        // PgMigrator's tool-based strategies have their own tests; the smoke run keeps CI short.
        methods.put("Cutover GUIDE_SQL", "GUIDE_SQL");
        methods.put("Cutover PG_RESTORE (jobs " + o.jobs() + ")", "PG_RESTORE");
      }
      methods.put("Cutover PARALLEL (jobs " + o.jobs() + ")", "PARALLEL");
      methods.put("Cutover PARALLEL engine only (jobs " + o.jobs() + ")", "ENGINE");
      Map<String, List<Double>> times = new LinkedHashMap<>();
      Map<String, Long> peakRss = new LinkedHashMap<>();
      Map<String, List<Double>> inJvm = new LinkedHashMap<>();
      Map<String, List<Double>> jvmCpu = new LinkedHashMap<>();
      for (int run = 1; run <= o.runs(); run++) {
        for (Map.Entry<String, String> m : methods.entrySet()) {
          fresh(tgt);
          long s = System.nanoTime();
          if (!m.getKey().startsWith("Cutover")) {
            sh(m.getValue());
          } else if (o.smoke() && m.getValue().equals("ENGINE")) {
            ParallelRestore.builder().jobs(o.jobs()).build().restore(dump, RestoreMain.target(tgt));
          } else if (o.smoke()) {
            PgMigrator.builder().jobs(o.jobs()).build().restore(dump, RestoreMain.target(tgt),
                RestoreStrategy.valueOf(m.getValue()), false, MigrationListener.NONE);
          } else {
            String args = m.getValue().equals("ENGINE") ? dump + " " + tgt + " " + o.jobs()
                : "--pgmigrator " + m.getValue() + " " + dump + " " + tgt + " " + o.jobs();
            String line = sh("java -cp '" + String.join(":", o.classpath()) + "' " + RestoreMain.class.getName() + " " + args);
            long rss = Long.parseLong(line.replaceAll("(?s).*vmhwm_kb=(-?[0-9]+).*", "$1"));
            peakRss.merge(m.getKey(), rss, Math::max);
            inJvm.computeIfAbsent(m.getKey(), k -> new ArrayList<>())
                .add(Double.parseDouble(line.replaceAll("(?s).*(?<![a-z_])seconds=([0-9.]+).*", "$1")));
            jvmCpu.computeIfAbsent(m.getKey(), k -> new ArrayList<>())
                .add(Double.parseDouble(line.replaceAll("(?s).*cpu_seconds=([0-9.]+).*", "$1")));
          }
          double seconds = (System.nanoTime() - s) / 1e9;
          Map<String, String> actual = fingerprint(tgt);
          if (!actual.equals(expected)) {
            throw new AssertionError(m.getKey() + ": target differs from the source: expected " + expected + " but got "
                + actual);
          }
          times.computeIfAbsent(m.getKey(), k -> new ArrayList<>()).add(seconds);
          log(String.format(Locale.ROOT, "run %d %-40s %7.2f s (verified)", run, m.getKey(), seconds));
          if (m.getValue().equals("PARALLEL")) {
            // Verification sits in the downtime window: measured on the target the PARALLEL run just made.
            verify(o, "live source", src, tgt, run, times, peakRss, inJvm, jvmCpu);
            verify(o, "backup archive", "archive=" + dump, tgt, run, times, peakRss, inJvm, jvmCpu);
          }
        }
      }
      sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + tgt + " WITH (FORCE)' postgres");
      List<Timing> timings = new ArrayList<>();
      for (Map.Entry<String, List<Double>> t : times.entrySet()) {
        timings.add(new Timing(t.getKey(), t.getValue(), peakRss.getOrDefault(t.getKey(), -1L),
            inJvm.getOrDefault(t.getKey(), List.of()), jvmCpu.getOrDefault(t.getKey(), List.of())));
      }
      String report = report(o, size, dumpSeconds, timings);
      if (!o.smoke()) {
        Files.createDirectories(o.out().toAbsolutePath().getParent());
        Files.writeString(o.out(), report);
      }
      return report;
    } finally {
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      if (o.keep() == null) {
        sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + src + " WITH (FORCE)' postgres");
        if (tricky != null) {
          tricky.close();
        }
      }
    }
  }

  /** Runs and times one content verification of {@code tgt} (a child JVM, or in this JVM for a smoke run); fails if it does not pass. */
  private static void verify(Options o, String against, String what, String tgt, int run, Map<String, List<Double>> times,
      Map<String, Long> peakRss, Map<String, List<Double>> inJvm, Map<String, List<Double>> jvmCpu) {
    String key = VERIFY + against + " (jobs " + o.jobs() + ")";
    long s = System.nanoTime();
    if (o.smoke()) {
      VerificationRequest request = VerificationRequest.of(RestoreMain.target(tgt));
      request = what.startsWith("archive=") ? request.archive(Path.of(what.substring(8)))
          : request.source(RestoreMain.target(what));
      VerificationReport r = DatabaseVerifier.builder().jobs(o.jobs()).build().verify(request);
      if (!r.passed() || !r.contentVerified()) {
        throw new AssertionError(key + " did not pass: " + r.describeMismatches());
      }
    } else {
      String line = sh("java -cp '" + String.join(":", o.classpath()) + "' " + RestoreMain.class.getName() + " --verify "
          + what + " " + tgt + " " + o.jobs());
      if (!line.contains("passed=true")) {
        throw new AssertionError(key + " did not pass: " + line);
      }
      peakRss.merge(key, Long.parseLong(line.replaceAll("(?s).*vmhwm_kb=(-?[0-9]+).*", "$1")), Math::max);
      inJvm.computeIfAbsent(key, k -> new ArrayList<>())
          .add(Double.parseDouble(line.replaceAll("(?s).*(?<![a-z_])seconds=([0-9.]+).*", "$1")));
      jvmCpu.computeIfAbsent(key, k -> new ArrayList<>())
          .add(Double.parseDouble(line.replaceAll("(?s).*cpu_seconds=([0-9.]+).*", "$1")));
    }
    double seconds = (System.nanoTime() - s) / 1e9;
    times.computeIfAbsent(key, k -> new ArrayList<>()).add(seconds);
    log(String.format(Locale.ROOT, "run %d %-40s %7.2f s (passed)", run, key, seconds));
  }

  private static final String VERIFY = "Cutover verification against the ";

  /**
   * A new empty target, and every dirty page of the previous run (its files, the guide's data.sql)
   * written out first, so no method pays for another's writeback.
   */
  private static void fresh(String tgt) {
    sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + tgt + " WITH (FORCE)' -c 'CREATE DATABASE " + tgt + "' -c CHECKPOINT postgres"
        + " && sync");
  }

  /** Row count of every table and materialized view, sequence states, large-object count, index count. */
  static Map<String, String> fingerprint(String db) {
    String sql = """
        SELECT format('%I.%I', n.nspname, c.relname), c.relkind,
               (xpath('/row/c/text()', query_to_xml(format(
                  CASE c.relkind WHEN 'S' THEN 'SELECT last_value || ''/'' || is_called AS c FROM %I.%I'
                                 ELSE 'SELECT count(*) AS c FROM %I.%I' END, n.nspname, c.relname), false, true, '')))[1]::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 'S') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
          AND n.nspname NOT LIKE 'pg_toast%' AND (c.relkind <> 'm' OR c.relispopulated)
        UNION ALL SELECT 'large objects', '-', count(*)::text FROM pg_largeobject_metadata
        UNION ALL SELECT 'indexes', '-', count(*)::text FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog')
        UNION ALL SELECT 'constraints', '-', count(*)::text FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
        UNION ALL SELECT 'abalance sum', '-', sum(abalance)::text FROM pgbench_accounts
        ORDER BY 1""";
    Map<String, String> out = new TreeMap<>();
    for (String line : sh("psql -X -At -F '|' -c \"" + sql.replace("\"", "\\\"") + "\" " + db).split("\n")) {
      String[] f = line.split("\\|", -1);
      if (f.length == 3) {
        out.put(f[0], f[2]);
      }
    }
    return out;
  }

  private static String report(Options o, long size, double dumpSeconds, List<Timing> timings) {
    double guide = timings.get(0).median();
    StringBuilder b = new StringBuilder();
    b.append("# Restore benchmark\n\n");
    b.append(String.format(Locale.ROOT, "- date: %s%n- scale: %d (pgbench -i -s %d plus tricky objects), runs: %d each, "
        + "alternating, jobs: %d%n- archive: %,d bytes (pg_dump -Fc, %.1f s)%n- machine: %d cores; %s%n- every run "
        + "verified against the source (row counts of every table and matview, sequences, large objects, index and "
        + "constraint counts, sum of abalance)%n%n", Instant.now(), o.scale(), o.scale(), o.runs(), o.jobs(), size,
        dumpSeconds, Runtime.getRuntime().availableProcessors(), sh("psql -X -At -c 'SELECT version()' postgres").strip()));
    b.append("| method | median s | min s | max s | speed-up vs guide | in-JVM restore median s | JVM CPU median s "
        + "| peak RSS |\n|---|---|---|---|---|---|---|---|\n");
    List<Timing> verifications = timings.stream().filter(t -> t.method().startsWith(VERIFY)).toList();
    timings = timings.stream().filter(t -> !t.method().startsWith(VERIFY)).toList();
    for (Timing t : timings) {
      b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2fx | %s | %s | %s |%n", t.method(), t.median(),
          t.min(), t.max(), guide / t.median(),
          t.inJvmSeconds().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", Timing.median(t.inJvmSeconds())),
          t.jvmCpuSeconds().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", Timing.median(t.jvmCpuSeconds())),
          t.peakRssKb() > 0 ? (t.peakRssKb() / 1024) + " MB (VmHWM)" : "-"));
    }
    Timing pgRestore = timings.get(1);
    b.append("\n");
    for (Timing t : timings) {
      if (t.method().startsWith("Cutover PARALLEL")) {
        b.append(String.format(Locale.ROOT, "- %s: %.2fx faster than the guide (target >= 2.0x), %.2fx faster than %s "
            + "(target >= 1.15x), JVM peak RSS %s (target <= 512 MB)%n", t.method(), guide / t.median(),
            pgRestore.median() / t.median(), pgRestore.method(),
            t.peakRssKb() > 0 ? (t.peakRssKb() / 1024) + " MB" : "not measured (smoke)"));
      }
    }
    Timing parallel = timings.stream().filter(t -> t.method().startsWith("Cutover PARALLEL (")).findFirst().orElse(null);
    if (!verifications.isEmpty() && parallel != null) {
      b.append("\n| verification of the PARALLEL target (same runs) | median s | min s | max s | x PARALLEL restore "
          + "| in-JVM median s | JVM CPU median s | peak RSS |\n|---|---|---|---|---|---|---|---|\n");
      for (Timing t : verifications) {
        b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2fx | %s | %s | %s |%n",
            t.method().substring("Cutover ".length()), t.median(), t.min(), t.max(), t.median() / parallel.median(),
            t.inJvmSeconds().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", Timing.median(t.inJvmSeconds())),
            t.jvmCpuSeconds().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", Timing.median(t.jvmCpuSeconds())),
            t.peakRssKb() > 0 ? (t.peakRssKb() / 1024) + " MB (VmHWM)" : "-"));
      }
      Timing live = verifications.get(0);
      b.append(String.format(Locale.ROOT, "%n- content verification against the live source: %.2fx the PARALLEL "
          + "restore's time (target <= 0.5x), JVM peak RSS %s; it digests every row of every table on both servers at "
          + "once, plus schema, privileges, settings, sequences and large objects%n", live.median() / parallel.median(),
          live.peakRssKb() > 0 ? (live.peakRssKb() / 1024) + " MB" : "not measured (smoke)"));
    }
    b.append("\nAll times are wall seconds of the whole command. Cutover rows run in a child JVM and include its "
        + "start-up; the PgMigrator rows (GUIDE_SQL, PG_RESTORE, PARALLEL) also include PgMigrator's checks and "
        + "follow-up (archive inspection, target emptiness, extension schemas, revocations, settings, row counts). "
        + "\"engine only\" is ParallelRestore alone. \"in-JVM\" is the restore call timed inside that JVM; \"JVM CPU\" "
        + "is that JVM's CPU time, all threads (JIT and GC included).\n");
    return b.toString();
  }

  private static void log(String s) {
    System.err.println("[bench] " + s);
  }

  /** Runs a shell command with libpq defaults for the local server; returns stdout, fails on non-zero exit. */
  static String sh(String command) {
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putIfAbsent("PGHOST", "127.0.0.1");
      pb.environment().putIfAbsent("PGPORT", "5432");
      pb.environment().putIfAbsent("PGUSER", "postgres");
      Process p = pb.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t = new Thread(() -> {
        try (InputStream e = p.getErrorStream()) {
          e.transferTo(err);
        } catch (IOException ignored) {
          // the exit code tells
        }
      });
      t.start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(2, TimeUnit.HOURS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      t.join();
      if (p.exitValue() != 0) {
        throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n" + err.toString(StandardCharsets.UTF_8));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
