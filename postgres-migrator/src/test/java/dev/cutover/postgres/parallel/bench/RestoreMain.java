package dev.cutover.postgres.parallel.bench;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.postgres.PgMigrator;
import dev.cutover.postgres.archive.IncomingArchive;
import dev.cutover.postgres.parallel.FakeBackups;
import dev.cutover.postgres.parallel.ParallelRestore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One Cutover method of the benchmark in its own JVM, so its peak RSS is its own. Prints one line on stdout:
 * {@code seconds=<wall> vmhwm_kb=<peak RSS> rows=<rows> cpu_seconds=<JVM CPU> phases=<name:seconds,...>}.
 *
 * <p>Usage:
 * <ul>
 *   <li>{@code RestoreMain ARCHIVE DATABASE [JOBS] [SPLIT_BYTES] [FREEZE]}: the {@code ParallelRestore} engine alone;
 *   <li>{@code RestoreMain --pgmigrator STRATEGY ARCHIVE DATABASE [JOBS]}: {@code PgMigrator.restore};
 *   <li>{@code RestoreMain --direct SOURCE TARGET JOBS}: {@code PgMigrator.copyDirect}, then {@code verify};
 *   <li>{@code RestoreMain --verification ARCHIVE SOURCE TARGET JOBS}: {@code PgMigrator.restore} PARALLEL, then
 *       the content verification of that target against the live source and against the archive, each timed;
 *   <li>{@code RestoreMain --backup-path sequential|overlap API_URL APP CA_PEM SOURCE TARGET JOBS WORK_DIR}: a
 *       backup captured on the fake Heroku (API key in {@code CUTOVER_BENCH_HEROKU_API_KEY}), downloaded,
 *       restored with PARALLEL (after the download, or while it downloads), then {@code verify}.
 * </ul>
 * Databases are on {@code PGHOST}/{@code PGPORT}/{@code PGUSER} (default 127.0.0.1:5432, postgres), password
 * {@code PGPASSWORD}. A failed verification exits with status 3.
 */
public final class RestoreMain {
  private RestoreMain() {}

  public static void main(String[] args) throws Exception {
    try {
      System.out.println(run(args, Secret.of(System.getenv().getOrDefault("CUTOVER_BENCH_HEROKU_API_KEY", "-"))));
    } catch (VerificationFailed e) {
      System.err.println(e.getMessage());
      System.exit(3);
    }
  }

  /** A verification that did not pass. */
  static final class VerificationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    VerificationFailed(String message) {
      super(message);
    }
  }

  /** Runs one method in this JVM; returns the line {@link #main} prints. {@code herokuKey}: the fake's API key. */
  static String run(String[] args, Secret herokuKey) throws Exception {
    long t0 = System.nanoTime();
    Map<String, Double> phases = new LinkedHashMap<>();
    long rows = switch (args[0]) {
      case "--pgmigrator" -> migrator(Integer.parseInt(arg(args, 4, "2"))).restore(Path.of(args[2]), target(args[3]),
          RestoreStrategy.valueOf(args[1]), false, MigrationListener.NONE).totalRows();
      case "--direct" -> direct(args[1], args[2], Integer.parseInt(args[3]), phases);
      case "--verification" -> verification(args[1], args[2], args[3], Integer.parseInt(args[4]), phases);
      case "--backup-path" -> backupPath(args, herokuKey, phases);
      default -> engine(args);
    };
    double seconds = (System.nanoTime() - t0) / 1e9;
    StringBuilder p = new StringBuilder();
    phases.forEach((k, v) -> p.append(p.length() == 0 ? "" : ",").append(k).append(':')
        .append(String.format(Locale.ROOT, "%.3f", v)));
    return String.format(Locale.ROOT, "seconds=%.3f vmhwm_kb=%d rows=%d cpu_seconds=%.2f phases=%s", seconds, vmHwmKb(),
        rows, cpuSeconds(), p.length() == 0 ? "-" : p);
  }

  private static String arg(String[] args, int i, String otherwise) {
    return args.length > i ? args[i] : otherwise;
  }

  private static long engine(String[] args) {
    ParallelRestore.Builder b = ParallelRestore.builder().jobs(Integer.parseInt(arg(args, 2, "2")));
    if (args.length > 3) {
      b.splitTablesLargerThan(Long.parseLong(args[3]));
    }
    if (args.length > 4) {
      b.freeze(Boolean.parseBoolean(args[4]));
    }
    return b.build().restore(Path.of(args[0]), target(args[1])).totalRows();
  }

  private static PgMigrator migrator(int jobs) {
    return PgMigrator.builder().jobs(jobs).build();
  }

  private static long direct(String source, String target, int jobs, Map<String, Double> phases) {
    PgMigrator pg = migrator(jobs);
    // Preflight first, as a migration runs it before maintenance (in the wall time, not in the copy phase).
    pg.checkCanCopyDirect(target(source));
    long t = System.nanoTime();
    RestoreResult r = pg.copyDirect(target(source), target(target), false, CopyJournal.inMemory(), MigrationListener.NONE);
    t = lap(phases, "copy", t);
    verify(pg, target, source, r);
    lap(phases, "verify", t);
    return r.totalRows();
  }

  /**
   * The PARALLEL restore of {@code archive}, then, on that target, the source's settings carried over and
   * the content verification against the live source and against the archive, each timed.
   */
  private static long verification(String archive, String source, String target, int jobs, Map<String, Double> phases) {
    PgMigrator pg = migrator(jobs);
    long t = System.nanoTime();
    RestoreResult r = pg.restore(Path.of(archive), target(target), RestoreStrategy.PARALLEL, false,
        MigrationListener.NONE);
    t = lap(phases, "restore", t);
    pg.copyDatabaseSettings(target(source), target(target));
    t = lap(phases, "settings", t);
    passed(pg.verify(VerificationRequest.of(target(target)).source(target(source))), target);
    t = lap(phases, "verify-source", t);
    passed(pg.verify(VerificationRequest.of(target(target)).archive(Path.of(archive))), target);
    lap(phases, "verify-archive", t);
    return r.totalRows();
  }

  private static void passed(VerificationReport report, String target) {
    if (!report.contentVerified()) {
      throw new VerificationFailed("verification of " + target + " failed: " + report.describeMismatches());
    }
  }

  private static long backupPath(String[] args, Secret key, Map<String, Double> phases) throws Exception {
    boolean overlap = args[1].equals("overlap");
    String apiUrl = args[2];
    String app = args[3];
    Path ca = Path.of(args[4]);
    String source = args[5];
    String target = args[6];
    PgMigrator pg = migrator(Integer.parseInt(args[7]));
    Path file = Files.createTempDirectory(Path.of(args[8]), "backup-").resolve("latest.dump");
    long t = System.nanoTime();
    String url = FakeBackups.capture(apiUrl, key, app);
    t = lap(phases, "capture", t);
    IncomingArchive incoming = IncomingArchive.of(file);
    RestoreResult r;
    if (overlap) {
      CompletableFuture<Long> download = CompletableFuture.supplyAsync(() -> downloaded(url, ca, file, incoming));
      r = pg.restoreWhileDownloading(file, download, target(target), RestoreStrategy.PARALLEL, false,
          CopyJournal.inMemory(), MigrationListener.NONE);
      phases.put("download", 0.0);
      t = lap(phases, "download+restore", t);
    } else {
      downloaded(url, ca, file, incoming);
      t = lap(phases, "download", t);
      r = pg.restore(file, target(target), RestoreStrategy.PARALLEL, false, MigrationListener.NONE);
      t = lap(phases, "restore", t);
    }
    verify(pg, target, source, r);
    lap(phases, "verify", t);
    Files.deleteIfExists(file);
    Files.deleteIfExists(file.getParent());
    return r.totalRows();
  }

  private static long downloaded(String url, Path ca, Path file, IncomingArchive incoming) {
    long n = FakeBackups.download(url, ca, file, incoming);
    if (n < 0) {
      throw new IllegalStateException("the download failed: " + incoming);
    }
    return n;
  }

  /** As a migration verifies: the source's settings (and revocations) carried over, then the content checked. */
  private static void verify(PgMigrator pg, String target, String source, RestoreResult r) {
    pg.copyDatabaseSettings(target(source), target(target));
    VerificationReport report = pg.verify(target(target), target(source), r);
    if (!report.passed()) {
      throw new VerificationFailed("verification of " + target + " failed: " + report.describeMismatches());
    }
  }

  private static long lap(Map<String, Double> phases, String name, long since) {
    long now = System.nanoTime();
    phases.put(name, (now - since) / 1e9);
    return now;
  }

  /** CPU time of this whole JVM (all threads, JIT and GC included), in seconds. */
  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  static PgConnection target(String database) {
    return new PgConnection(System.getenv().getOrDefault("PGHOST", "127.0.0.1"),
        Integer.parseInt(System.getenv().getOrDefault("PGPORT", "5432")), database,
        System.getenv().getOrDefault("PGUSER", "postgres"),
        Secret.of(System.getenv().getOrDefault("PGPASSWORD", "-none-")), "disable");
  }

  /** Peak resident set size of this JVM (VmHWM), in KiB; -1 where /proc is missing. */
  static long vmHwmKb() throws java.io.IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
