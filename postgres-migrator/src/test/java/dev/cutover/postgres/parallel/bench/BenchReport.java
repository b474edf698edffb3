package dev.cutover.postgres.parallel.bench;

import static dev.cutover.postgres.parallel.bench.Shell.sh;

import dev.cutover.postgres.parallel.CriticalPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** The benchmark's Markdown report: the two tables, the ratios against the targets, DIRECT's lower bound. */
final class BenchReport {
  private BenchReport() {}

  static String markdown(Bench.Options o, long size, double dumpSeconds, long rate,
      Map<Bench.Method, List<Bench.Run>> runs, List<CriticalPath.Result> critical) {
    int cores = Runtime.getRuntime().availableProcessors();
    StringBuilder b = new StringBuilder("# Benchmark\n\n");
    b.append(String.format(Locale.ROOT, "- date: %s%n- scale: %d (pgbench -i -s %d plus the tricky objects), runs: %d "
        + "each, alternating, jobs: %d%n- archive: %,d bytes (pg_dump -Fc, %.1f s); simulated download: %,d bytes/s "
        + "(HTTPS from the fake Heroku's storage)%n- machine: %d cores; %s%n- every target checked against the source "
        + "(row counts of every table and matview, sequences, large objects, index and constraint counts, sum of "
        + "abalance)%n%n", Instant.now(), o.scale(), o.scale(), o.runs(), o.jobs(), size, dumpSeconds, rate, cores,
        sh("psql -X -At -c 'SELECT version()' postgres").strip()));

    b.append("## End to end: source database to verified target\n\n");
    b.append("| method | median s | min s | max s | vs guide | phases (median s) | server CPU s | machine busy | "
        + "JVM CPU s | JVM peak RSS |\n|---|---|---|---|---|---|---|---|---|---|\n");
    List<Map.Entry<Bench.Method, List<Bench.Run>>> e2e = section(runs, Bench.Section.END_TO_END);
    double guide = median(e2e.get(0).getValue(), Bench.Run::seconds);
    for (var e : e2e) {
      row(b, e.getKey(), e.getValue(), guide, cores);
    }
    b.append('\n');
    double direct = median(find(e2e, "Cutover DIRECT"), Bench.Run::seconds);
    double pipe = median(find(e2e, "pg_dump -Fc | pg_restore"), Bench.Run::seconds);
    double copydb = median(find(e2e, "pgcopydb"), Bench.Run::seconds);
    List<Bench.Run> sequential = find(e2e, "Cutover backup path: capture");
    List<Bench.Run> overlap = find(e2e, "Cutover backup path, restoring");
    double downloadThenRestore = median(sequential, r -> r.phases().get("download") + r.phases().get("restore"));
    double whileDownloading = median(overlap, r -> r.phases().get("download+restore"));
    double criticalPath = median(critical, CriticalPath.Result::seconds);
    double serverCpu = median(find(e2e, "Cutover DIRECT"), r -> r.cpu().serverSeconds());
    double bound = Math.max(criticalPath, serverCpu / cores);
    b.append(String.format(Locale.ROOT, "- DIRECT: %.2fx the guide (target >= 2.2x), %.2fx pgcopydb clone (target >= "
        + "1.5x), %.2fx pg_dump | pg_restore (target >= 1.5x), %.2fx its lower bound of %.2f s (target <= 1.2x)%n",
        guide / direct, copydb / direct, pipe / direct, direct / bound, bound));
    b.append(String.format(Locale.ROOT, "- restoring while downloading: download and restore %.2f s against %.2f s one "
        + "after the other, %.2fx (target >= 1.3x when the download takes about as long as the restore: here "
        + "download %.2f s, restore %.2f s); the whole backup path %.2fx%n", whileDownloading, downloadThenRestore,
        downloadThenRestore / whileDownloading, median(sequential, r -> r.phases().get("download")),
        median(sequential, r -> r.phases().get("restore")),
        median(sequential, Bench.Run::seconds) / median(overlap, Bench.Run::seconds)));
    Bench.LOSSES.forEach((method, tables) -> b.append(String.format(Locale.ROOT, "- %s lost the rows of %s "
        + "(unlogged tables and inheritance children: pgcopydb 0.10 does not copy them); its time is for less work%n",
        method, tables)));
    b.append(String.format(Locale.ROOT, "- JVM peak RSS, every Cutover JVM: at most %s (target <= 512 MB)%n%n",
        mb(runs.values().stream().flatMap(List::stream).mapToLong(Bench.Run::peakRssKb).max().orElse(-1))));

    b.append("## DIRECT: where the time goes\n\n");
    CriticalPath.Result c = critical.get(0);
    b.append(String.format(Locale.ROOT, "- critical path %.2f s (median of %d, each piece alone on an idle server): "
        + "%s copied alone (%,d rows) %.2f s, then its slowest index build alone (%s) %.2f s%n", criticalPath,
        critical.size(), c.table(), c.rows(), median(critical, CriticalPath.Result::copySeconds), c.index(),
        median(critical, CriticalPath.Result::indexSeconds)));
    b.append(String.format(Locale.ROOT, "- PostgreSQL server CPU during a DIRECT run %.2f s over %d cores = %.2f s; "
        + "the lower bound is the longer of the two: %.2f s; DIRECT took %.2f s (%.2fx), of which the copy %.2f s and "
        + "the verification %.2f s%n", serverCpu, cores, serverCpu / cores, bound, direct, direct / bound,
        median(find(e2e, "Cutover DIRECT"), r -> r.phases().get("copy")),
        median(find(e2e, "Cutover DIRECT"), r -> r.phases().get("verify"))));
    b.append(String.format(Locale.ROOT, "- both cores during DIRECT: %.0f %% busy (server %.0f %%, the DIRECT JVM %.0f "
        + "%%); idle CPU while work remains is time to win back%n%n",
        100 * median(find(e2e, "Cutover DIRECT"), r -> r.cpu().machineBusySeconds() / r.cpu().machineSeconds()),
        100 * serverCpu / (direct * cores), 100 * median(find(e2e, "Cutover DIRECT"), Bench.Run::jvmCpu) / (direct * cores)));

    b.append("## Restore only, from the pg_dump -Fc archive\n\n");
    b.append("| method | median s | min s | max s | vs guide | vs pg_restore -j | server CPU s | JVM CPU s | "
        + "JVM peak RSS |\n|---|---|---|---|---|---|---|---|---|\n");
    List<Map.Entry<Bench.Method, List<Bench.Run>>> restore = section(runs, Bench.Section.RESTORE);
    double rGuide = median(restore.get(0).getValue(), Bench.Run::seconds);
    double rPgRestore = median(restore.get(1).getValue(), Bench.Run::seconds);
    for (var e : restore) {
      List<Bench.Run> r = e.getValue();
      double m = median(r, Bench.Run::seconds);
      b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2fx | %.2fx | %.1f | %s | %s |%n", cell(e.getKey().name()),
          m, min(r), max(r), rGuide / m, rPgRestore / m, median(r, x -> x.cpu().serverSeconds()), jvmCpu(r),
          mb(r.stream().mapToLong(Bench.Run::peakRssKb).max().orElse(-1))));
    }
    double parallel = median(find(restore, "Cutover PARALLEL ("), Bench.Run::seconds);
    b.append(String.format(Locale.ROOT, "%n- PARALLEL restore: %.2fx the guide (target >= 2.0x), %.2fx pg_restore -j %d "
        + "(target >= 1.15x)%n", rGuide / parallel, rPgRestore / parallel, o.jobs()));
    List<Bench.Run> verified = find(restore, Bench.VERIFICATION);
    double restoreThere = median(verified, r -> r.phases().get("restore"));
    double live = median(verified, r -> r.phases().get("verify-source"));
    double archived = median(verified, r -> r.phases().get("verify-archive"));
    b.append(String.format(Locale.ROOT, "- content verification of the PARALLEL target, in the same runs (\"%s\" row): "
        + "against the live source %.2f s, %.2fx that run's restore of %.2f s (target <= 0.5x); against the backup "
        + "archive %.2f s (%.2fx); peak RSS of the JVM that restored and verified %s (the restore alone: %s)%n%n",
        Bench.VERIFICATION, live, live / restoreThere, restoreThere, archived, archived / restoreThere,
        mb(verified.stream().mapToLong(Bench.Run::peakRssKb).max().orElse(-1)),
        mb(find(restore, "Cutover PARALLEL (").stream().mapToLong(Bench.Run::peakRssKb).max().orElse(-1))));
    b.append("Wall seconds of the whole method. Cutover rows run in a child JVM (start-up included) and verify the "
        + "target against the source with PgMigrator.verify (in their time, as in a migration); the tools' rows are not "
        + "verified in their time (every target is checked by the benchmark afterwards). The backup paths include the "
        + "capture (the fake Heroku runs pg_dump -Fc --no-acl --no-owner into a pipe, as Heroku does) and a download over "
        + "HTTPS at the fixed rate. \"server CPU\" is the CPU time of every PostgreSQL process during the run (source and "
        + "target share the server); \"machine busy\" the share of all cores not idle.\n");
    return b.toString();
  }

  private static void row(StringBuilder b, Bench.Method m, List<Bench.Run> r, double guide, int cores) {
    double med = median(r, Bench.Run::seconds);
    TreeSet<String> names = new TreeSet<>();
    r.forEach(x -> names.addAll(x.phases().keySet()));
    List<String> phases = new ArrayList<>();
    for (String n : names) {
      phases.add(String.format(Locale.ROOT, "%s %.2f", n, median(r, x -> x.phases().getOrDefault(n, 0.0))));
    }
    b.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2fx | %s | %.1f | %.0f %% | %s | %s |%n", cell(m.name()),
        med, min(r), max(r), guide / med, phases.isEmpty() ? "-" : String.join(", ", phases),
        median(r, x -> x.cpu().serverSeconds()),
        100 * median(r, x -> x.cpu().machineSeconds() > 0 ? x.cpu().machineBusySeconds() / x.cpu().machineSeconds() : 0),
        jvmCpu(r), mb(r.stream().mapToLong(Bench.Run::peakRssKb).max().orElse(-1))));
  }

  private static List<Map.Entry<Bench.Method, List<Bench.Run>>> section(Map<Bench.Method, List<Bench.Run>> runs,
      Bench.Section s) {
    return runs.entrySet().stream().filter(e -> e.getKey().section() == s).toList();
  }

  private static List<Bench.Run> find(List<Map.Entry<Bench.Method, List<Bench.Run>>> rows, String prefix) {
    return rows.stream().filter(e -> e.getKey().name().startsWith(prefix)).findFirst().orElseThrow().getValue();
  }

  private static String jvmCpu(List<Bench.Run> r) {
    double v = median(r, Bench.Run::jvmCpu);
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  /** A table cell: a {@code |} inside would end it. */
  private static String cell(String s) {
    return s.replace("|", "\\|");
  }

  private static String mb(long kb) {
    return kb > 0 ? (kb / 1024) + " MB" : "-";
  }

  static <T> double median(List<T> values, ToDoubleFunction<T> f) {
    double[] v = values.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double min(List<Bench.Run> r) {
    return r.stream().mapToDouble(Bench.Run::seconds).min().orElse(0);
  }

  private static double max(List<Bench.Run> r) {
    return r.stream().mapToDouble(Bench.Run::seconds).max().orElse(0);
  }
}
