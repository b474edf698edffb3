package dev.cutover.postgres.parallel.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time of the PostgreSQL server (every {@code postgres} process: backends, parallel workers, WAL writer,
 * checkpointer) and of the whole machine, from {@code /proc}. Backends that exited are counted through the
 * postmaster's {@code cutime + cstime} (their parent reaped them), so the difference of two samples is what
 * the server used in between, whoever connected. Linux only; zero elsewhere.
 *
 * @param serverSeconds CPU seconds of the server's processes so far
 * @param machineBusySeconds CPU seconds the machine spent not idle (all cores)
 * @param machineSeconds CPU seconds the machine had (all cores)
 */
record PgCpu(double serverSeconds, double machineBusySeconds, double machineSeconds) {
  private static final double TICK = 100.0;

  static PgCpu sample() {
    double server = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        server += serverTicks(p);
      }
    } catch (IOException e) {
      return new PgCpu(0, 0, 0);
    }
    double busy = 0;
    double all = 0;
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      for (int i = 1; i < cpu.length && i <= 8; i++) {
        double v = Double.parseDouble(cpu[i]);
        all += v;
        if (i != 4 && i != 5) {
          busy += v;
        }
      }
    } catch (IOException | RuntimeException e) {
      // no machine totals
    }
    return new PgCpu(server / TICK, busy / TICK, all / TICK);
  }

  /** utime + stime of a {@code postgres} process, plus cutime + cstime when it is the postmaster. */
  private static double serverTicks(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"));
      int close = stat.lastIndexOf(')');
      String comm = stat.substring(stat.indexOf('(') + 1, close);
      if (!comm.equals("postgres") && !comm.startsWith("postgres:")) {
        return 0;
      }
      List<String> f = List.of(stat.substring(close + 2).split(" "));
      // Fields after the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17), numbered from 1.
      double ticks = Double.parseDouble(f.get(11)) + Double.parseDouble(f.get(12));
      String parent = comm(Path.of("/proc", f.get(1)));
      if (!parent.equals("postgres")) {
        ticks += Double.parseDouble(f.get(13)) + Double.parseDouble(f.get(14));
      }
      return ticks;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static String comm(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** What was used from {@code before} to this sample. */
  PgCpu minus(PgCpu before) {
    return new PgCpu(serverSeconds - before.serverSeconds, machineBusySeconds - before.machineBusySeconds,
        machineSeconds - before.machineSeconds);
  }
}
