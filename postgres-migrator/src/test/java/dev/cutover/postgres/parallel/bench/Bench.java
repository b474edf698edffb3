package dev.cutover.postgres.parallel.bench;

import static dev.cutover.postgres.parallel.bench.Shell.sh;

import dev.cutover.postgres.parallel.CriticalPath;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark (see {@code bench/README.md}): builds {@code pgbench -i -s SCALE} plus the tricky objects, then
 * runs, alternating, {@code runs} times each, every way to move it into a fresh database: end to end (source
 * database to verified target: the guide, {@code pg_dump -Fc} + {@code pg_restore -j}, {@code pg_dump | pg_restore},
 * {@code pgcopydb clone}, Cutover's backup path on the fake Heroku with and without restoring while downloading,
 * Cutover DIRECT) and restore only (from one {@code pg_dump -Fc} archive). Every target is checked against the
 * source; the report has medians, ratios, each Cutover JVM's peak RSS, the server's CPU time per run, and
 * DIRECT's lower bound (its critical path, measured alone, and the server's CPU time over the cores).
 *
 * <p>Usage: {@code Bench [--scale N] [--runs N] [--jobs N] [--rate BYTES_PER_SECOND] [--out FILE] [--smoke]
 * [--keep DIR]}. {@code --rate} fixes the simulated download rate (default: the archive's size over one PARALLEL
 * restore of it, so that downloading takes about as long as restoring). {@code --smoke} runs the Cutover methods
 * in this JVM and checks correctness only. {@code --keep DIR} leaves the source database and copies the archive
 * to {@code DIR/latest.dump}.
 */
public final class Bench {
  static final String APP = "bench-app";

  /** Benchmark options. */
  record Options(int scale, int runs, int jobs, Path out, boolean smoke, List<String> classpath, String src, String tgt,
      Path keep, long rate) {}

  /** Where a method belongs in the report. */
  enum Section { END_TO_END, RESTORE }

  /**
   * One way to move the data: a shell command, or {@link RestoreMain} arguments for a child JVM.
   *
   * @param shell the command, or null for a JVM method
   */
  record Method(String name, Section section, String shell, List<String> jvm) {}

  /** One run of one method. */
  record Run(double seconds, long peakRssKb, double jvmCpu, Map<String, Double> phases, PgCpu cpu) {}

  private Bench() {}

  public static void main(String[] args) throws Exception {
    int scale = 60;
    int runs = 3;
    int jobs = 2;
    long rate = 0;
    boolean smoke = false;
    Path keep = null;
    Path out = Path.of("bench/results/latest.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scale" -> scale = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--jobs" -> jobs = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Long.parseLong(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--smoke" -> smoke = true;
        case "--keep" -> keep = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; usage: Bench [--scale N] "
            + "[--runs N] [--jobs N] [--rate BYTES_PER_SECOND] [--out FILE] [--smoke] [--keep DIR]");
      }
    }
    String report = run(new Options(scale, runs, jobs, out, smoke, List.of(System.getProperty("java.class.path")),
        "cut_par_bench_src", "cut_par_bench_tgt", keep, rate));
    System.out.println(report);
  }

  /** Runs the benchmark; returns the Markdown report (also written to {@code options.out()} unless smoke). */
  static String run(Options o) throws Exception {
    Path work = Files.createTempDirectory("cutover-bench-");
    TrickyDatabase tricky = null;
    try (FakeHeroku fake = FakeHeroku.start()) {
      long users = o.smoke() ? 500 : Math.max(10, o.scale() * 3_333L);
      log("building " + o.src() + ": TrickyDatabaseGenerator (" + users + " users), tricky.sql, pgbench -i -s " + o.scale());
      sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + o.src() + " WITH (FORCE)' -c 'CREATE DATABASE " + o.src() + "' postgres");
      tricky = TrickyDatabaseGenerator.builder().users(users).rolePrefix("cut_par_").build()
          .generate(RestoreMain.target(o.src()));
      Path trickySql = work.resolve("tricky.sql");
      try (InputStream in = Bench.class.getResourceAsStream("/dev/cutover/postgres/parallel/tricky.sql")) {
        Files.copy(in, trickySql);
      }
      sh("psql -X -q -v ON_ERROR_STOP=1 -o /dev/null -f " + trickySql + " " + o.src());
      sh("pgbench -i -q -s " + o.scale() + " " + o.src());
      sh("psql -X -q -c 'VACUUM ANALYZE' " + o.src());
      Map<String, String> expected = fingerprint(o.src());
      Path dump = work.resolve("latest.dump");
      long t0 = System.nanoTime();
      sh("pg_dump -Fc -f " + dump + " " + o.src());
      double dumpSeconds = (System.nanoTime() - t0) / 1e9;
      long size = Files.size(dump);
      log(String.format(Locale.ROOT, "archive: %,d bytes, pg_dump -Fc took %.1f s", size, dumpSeconds));
      if (o.keep() != null) {
        Files.createDirectories(o.keep());
        Files.copy(dump, o.keep().resolve("latest.dump"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        log("kept " + o.src() + " and " + o.keep().resolve("latest.dump"));
      }
      if (o.runs() < 1) {
        return "no runs requested";
      }
      fake.app(APP).postgres(RestoreMain.target(o.src()));
      List<Method> methods = methods(o, fake, dump, work);
      long rate = o.rate();
      if (rate <= 0) {
        fresh(o.tgt());
        Run calibration = runOnce(o, fake, methods.stream().filter(m -> m.name().startsWith("Cutover PARALLEL ("))
            .findFirst().orElseThrow());
        rate = (long) (size / calibration.seconds());
        log(String.format(Locale.ROOT, "download rate %,d bytes/s: the archive over one PARALLEL restore (%.2f s)", rate,
            calibration.seconds()));
      }
      fake.downloadRate(rate);

      Map<Method, List<Run>> runs = new LinkedHashMap<>();
      for (int run = 1; run <= o.runs(); run++) {
        for (Method m : methods) {
          fresh(o.tgt());
          Run r = runOnce(o, fake, m);
          Map<String, String> actual = fingerprint(o.tgt());
          if (!actual.equals(expected)) {
            java.util.Set<String> differing = new java.util.TreeSet<>();
            expected.forEach((k, v) -> {
              if (!v.equals(actual.get(k))) {
                differing.add(k);
              }
            });
            // pgcopydb 0.10 (Debian's) copies neither unlogged tables' rows nor inheritance children's: said, not hidden
            if (!m.name().startsWith("pgcopydb") || !pgcopydbBlindSpots(o.src()).containsAll(differing)) {
              throw new AssertionError(m.name() + ": target differs from the source: expected " + expected + " but got "
                  + actual);
            }
            LOSSES.computeIfAbsent(m.name(), k -> new java.util.TreeSet<>()).addAll(differing);
            log(m.name() + " lost the rows of " + differing + " (unlogged tables and inheritance children)");
          }
          runs.computeIfAbsent(m, k -> new ArrayList<>()).add(r);
          log(String.format(Locale.ROOT, "run %d %-62s %7.2f s, server CPU %.1f s (verified)", run, m.name(), r.seconds(),
              r.cpu().serverSeconds()));
        }
      }
      List<CriticalPath.Result> critical = new ArrayList<>();
      for (int run = 1; run <= o.runs(); run++) {
        fresh(o.tgt());
        critical.add(CriticalPath.measure(RestoreMain.target(o.src()), RestoreMain.target(o.tgt()), o.jobs(), work));
        log("critical path " + critical.get(critical.size() - 1));
      }
      sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + o.tgt() + " WITH (FORCE)' postgres");
      String report = BenchReport.markdown(o, size, dumpSeconds, rate, runs, critical);
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
        sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + o.src() + " WITH (FORCE)' postgres");
        if (tricky != null) {
          tricky.close();
        }
      }
    }
  }

  /** Tables a third-party method lost rows of, by method (reported, and only accepted for pgcopydb's blind spots). */
  static final Map<String, java.util.Set<String>> LOSSES = new java.util.concurrent.ConcurrentHashMap<>();

  /** Unlogged tables, inheritance children and their parents (whose counts include the children), as fingerprinted. */
  private static java.util.Set<String> pgcopydbBlindSpots(String db) {
    return new java.util.TreeSet<>(List.of(sh("psql -X -At -c \"SELECT format('%I.%I', n.nspname, c.relname) FROM "
        + "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND (c.relpersistence = 'u' "
        + "OR c.oid IN (SELECT inhrelid FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid WHERE NOT "
        + "k.relispartition) OR c.oid IN (SELECT inhparent FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid "
        + "WHERE NOT k.relispartition))\" " + db).strip().split("\n")));
  }

  /** The row that restores with PARALLEL and then times the content verification of that target. */
  static final String VERIFICATION = "Cutover PARALLEL, then content verification";

  /** Every method, end to end first, then restore only. */
  private static List<Method> methods(Options o, FakeHeroku fake, Path dump, Path work) {
    String src = o.src();
    String tgt = o.tgt();
    int j = o.jobs();
    Path file = work.resolve("e2e.dump");
    Path dataSql = work.resolve("data.sql");
    String jobs = Integer.toString(j);
    List<Method> m = new ArrayList<>();
    m.add(new Method("guide: pg_dump -Fc, pg_restore -f data.sql, psql -f data.sql", Section.END_TO_END,
        "rm -f " + file + " && pg_dump -Fc -f " + file + " " + src + " && pg_restore -f " + dataSql + " " + file
            + " && psql -X -q -o /dev/null -f " + dataSql + " " + tgt, null));
    m.add(new Method("pg_dump -Fc, pg_restore -j " + j, Section.END_TO_END, "rm -f " + file + " && pg_dump -Fc -f " + file
        + " " + src + " && pg_restore --no-owner --no-acl -j " + j + " -d " + tgt + " " + file, null));
    m.add(new Method("pg_dump -Fc | pg_restore", Section.END_TO_END, "pg_dump -Fc " + src
        + " | pg_restore --no-owner --no-acl -d " + tgt, null));
    Path copydb = work.resolve("pgcopydb");
    // pgcopydb kills its whole process group when it fails: its own session keeps this JVM out of it.
    m.add(new Method("pgcopydb clone (--table-jobs " + j + " --index-jobs " + j + ")", Section.END_TO_END,
        "rm -rf " + copydb + " && setsid --wait pgcopydb clone --source postgres://postgres@127.0.0.1:5432/" + src
            + " --target postgres://postgres@127.0.0.1:5432/" + tgt + " --table-jobs " + j + " --index-jobs " + j
            + " --no-owner --no-acl --dir " + copydb + " > " + work.resolve("pgcopydb.log") + " 2>&1", null));
    for (String mode : List.of("sequential", "overlap")) {
      m.add(new Method(mode.equals("sequential") ? "Cutover backup path: capture, download, PARALLEL restore, verify"
          : "Cutover backup path, restoring while downloading, verify", Section.END_TO_END, null,
          List.of("--backup-path", mode, fake.apiUrl(), APP, fake.caCertificatePem().toString(), src, tgt, jobs,
              work.toString())));
    }
    m.add(new Method("Cutover DIRECT (jobs " + j + "), verify", Section.END_TO_END, null,
        List.of("--direct", src, tgt, jobs)));
    m.add(new Method("guide: pg_restore -f data.sql, psql -f data.sql", Section.RESTORE, "pg_restore -f " + dataSql + " "
        + dump + " && psql -X -q -o /dev/null -f " + dataSql + " " + tgt, null));
    m.add(new Method("pg_restore -j " + j, Section.RESTORE, "pg_restore --no-owner --no-acl -j " + j + " -d " + tgt + " "
        + dump, null));
    m.add(new Method("Cutover PARALLEL (jobs " + j + ")", Section.RESTORE, null,
        List.of("--pgmigrator", "PARALLEL", dump.toString(), tgt, jobs)));
    m.add(new Method("Cutover PARALLEL engine only (jobs " + j + ")", Section.RESTORE, null,
        List.of(dump.toString(), tgt, jobs)));
    m.add(new Method(VERIFICATION + " (jobs " + j + ")", Section.RESTORE, null,
        List.of("--verification", dump.toString(), src, tgt, jobs)));
    return m;
  }

  /** Runs {@code m} once into the (fresh) target, with the server's and the machine's CPU time around it. */
  private static Run runOnce(Options o, FakeHeroku fake, Method m) throws Exception {
    PgCpu before = PgCpu.sample();
    long s = System.nanoTime();
    String line = null;
    if (m.shell() != null) {
      sh(m.shell());
    } else if (o.smoke()) {
      line = RestoreMain.run(m.jvm().toArray(String[]::new), fake.apiKey());
    } else {
      line = sh("java -cp '" + String.join(":", o.classpath()) + "' " + RestoreMain.class.getName() + " "
          + String.join(" ", m.jvm()), Map.of("CUTOVER_BENCH_HEROKU_API_KEY", fake.apiKey().reveal()));
    }
    double seconds = (System.nanoTime() - s) / 1e9;
    PgCpu cpu = PgCpu.sample().minus(before);
    if (line == null) {
      return new Run(seconds, -1, Double.NaN, Map.of(), cpu);
    }
    Map<String, Double> phases = new TreeMap<>();
    String p = field(line, "phases");
    if (!p.equals("-")) {
      for (String kv : p.split(",")) {
        phases.put(kv.substring(0, kv.lastIndexOf(':')), Double.parseDouble(kv.substring(kv.lastIndexOf(':') + 1)));
      }
    }
    long rss = o.smoke() ? -1 : Long.parseLong(field(line, "vmhwm_kb"));
    return new Run(seconds, rss, o.smoke() ? Double.NaN : Double.parseDouble(field(line, "cpu_seconds")), phases, cpu);
  }

  private static String field(String line, String name) {
    for (String part : line.strip().split("\\s+")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    throw new IllegalStateException("no " + name + " in " + line);
  }

  /**
   * A new empty target, and every dirty page of the previous run (its files, the guide's data.sql) written
   * out first, so no method pays for another's writeback.
   */
  private static void fresh(String tgt) {
    sh("psql -X -q -c 'DROP DATABASE IF EXISTS " + tgt + " WITH (FORCE)' -c 'CREATE DATABASE " + tgt + "' -c CHECKPOINT postgres"
        + " && sync");
  }

  /** Row count of every table and matview, sequence states, large-object count, index count. */
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

  static void log(String s) {
    System.err.println("[bench] " + s);
  }
}
