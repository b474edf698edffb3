package dev.cutover.postgres.parallel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.postgres.parallel.LocalPg;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The benchmark at scale 1, once per method: correctness only (every target verified), no timing assertion. */
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
  void run_tinyScale_everyMethodRestoresTheSameDatabase() throws Exception {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore", "pgbench");

    String report = Bench.run(new Bench.Options(1, 1, 2, Path.of("unused.md"), true, List.of(), SRC, TGT, null));

    assertThat(report).contains("| guide: pg_restore -f data.sql, psql -f data.sql |").contains("| pg_restore -j 2 |")
        .contains("| Cutover PARALLEL (jobs 2) |")
        .contains("| verification against the live source (jobs 2) |")
        .contains("| verification against the backup archive (jobs 2) |")
        .contains("content verification against the live source:");
  }
}
