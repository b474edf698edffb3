package dev.cutover.postgres.parallel;

import dev.cutover.core.model.PgConnection;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's critical path of a direct copy, measured piece by piece on an otherwise idle server: the
 * largest table's data copied alone, through DIRECT's own data path (a source {@code COPY ... TO STDOUT}
 * into a target {@code COPY ... FREEZE}, as the engine runs it), then each of its indexes and constraints
 * built alone as the engine builds the last one (with {@code jobs - 1} parallel workers). No schedule can
 * finish before the copy plus its slowest index.
 */
public final class CriticalPath {
  /**
   * What was measured.
   *
   * @param table the largest table (schema-qualified)
   * @param copySeconds its data, copied alone (one source and one target connection, the engine's connection
   *     set-up included: about 30 ms)
   * @param index the slowest of its index builds
   * @param indexSeconds that build, alone
   */
  public record Result(String table, long rows, double copySeconds, String index, double indexSeconds) {
    /** The copy plus the slowest index. */
    public double seconds() {
      return copySeconds + indexSeconds;
    }
  }

  private CriticalPath() {}

  /**
   * Measures on {@code target}, an empty database: gives it the source's pre-data schema, copies the
   * largest table, builds its indexes one by one.
   *
   * @param work a directory for the two schema dumps
   */
  public static Result measure(PgConnection source, PgConnection target, int jobs, Path work) throws Exception {
    Path pre = work.resolve("critical-pre.dump");
    Path post = work.resolve("critical-post.dump");
    Files.deleteIfExists(pre);
    Files.deleteIfExists(post);
    LocalPg.run(List.of("pg_dump", "-h", source.host(), "-p", "" + source.port(), "-U", source.user(), "-Fc",
        "--section=pre-data", "-f", pre.toString(), source.database()));
    LocalPg.run(List.of("pg_dump", "-h", source.host(), "-p", "" + source.port(), "-U", source.user(), "-Fc",
        "--section=post-data", "-f", post.toString(), source.database()));
    ParallelRestore engine = ParallelRestore.builder().jobs(1).build();
    engine.restore(pre, target);
    ArchiveToc preToc = ArchiveReader.readToc(pre);

    SourceSession s = SourceSession.exporting(source);
    SourceCatalog catalog = SourceCatalog.read(s);
    SourceCatalog.Table largest = catalog.tables().values().stream().filter(t -> t.relkind() == 'r')
        .max(Comparator.comparingLong(SourceCatalog.Table::bytes)).orElseThrow();
    TocEntry table = preToc.entries().stream().filter(e -> e.desc().equals("TABLE")
        && e.oid().equals(Long.toString(largest.oid()))).findFirst().orElseThrow();
    // The table's data entry alone, the pre-data counted as done: the engine runs just the COPY.
    DirectToc one = DirectToc.of(new ArchiveToc(preToc.header(), List.of(table), preToc.dataStart()),
        catalog, Map.of(), Map.of());
    long t0 = System.nanoTime();
    long rows;
    try (SourceData data = new SourceData(one, List.of(s), catalog.serverVersion(), Long.MAX_VALUE)) {
      rows = new RestoreEngine(engine, one.toc(), data, target, preDataDone(), dev.cutover.core.model.RestoreStrategy.DIRECT)
          .run().totalRows();
    }
    double copySeconds = (System.nanoTime() - t0) / 1e9;

    String slowest = "";
    double slowestSeconds = 0;
    try (Session t = Session.open(target, preToc, List.of("SET maintenance_work_mem = '64MB'",
        "SET max_parallel_maintenance_workers = " + (jobs - 1)), "cutover-critical-path")) {
      for (TocEntry e : indexesOf(ArchiveReader.readToc(post), table)) {
        long i0 = System.nanoTime();
        t.executeEntry(e, e.defn());
        double seconds = (System.nanoTime() - i0) / 1e9;
        if (seconds > slowestSeconds) {
          slowest = e.desc() + " " + e.tag();
          slowestSeconds = seconds;
        }
      }
    }
    return new Result(largest.schema() + "." + largest.name(), rows, copySeconds, slowest, slowestSeconds);
  }

  /** The post-data entries that build an index on {@code table}: its indexes, primary key, unique constraints. */
  private static List<TocEntry> indexesOf(ArchiveToc post, TocEntry table) {
    String on = "ON " + Sql.qualified(table.namespace(), table.tag()) + " ";
    String onOnly = "ON ONLY " + Sql.qualified(table.namespace(), table.tag()) + " ";
    List<TocEntry> out = new ArrayList<>();
    for (TocEntry e : post.entries()) {
      boolean index = e.desc().equals("INDEX") && (e.defn().contains(on) || e.defn().contains(onOnly));
      boolean constraint = e.desc().equals("CONSTRAINT") && e.namespace().equals(table.namespace())
          && e.tag().startsWith(table.tag() + " ");
      if (index || constraint) {
        out.add(e);
      }
    }
    return out;
  }

  private static Checkpoint preDataDone() {
    return new Checkpoint() {
      @Override
      public boolean preDataDone() {
        return true;
      }

      @Override
      public void preDataDone(java.util.Collection<Item> preData) {
        // not recorded
      }

      @Override
      public Set<Item> finished(Session leader, java.util.Collection<Item> pending) throws SQLException {
        return Set.of();
      }

      @Override
      public void finished(Item item, long rows) {
        // not recorded
      }
    };
  }
}
