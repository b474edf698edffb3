package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.spi.CopyJournal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every table of a direct copy comes from one instant of the source: a writer that keeps inserting into two
 * tables (in one transaction each time) and updating a third while the copy runs leaves no trace in the
 * target, and the two tables, copied at different times, agree. The copy itself only reads the source.
 */
@Tag("integration")
class DirectCopySnapshotTest {
  private static final String SRC = LocalPg.unique("cut_dir_snap_src");
  private static final String TGT = LocalPg.unique("cut_dir_snap_tgt");
  static boolean created;

  @BeforeAll
  static void source() {
    LocalPg.assumeAvailable("psql", "pg_dump");
    created = true;
    LocalPg.createDatabase(SRC);
    LocalPg.createDatabase(TGT);
    LocalPg.psql(SRC, """
        CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL, pad text);
        INSERT INTO big SELECT g, 0, repeat(md5(g::text), 4) FROM generate_series(1, 200000) g;
        CREATE TABLE orders (id int PRIMARY KEY, at timestamptz DEFAULT now());
        CREATE TABLE order_lines (order_id int PRIMARY KEY REFERENCES orders, qty int);
        INSERT INTO orders (id) SELECT g FROM generate_series(1, 100) g;
        INSERT INTO order_lines SELECT g, 1 FROM generate_series(1, 100) g;
        """);
  }

  @AfterAll
  static void drop() {
    if (created) {
      LocalPg.dropDatabase(SRC);
      LocalPg.dropDatabase(TGT);
    }
  }

  @Test
  void copyTo_writerCommitsDuringTheCopy_targetHoldsTheSnapshotOnly() throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong committed = new AtomicLong();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try (Connection c = LocalPg.jdbc(SRC); Statement st = c.createStatement()) {
        c.setAutoCommit(false);
        for (int id = 101; !stop.get(); id++) {
          st.execute("INSERT INTO orders (id) VALUES (" + id + ")");
          st.execute("INSERT INTO order_lines VALUES (" + id + ", " + id + ")");
          st.execute("UPDATE big SET v = v + 1 WHERE id = " + (1 + id % 200000));
          c.commit();
          committed.incrementAndGet();
        }
      } catch (Throwable e) {
        writerFailure.set(e);
      }
    }, "snapshot-test-writer");
    writer.start();
    try {
      waitFor(committed, 20);
      // The source sessions, seen from the server while the copy runs: no transaction id, share locks only.
      List<String> sourceSessions = new java.util.concurrent.CopyOnWriteArrayList<>();
      MigrationListener watcher = new MigrationListener() {
        @Override
        public void output(MigrationEvent.Output event) {
          if (sourceSessions.isEmpty()) {
            sourceSessions.add(LocalPg.psql("postgres", "SELECT count(*) || ' sessions, ' || count(backend_xid)"
                + " || ' with a transaction id' FROM pg_stat_activity WHERE datname = '" + SRC + "'"
                + " AND application_name LIKE 'cutover-direct-%'").strip());
            sourceSessions.add(LocalPg.psql("postgres", "SELECT string_agg(DISTINCT l.mode, ',') FROM pg_locks l"
                + " JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = '" + SRC + "'"
                + " AND a.application_name LIKE 'cutover-direct-%' AND l.locktype = 'relation'").strip());
          }
        }
      };
      // One connection: big first (largest), then the two small tables, well after the snapshot.
      try (DirectCopy.Snapshot snapshot = DirectCopy.builder().jobs(1).listener(watcher).build()
          .open(LocalPg.connection(SRC))) {
        long atOpen = committed.get();
        long[] seen = countsIn(snapshot.id());
        waitFor(committed, atOpen + 50);

        snapshot.copyTo(LocalPg.connection(TGT), CopyJournal.inMemory());

        waitFor(committed, committed.get() + 20);
        long[] copied = counts(TGT);
        assertThat(copied).as("orders, order lines, sum of big.v in the target").containsExactly(seen);
        assertThat(copied[0]).isEqualTo(copied[1]);
        assertThat(counts(SRC)[0]).as("the source went on changing").isGreaterThan(copied[0] + 50);
        assertThat(sourceSessions).containsExactly("2 sessions, 0 with a transaction id", "AccessShareLock");
      }
    } finally {
      stop.set(true);
      writer.join(TimeUnit.SECONDS.toMillis(30));
    }
    assertThat(writerFailure.get()).isNull();
  }

  /** Orders, order lines and {@code sum(big.v)} as seen in {@code snapshot}, from a session of the test's own. */
  private static long[] countsIn(String snapshot) throws SQLException {
    try (Connection c = LocalPg.jdbc(SRC); Statement st = c.createStatement()) {
      c.setAutoCommit(false);
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      st.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      long[] out = counts(st);
      c.rollback();
      return out;
    }
  }

  private static long[] counts(String database) throws SQLException {
    try (Connection c = LocalPg.jdbc(database); Statement st = c.createStatement()) {
      return counts(st);
    }
  }

  private static long[] counts(Statement st) throws SQLException {
    List<Long> out = new ArrayList<>();
    for (String sql : List.of("SELECT count(*) FROM orders", "SELECT count(*) FROM order_lines",
        "SELECT sum(v) FROM big")) {
      try (ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        out.add(rs.getLong(1));
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  private static void waitFor(AtomicLong counter, long atLeast) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (counter.get() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the writer committed only " + counter.get() + " transactions");
      }
      Thread.sleep(5);
    }
  }
}
