package dev.cutover.postgres.parallel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.postgres.parallel.LocalPg;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The benchmark at scale 1, once per method, Cutover's in this JVM: correctness only (every target checked
 * against the source, every Cutover method verified), no timing assertion.
 */
@Tag("integration")
class BenchSmokeTest {
  private static final String SRC = LocalPg.unique("cut_par_bench_src");
  private static final String TGT = LocalPg.unique("cut_par_bench_tgt");

  @AfterAll
  static void drop() {
    LocalPg.dropDatabase(SRC);
    LocalPg.dropDatabase(TGT);
  }

  @Test
  void run_tinyScale_everyMethodMovesTheSameDatabase() throws Exception {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore", "pgbench", "pgcopydb", "setsid", "bash");

    String report = Bench.run(new Bench.Options(1, 1, 2, Path.of("unused.md"), true, List.of(), SRC, TGT, null, 0));

    assertThat(report)
        .contains("| guide: pg_dump -Fc, pg_restore -f data.sql, psql -f data.sql |", "| pg_dump -Fc, pg_restore -j 2 |",
            "| pg_dump -Fc \\| pg_restore |", "| pgcopydb clone (--table-jobs 2 --index-jobs 2) |",
            "| Cutover backup path: capture, download, PARALLEL restore, verify |",
            "| Cutover backup path, restoring while downloading, verify |", "| Cutover DIRECT (jobs 2), verify |",
            "| guide: pg_restore -f data.sql, psql -f data.sql |", "| pg_restore -j 2 |", "| Cutover PARALLEL (jobs 2) |")
        .contains("- DIRECT: ", "critical path ", " copied alone (",
            "- restoring while downloading: ")
        .contains("| Cutover PARALLEL, then content verification (jobs 2) |",
            "- content verification of the PARALLEL target, in the same runs");
  }
}
