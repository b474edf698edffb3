package dev.cutover.postgres.parallel.bench;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.postgres.PgMigrator;
import dev.cutover.postgres.parallel.ParallelRestore;
import dev.cutover.postgres.verify.DatabaseVerifier;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs one PARALLEL restore in its own JVM, for the benchmark: prints
 * {@code seconds=<restore wall time> vmhwm_kb=<peak RSS> rows=<rows>} on stdout.
 *
 * <p>Usage: {@code RestoreMain ARCHIVE DATABASE [JOBS] [SPLIT_BYTES] [FREEZE]} runs the engine
 * directly; {@code RestoreMain --pgmigrator STRATEGY ARCHIVE DATABASE [JOBS]} runs
 * {@code PgMigrator.restore} with that strategy; {@code RestoreMain --verify SOURCE_DATABASE|archive=ARCHIVE
 * DATABASE [JOBS]} verifies DATABASE against the live source database or the archive (and prints
 * {@code passed=} and {@code evidence=} too). Connects to
 * {@code PGHOST}/{@code PGPORT}/{@code PGUSER} (default 127.0.0.1:5432, postgres), password {@code PGPASSWORD}.
 */
public final class RestoreMain {
  private RestoreMain() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("--verify")) {
      VerificationRequest request = VerificationRequest.of(target(args[2]));
      request = args[1].startsWith("archive=") ? request.archive(Path.of(args[1].substring("archive=".length())))
          : request.source(target(args[1]));
      long t0 = System.nanoTime();
      VerificationReport r = DatabaseVerifier.builder().jobs(args.length > 3 ? Integer.parseInt(args[3]) : 2).build()
          .verify(request);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (!r.passed()) {
        System.err.println(r.describeMismatches());
      }
      System.out.printf("seconds=%.3f vmhwm_kb=%d rows=%d cpu_seconds=%.2f passed=%s evidence=%s%n", seconds, vmHwmKb(),
          r.totalRows(), cpuSeconds(), r.passed(), r.evidence());
      return;
    }
    if (args[0].equals("--pgmigrator")) {
      PgConnection target = target(args[3]);
      long t0 = System.nanoTime();
      RestoreResult r = PgMigrator.builder().jobs(args.length > 4 ? Integer.parseInt(args[4]) : 2).build()
          .restore(Path.of(args[2]), target, RestoreStrategy.valueOf(args[1]), false, MigrationListener.NONE);
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf("seconds=%.3f vmhwm_kb=%d rows=%d cpu_seconds=%.2f%n", seconds, vmHwmKb(), r.totalRows(),
          cpuSeconds());
      return;
    }
    Path archive = Path.of(args[0]);
    PgConnection target = target(args[1]);
    ParallelRestore.Builder b = ParallelRestore.builder().jobs(args.length > 2 ? Integer.parseInt(args[2]) : 2);
    if (args.length > 3) {
      b.splitTablesLargerThan(Long.parseLong(args[3]));
    }
    if (args.length > 4) {
      b.freeze(Boolean.parseBoolean(args[4]));
    }
    long t0 = System.nanoTime();
    RestoreResult r = b.build().restore(archive, target);
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("seconds=%.3f vmhwm_kb=%d rows=%d cpu_seconds=%.2f%n", seconds, vmHwmKb(), r.totalRows(), cpuSeconds());
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
