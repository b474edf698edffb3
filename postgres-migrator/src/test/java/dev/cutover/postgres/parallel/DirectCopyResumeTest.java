package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.spi.CopyJournal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A direct copy that dies mid-way (its target connections killed, or its thread interrupted) continues from
 * its journal: the tables it finished are checked and not copied again, and the result equals a copy that
 * never failed.
 */
@Tag("integration")
class DirectCopyResumeTest {
  private static final String SRC = LocalPg.unique("cut_dir_res_src");
  private static final String REF = LocalPg.unique("cut_dir_res_ref");
  private static final String TGT = LocalPg.unique("cut_dir_res_tgt");
  private static final List<String> TABLES = List.of("t1", "t2", "t3", "t4", "t5", "t6");
  static boolean created;

  @BeforeAll
  static void source() {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore");
    created = true;
    LocalPg.createDatabase(SRC);
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < TABLES.size(); i++) {
      String t = TABLES.get(i);
      // Different sizes, so one connection copies them largest first, one after the other.
      sql.append("CREATE TABLE ").append(t).append(" (id int PRIMARY KEY, pad text, ref int);")
          .append("INSERT INTO ").append(t).append(" SELECT g, repeat(md5(g::text), 3), g % 100 FROM generate_series(1, ")
          .append(60_000 - i * 8_000).append(") g;")
          .append("CREATE INDEX ON ").append(t).append(" (ref);");
    }
    sql.append("CREATE SEQUENCE s START 5; SELECT nextval('s'), nextval('s');");
    LocalPg.psql(SRC, sql.toString());
    LocalPg.createDatabase(REF);
    LocalPg.run(List.of("sh", "-c", "pg_dump -Fc " + SRC + " | pg_restore --no-owner --no-acl -d " + REF));
  }

  @AfterAll
  static void drop() {
    if (created) {
      for (String db : List.of(SRC, REF, TGT)) {
        LocalPg.dropDatabase(db);
      }
    }
  }

  /** Kills the copy's target connections once {@code after} tables are in. */
  private static MigrationListener killTargetAfter(int after, AtomicInteger tablesDone) {
    return new MigrationListener() {
      @Override
      public void output(MigrationEvent.Output event) {
        if (event.line().matches("public\\.t\\d: .* rows, .*") && tablesDone.incrementAndGet() == after) {
          LocalPg.psql("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + TGT
              + "' AND application_name = 'cutover-direct-target'");
        }
      }
    };
  }

  @Test
  void copyTo_targetConnectionsKilledMidCopy_resumeSkipsFinishedTablesAndEqualsReference() throws Exception {
    LocalPg.createDatabase(TGT);
    CopyJournal journal = CopyJournal.inMemory();
    AtomicInteger tablesDone = new AtomicInteger();
    DirectCopy dying = DirectCopy.builder().jobs(1).listener(killTargetAfter(2, tablesDone)).build();

    assertThatThrownBy(() -> dying.copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal))
        .isInstanceOf(PgToolException.class);
    List<String> finishedFirst = tablesIn(journal);
    assertThat(journal.entries().get(0).item()).isEqualTo("pre-data");
    assertThat(finishedFirst).hasSizeGreaterThanOrEqualTo(2).hasSizeLessThan(TABLES.size());
    int entriesBefore = journal.entries().size();

    RestoreResult resumed = DirectCopy.builder().jobs(2).build()
        .copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal);

    assertThat(DbSnapshot.of(TGT)).isEqualTo(DbSnapshot.of(REF));
    // The second attempt recorded only what the first had not finished...
    List<String> finishedSecond = tablesIn(journal.entries().subList(entriesBefore, journal.entries().size()));
    assertThat(finishedSecond).doesNotContainAnyElementsOf(finishedFirst);
    assertThat(finishedFirst.size() + finishedSecond.size()).isEqualTo(TABLES.size());
    assertThat(resumed.warnings()).anyMatch(w -> w.startsWith("resumed: "));
    assertThat(resumed.rowsRestored()).containsEntry("public.t1", 60_000L).hasSize(TABLES.size());
    // ...and the server saw each finished table's rows inserted once: it was not copied again.
    Map<String, Long> inserted = tuplesInserted(TGT);
    for (String item : finishedFirst) {
      String table = item.substring("TABLE DATA public.".length());
      assertThat(inserted.get(table)).as(table).isEqualTo(resumed.rowsRestored().get("public." + table));
    }
  }

  @Test
  void copyTo_interruptedThenResumed_equalsReference() throws Exception {
    LocalPg.createDatabase(TGT);
    CopyJournal journal = CopyJournal.inMemory();
    Thread copier = Thread.currentThread();
    AtomicInteger tablesDone = new AtomicInteger();
    MigrationListener interrupter = new MigrationListener() {
      @Override
      public void output(MigrationEvent.Output event) {
        if (event.line().matches("public\\.t\\d: .*") && tablesDone.incrementAndGet() == 1) {
          copier.interrupt();
        }
      }
    };

    assertThatThrownBy(() -> DirectCopy.builder().jobs(1).listener(interrupter).build()
        .copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal))
        .isInstanceOf(MigrationCancelledException.class);
    assertThat(Thread.interrupted()).isTrue();
    assertThat(tablesIn(journal)).isNotEmpty();

    DirectCopy.builder().jobs(2).build().copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal);

    assertThat(DbSnapshot.of(TGT)).isEqualTo(DbSnapshot.of(REF));
  }

  @Test
  void copyTo_finishedTableChangedOnTheTarget_refusesToContinue() throws Exception {
    LocalPg.createDatabase(TGT);
    CopyJournal journal = CopyJournal.inMemory();
    AtomicInteger tablesDone = new AtomicInteger();
    assertThatThrownBy(() -> DirectCopy.builder().jobs(1).listener(killTargetAfter(1, tablesDone)).build()
        .copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal)).isInstanceOf(PgToolException.class);
    String finished = tablesIn(journal).get(0).substring("TABLE DATA ".length());
    LocalPg.psql(TGT, "DELETE FROM " + finished + " WHERE id = 1");

    assertThatThrownBy(() -> DirectCopy.builder().build().copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal))
        .isInstanceOf(PgToolException.class)
        .hasMessageContaining(finished + " was copied by the interrupted attempt with")
        .hasMessageContaining("replaceExisting");
  }

  @Test
  void copyTo_sourceSchemaChangedSinceTheInterruptedCopy_refusesToContinue() {
    LocalPg.createDatabase(TGT);
    CopyJournal journal = CopyJournal.inMemory();
    AtomicInteger tablesDone = new AtomicInteger();
    assertThatThrownBy(() -> DirectCopy.builder().jobs(1).listener(killTargetAfter(1, tablesDone)).build()
        .copy(LocalPg.connection(SRC), LocalPg.connection(TGT), journal)).isInstanceOf(PgToolException.class);
    LocalPg.psql(SRC, "COMMENT ON TABLE t6 IS 'changed in between'");
    try {
      assertThatThrownBy(() -> DirectCopy.builder().build().copy(LocalPg.connection(SRC), LocalPg.connection(TGT),
          journal)).isInstanceOf(PgToolException.class).hasMessageContaining("the source's schema changed");
    } finally {
      LocalPg.psql(SRC, "COMMENT ON TABLE t6 IS NULL");
    }
  }

  private static List<String> tablesIn(CopyJournal journal) {
    return tablesIn(journal.entries());
  }

  private static List<String> tablesIn(List<CopyJournal.Entry> entries) {
    List<String> out = new ArrayList<>();
    for (CopyJournal.Entry e : entries) {
      if (e.item().startsWith("TABLE DATA ")) {
        out.add(e.item());
      }
    }
    return out;
  }

  /** {@code pg_stat_user_tables.n_tup_ins} by table, once the copy's sessions have reported them. */
  private static Map<String, Long> tuplesInserted(String database) throws SQLException, InterruptedException {
    Map<String, Long> out = new TreeMap<>();
    try (Connection c = LocalPg.jdbc(database); Statement st = c.createStatement()) {
      for (int attempt = 0; attempt < 50; attempt++) {
        out.clear();
        st.execute("SELECT pg_stat_clear_snapshot()");
        try (ResultSet rs = st.executeQuery("SELECT relname, n_tup_ins FROM pg_stat_user_tables")) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getLong(2));
          }
        }
        if (out.values().stream().allMatch(n -> n > 0) && out.size() >= TABLES.size()) {
          return out;
        }
        Thread.sleep(100);
      }
    }
    return out;
  }
}
