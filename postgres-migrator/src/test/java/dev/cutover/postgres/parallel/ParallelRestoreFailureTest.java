package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How PARALLEL fails: clear errors, expected errors counted, cancellation, no leaked sessions, no secrets. */
@Tag("integration")
class ParallelRestoreFailureTest {
  private static final String SRC = LocalPg.unique("cut_par_fail_src");
  private static final String TGT = LocalPg.unique("cut_par_fail_tgt");
  @TempDir static Path dir;
  static Path archive;

  @BeforeAll
  static void source() {
    LocalPg.assumeAvailable("psql", "pg_dump");
    LocalPg.createDatabase(SRC);
    LocalPg.psql(SRC, "CREATE SCHEMA heroku_ext; CREATE EXTENSION hstore WITH SCHEMA heroku_ext;"
        + " CREATE TABLE public.items (id int PRIMARY KEY, h heroku_ext.hstore, pad text);"
        + " INSERT INTO public.items SELECT g, heroku_ext.hstore('k', g::text), md5(g::text) FROM generate_series(1, 400000) g");
    archive = dir.resolve("items.dump");
    LocalPg.tool("pg_dump", "-Fc", "-Z1", "-f", archive.toString(), SRC);
  }

  @AfterEach
  void noSessionLeft() throws Exception {
    String left = "";
    for (int i = 0; i < 300; i++) { // up to 30 s: a loaded machine closes sessions late
      left = LocalPg.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cutover-parallel-restore'").strip();
      if (left.equals("0")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(left).as("restore sessions still open").isEqualTo("0");
  }

  @AfterAll
  static void drop() {
    if (archive != null) {
      LocalPg.dropDatabase(SRC);
      LocalPg.dropDatabase(TGT);
    }
  }

  @Test
  void restore_objectAlreadyInTarget_failsNamingTheEntry() {
    LocalPg.createDatabase(TGT);
    LocalPg.psql(TGT, "CREATE TABLE public.items (x int)");

    assertThatThrownBy(() -> ParallelRestore.builder().build().restore(archive, LocalPg.connection(TGT)))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("TABLE public.items")
        .hasMessageContaining("already exists")
        .hasMessageContaining("CREATE TABLE public.items");
  }

  @Test
  void restore_herokuExtAlreadyInTarget_countsExpectedErrorAndSucceeds() {
    LocalPg.createDatabase(TGT);
    LocalPg.psql(TGT, "CREATE SCHEMA heroku_ext");

    RestoreResult result = ParallelRestore.builder().build().restore(archive, LocalPg.connection(TGT));

    assertThat(result.expectedErrors()).containsEntry("schema already exists", 1);
    assertThat(result.rowsRestored()).containsEntry("public.items", 400_000L);
    assertThat(LocalPg.psql(TGT, "SELECT h OPERATOR(heroku_ext.->) 'k' FROM public.items WHERE id = 7").strip()).isEqualTo("7");
  }

  @Test
  void restore_interruptedWhileLoading_cancelsAndRestoresFlag() {
    LocalPg.createDatabase(TGT);
    Thread caller = Thread.currentThread();
    MigrationListener interrupter = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        if (event.unit().equals("bytes") && event.done() > 0) {
          caller.interrupt();
        }
      }
    };

    try {
      assertThatThrownBy(() -> ParallelRestore.builder().listener(interrupter).build()
          .restore(archive, LocalPg.connection(TGT)))
          .isInstanceOf(MigrationCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void restore_truncatedDataArea_failsAsCorrupt() throws IOException {
    byte[] full = Files.readAllBytes(archive);
    Path cut = dir.resolve("cut.dump");
    Files.write(cut, Arrays.copyOf(full, full.length - 4000));
    LocalPg.createDatabase(TGT);

    assertThatThrownBy(() -> ParallelRestore.builder().build().restore(cut, LocalPg.connection(TGT)))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("TABLE DATA public.items");
  }

  @Test
  void restore_unreachableTargetWithPassword_failsWithoutTheSecret() {
    String canary = "canary-Secret-4711";
    Redactor redactor = Redactor.create();
    PgConnection target = new PgConnection("127.0.0.1", 1, TGT, "postgres", Secret.of(canary), "disable");

    assertThatThrownBy(() -> ParallelRestore.builder().redactor(redactor).build().restore(archive, target))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining("cannot connect")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(canary))
        .satisfies(e -> assertThat(e.toString()).doesNotContain(canary));
  }

  @Test
  void build_badOptions_oneValidationExceptionWithEveryProblem() {
    assertThatThrownBy(() -> ParallelRestore.builder().jobs(0).splitTablesLargerThan(0).maintenanceWorkMemMb(0).build())
        .isInstanceOf(ValidationException.class)
        .satisfies(e -> assertThat(((ValidationException) e).problems()).extracting(ValidationException.Problem::field)
            .containsExactly("jobs", "splitTablesLargerThan", "maintenanceWorkMemMb"));
  }

  @Test
  void restore_missingArchive_failsBeforeConnecting() {
    assertThatThrownBy(() -> ParallelRestore.builder().build().restore(dir.resolve("none.dump"),
        new PgConnection("127.0.0.1", 1, "x", "u", Secret.of("p"), "disable")))
        .isInstanceOf(PgToolException.class).hasMessageContaining("archive not found");
  }
}
