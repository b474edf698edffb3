package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.model.WriteCounters;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The write-counter snapshots against the local server, with writers that are real sessions: this
 * test's own, and FakeHeroku's worker dyno writing until its formation says 0.
 */
@Tag("integration")
class WriteCountersIntegrationTest {
  private final PgMigrator pg = PgMigrator.builder().build();
  private TestDatabase db;

  @BeforeEach
  void create() throws Exception {
    db = LocalServer.require().createDatabase("cut_writes_");
    exec("create table public.orders (id bigserial primary key, total int)",
        "create table public.events (id bigserial primary key, kind text)",
        "insert into public.orders (total) select g from generate_series(1, 10) g");
  }

  @AfterEach
  void drop() {
    if (db != null) {
      db.close();
    }
  }

  private WriteCounters snapshot() {
    return pg.writeCounters(db.connection()).orElseThrow();
  }

  /** Runs {@code sql} in one session that flushes its counts before it ends (as a finished worker's would be). */
  private void exec(String... sql) throws Exception {
    try (Connection c = PgFixture.open(db.connection()); Statement st = c.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
      st.execute("select pg_stat_force_next_flush()");
    }
  }

  /** Snapshots until {@code done} holds for the comparison with {@code base}, within the flush delay. */
  private WriteCounters.Comparison awaitSince(WriteCounters base, Predicate<WriteCounters.Comparison> done)
      throws Exception {
    long deadline = System.nanoTime() + base.flushDelay().plusSeconds(5).toNanos();
    WriteCounters.Comparison c = snapshot().since(base);
    while (!done.test(c)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not seen within " + base.flushDelay() + ": " + c.describe());
      }
      Thread.sleep(100);
      c = snapshot().since(base);
    }
    return c;
  }

  @Test
  void since_nothingWritten_frozenAndOurOwnSnapshotsNotCounted() {
    WriteCounters a = snapshot();
    WriteCounters b = snapshot();
    WriteCounters c = snapshot();

    WriteCounters.Comparison ab = b.since(a);
    assertThat(ab.frozen()).as(ab.describe()).isTrue();
    assertThat(ab.written()).isEmpty();
    assertThat(c.since(b).otherCommits()).as("the snapshots' own commits are left out").isZero();
    assertThat(a.tables()).containsKeys("public.orders", "public.events");
    assertThat(a.tables().get("public.orders").inserted()).isEqualTo(10);
    assertThat(a.otherSessions()).noneMatch(s -> s.contains("cutover"));
    assertThat(a.database()).isEqualTo(db.connection().database());
  }

  @Test
  void since_rowsWrittenByAnotherSession_namesEachTableWithItsCounts() throws Exception {
    WriteCounters before = snapshot();
    exec("insert into public.events (kind) values ('a'), ('b'), ('c')", "update public.orders set total = 0 where id <= 2",
        "delete from public.orders where id = 10");

    WriteCounters.Comparison c = snapshot().since(before);

    assertThat(c.frozen()).isFalse();
    assertThat(c.written()).containsExactly(new WriteCounters.WrittenTable("public.events", 3, 0, 0),
        new WriteCounters.WrittenTable("public.orders", 0, 2, 1));
    assertThat(c.tablesChanged()).containsExactly("public.events", "public.orders");
    assertThat(c.otherCommits()).isPositive();
    assertThat(c.describe()).contains("public.events (+3 inserted)").contains("public.orders (2 updated, 1 deleted)");
  }

  @Test
  void since_tableCreatedOrStatisticsReset_notFrozen() throws Exception {
    WriteCounters before = snapshot();
    exec("create table public.late (id int)");
    WriteCounters.Comparison created = snapshot().since(before);
    assertThat(created.created()).containsExactly("public.late");
    assertThat(created.frozen()).isFalse();

    WriteCounters again = snapshot();
    exec("select pg_stat_reset()");
    WriteCounters.Comparison reset = snapshot().since(again);
    assertThat(reset.countersReset()).isTrue();
    assertThat(reset.frozen()).isFalse();
    assertThat(reset.describe()).contains("cannot be proven");
  }

  @Test
  void since_fakeHerokuWorker_namedWhileItWritesFrozenAfterScalingToZeroNamedAgainWhenRestored() throws Exception {
    try (FakeHeroku fake = FakeHeroku.start()) {
      fake.app("writer-app").postgres(db.connection())
          .formation("worker", 1, "Standard-1X", "node worker.js")
          .worker("worker", "insert into public.events (kind) values ('job done')");
      WriteCounters start = snapshot();

      WriteCounters.Comparison writing = awaitSince(start, c -> !c.written().isEmpty());
      assertThat(writing.tablesChanged()).containsExactly("public.events");
      assertThat(writing.otherSessions()).anySatisfy(s -> assertThat(s).contains("(fake-dyno)"));

      fake.app("writer-app").formation("worker", 0, "Standard-1X", "node worker.js");
      awaitNoDynos(fake);
      Thread.sleep(500);
      WriteCounters fenced = snapshot();
      // Longer than a busy session's one-second flush interval: any write still pending would show.
      Thread.sleep(1500);
      WriteCounters.Comparison frozen = snapshot().since(fenced);
      assertThat(frozen.frozen()).as(frozen.describe()).isTrue();
      assertThat(frozen.otherSessions()).noneMatch(s -> s.contains("fake-dyno"));

      fake.app("writer-app").formation("worker", 1, "Standard-1X", "node worker.js");
      WriteCounters.Comparison again = awaitSince(fenced, c -> !c.written().isEmpty());
      assertThat(again.tablesChanged()).containsExactly("public.events");
    }
  }

  private static void awaitNoDynos(FakeHeroku fake) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!fake.app("writer-app").dynos().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the worker dyno still runs: " + fake.app("writer-app").dynos());
      }
      Thread.sleep(50);
    }
  }

  @Test
  void flushDelay_anotherSessionConnected_isTheIdleFlushDelay() throws Exception {
    try (Connection other = PgFixture.open(db.connection()); Statement st = other.createStatement()) {
      st.execute("insert into public.events (kind) values ('pending')"); // counted, not yet flushed: the session stays
      WriteCounters s = snapshot();

      assertThat(s.otherSessions()).as("the session that stays connected").hasSize(1);
      assertThat(s.flushDelay()).isEqualTo(Duration.ofSeconds(11));
    }
  }

  @Test
  void flushDelay_noOtherSession_isOneSecond_andAWriterThatJustLeftIsSeenWithinIt() throws Exception {
    WriteCounters base = snapshot();
    try (Connection other = PgFixture.open(db.connection()); Statement st = other.createStatement()) {
      st.execute("insert into public.events (kind) select 'left' from generate_series(1, 3)"); // no forced flush
    }
    WriteCounters first = snapshot();
    Thread.sleep(first.flushDelay().toMillis());
    WriteCounters.Comparison c = snapshot().since(base);

    assertThat(first.otherSessions()).as("the writer has disconnected").isEmpty();
    assertThat(first.flushDelay()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.frozen()).isFalse();
    assertThat(c.describe()).contains("public.events");
  }
}
