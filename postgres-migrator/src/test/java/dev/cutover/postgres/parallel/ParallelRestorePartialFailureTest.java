package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.PgToolException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When one entry fails, PARALLEL restores everything that does not depend on it (tables, their data,
 * primary keys, foreign keys) and then fails listing the entry that failed and every entry it left out.
 */
@Tag("integration")
class ParallelRestorePartialFailureTest {
  private static final String SRC = LocalPg.unique("cut_par_part_src");
  private static final String TGT = LocalPg.unique("cut_par_part_tgt");
  @TempDir static Path dir;
  static Path archive;

  @BeforeAll
  static void source() {
    LocalPg.assumeAvailable("psql", "pg_dump");
    LocalPg.createDatabase(SRC);
    LocalPg.psql(SRC, "CREATE TABLE public.good (id int PRIMARY KEY, v text);"
        + " INSERT INTO public.good SELECT g, md5(g::text) FROM generate_series(1, 20000) g;"
        + " CREATE TABLE public.good_child (id int PRIMARY KEY, g int REFERENCES public.good (id));"
        + " INSERT INTO public.good_child SELECT g, g FROM generate_series(1, 5000) g;"
        // a CHECK that needs a session setting nobody restores: its COPY fails on the target
        + " CREATE TABLE public.bad (id int PRIMARY KEY, c text CHECK (current_setting('cutover.gate') = 'open'));"
        + " SET cutover.gate = 'open'; INSERT INTO public.bad SELECT g, 'x' FROM generate_series(1, 100) g;"
        + " CREATE INDEX bad_c ON public.bad (c);"
        + " CREATE TABLE public.bad_child (id int PRIMARY KEY, b int REFERENCES public.bad (id));"
        + " INSERT INTO public.bad_child SELECT g, g FROM generate_series(1, 100) g;");
    archive = dir.resolve("partial.dump");
    LocalPg.tool("pg_dump", "-Fc", "-Z1", "-f", archive.toString(), SRC);
  }

  @AfterAll
  static void drop() {
    if (archive != null) {
      LocalPg.dropDatabase(SRC);
      LocalPg.dropDatabase(TGT);
    }
  }

  @Test
  void restore_oneEntryFails_restoresTheRestAndListsWhatItLeftOut() {
    LocalPg.createDatabase(TGT);

    assertThatThrownBy(() -> ParallelRestore.builder().jobs(2).build().restore(archive, LocalPg.connection(TGT)))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("1 entry failed")
        .hasMessageContaining("TABLE DATA public.bad")
        .hasMessageContaining("cutover.gate")
        .hasMessageContaining("not restored")
        .hasMessageContaining("CONSTRAINT public.bad bad_pkey")
        .hasMessageContaining("INDEX public.bad_c")
        .hasMessageContaining("FK CONSTRAINT public.bad_child bad_child_b_fkey")
        .hasMessageContaining("partly restored");

    assertThat(LocalPg.psql(TGT, "SELECT count(*) FROM public.good").strip()).isEqualTo("20000");
    assertThat(LocalPg.psql(TGT, "SELECT count(*) FROM public.good_child").strip()).isEqualTo("5000");
    assertThat(LocalPg.psql(TGT, "SELECT count(*) FROM public.bad_child").strip()).isEqualTo("100");
    assertThat(LocalPg.psql(TGT, "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint "
        + "WHERE connamespace = 'public'::regnamespace").strip())
        .isEqualTo("bad_check,bad_child_pkey,good_child_g_fkey,good_child_pkey,good_pkey");
  }
}
