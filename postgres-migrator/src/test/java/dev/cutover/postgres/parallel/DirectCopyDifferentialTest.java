package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIRECT against {@code pg_dump | pg_restore --no-owner --no-acl} on the tricky databases: both targets must
 * be identical (schema, every row, sequences, large objects).
 */
@Tag("integration")
class DirectCopyDifferentialTest {
  private static final String SRC = LocalPg.unique("cut_dir_diff_src");
  private static final String REF = LocalPg.unique("cut_dir_diff_ref");
  private static final String DIR = LocalPg.unique("cut_dir_diff_dir");
  @TempDir static Path dir;
  static boolean created;

  @BeforeAll
  static void source() throws IOException {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore");
    created = true;
    LocalPg.createDatabase(SRC);
    Path sql = dir.resolve("tricky.sql");
    try (var in = DirectCopyDifferentialTest.class.getResourceAsStream("tricky.sql")) {
      Files.copy(in, sql);
    }
    LocalPg.psqlFile(SRC, sql);
  }

  @AfterAll
  static void drop() {
    if (created) {
      for (String db : List.of(SRC, REF, DIR)) {
        LocalPg.dropDatabase(db);
      }
    }
  }

  /** The reference: {@code pg_dump -Fc | pg_restore --no-owner --no-acl}, no file in between. */
  static DbSnapshot reference(String source) throws SQLException {
    LocalPg.createDatabase(REF);
    LocalPg.run(List.of("sh", "-c", "pg_dump -Fc " + source + " | pg_restore --no-owner --no-acl -d " + REF));
    return DbSnapshot.of(REF);
  }

  private static RestoreResult direct(String source, DirectCopy copy) {
    LocalPg.createDatabase(DIR);
    return copy.copy(LocalPg.connection(source), LocalPg.connection(DIR), CopyJournal.inMemory());
  }

  @Test
  void copy_trickyDatabase_equalsPgDumpPipedToPgRestore() throws SQLException {
    List<MigrationEvent> events = new CopyOnWriteArrayList<>();
    MigrationListener listener = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        events.add(event);
      }

      @Override
      public void output(MigrationEvent.Output event) {
        events.add(event);
      }
    };

    RestoreResult result = direct(SRC, DirectCopy.builder().jobs(2).listener(listener).build());

    DbSnapshot expected = reference(SRC);
    DbSnapshot actual = DbSnapshot.of(DIR);
    assertThat(actual.schema()).isEqualTo(expected.schema());
    assertThat(actual.checksums()).isEqualTo(expected.checksums());
    assertThat(actual.sequences()).isEqualTo(expected.sequences());
    assertThat(actual.largeObjects()).isEqualTo(expected.largeObjects());
    assertThat(result.strategy()).isEqualTo(RestoreStrategy.DIRECT);
    assertThat(result.rowsRestored()).containsEntry("app.big", 60_000L).containsEntry("app.users", 2_000L)
        .containsEntry("app.empty_table", 0L).containsEntry("Mixed Case.Weird Table", 2L);
    assertThat(events).anyMatch(e -> e instanceof MigrationEvent.Output o && o.line().startsWith("app.big: 60,000 rows, "));
    assertThat(events).anyMatch(e -> e instanceof MigrationEvent.Progress p && p.unit().equals("bytes") && p.done() > 0);
  }

  @Test
  void copy_generatedTrickyDatabase_equalsPgDumpPipedToPgRestore() throws SQLException {
    String db = LocalPg.unique("cut_dir_diff_gen");
    LocalPg.createDatabase(db);
    try (TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(3_000).rolePrefix("cut_dir_").build()
        .generate(LocalPg.connection(db))) {
      RestoreResult result = direct(db, DirectCopy.builder().jobs(3).build());

      assertThat(DbSnapshot.of(DIR)).isEqualTo(reference(db));
      assertThat(result.rowsRestored()).containsEntry("public.users", 3_000L).containsEntry("public.invoices", 1_500L);
    } finally {
      LocalPg.dropDatabase(db);
    }
  }

  @Test
  void copy_splitTablesOverThreeConnectionsWithoutFreeze_equalsPgDumpPipedToPgRestore() throws SQLException {
    direct(SRC, DirectCopy.builder().jobs(3).splitTablesLargerThan(64 << 10).freeze(false).build());

    assertThat(DbSnapshot.of(DIR)).isEqualTo(reference(SRC));
  }
}
