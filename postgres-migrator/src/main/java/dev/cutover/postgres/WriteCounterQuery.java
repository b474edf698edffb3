package dev.cutover.postgres;

import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.WriteCounters;
import dev.cutover.core.PgToolException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads a database's own write counters in one read-only transaction: {@code xact_commit} and
 * {@code stats_reset} from {@code pg_stat_database}, {@code n_tup_ins/upd/del} of every user table
 * from {@code pg_stat_user_tables} (other sessions' temporary tables left out), and the other client
 * sessions from {@code pg_stat_activity}, Cutover's own ({@code application_name} {@code cutover…})
 * left out. The statistics snapshot is cleared first, so the values are the server's current ones.
 *
 * <p>Other sessions' counts reach these views late: from PostgreSQL 15 (shared-memory statistics)
 * a session flushes them at most once a second while busy, within 10 s once idle, and at once when
 * it disconnects; before 15 the statistics collector has its own delay. {@link WriteCounters#flushDelay()}
 * says how far apart two snapshots must be for the later one to see every write made before the
 * earlier one: 11 s while other client sessions are connected; on 15+ with none connected, every
 * session that wrote has flushed on its way out, and 1 s covers one that left the activity view an
 * instant before its exit flush. A snapshot's session commits twice (the server's own transaction when a connection
 * starts, and the read), flushing both before it ends ({@code pg_stat_force_next_flush()} on 15+);
 * {@link WriteCounters#since} subtracts them.
 */
final class WriteCounterQuery {
  private static final String STEP = "pg.write-counters";
  private static final Duration FLUSH_DELAY = Duration.ofSeconds(11);
  private static final Duration EXIT_FLUSH_DELAY = Duration.ofSeconds(1);

  private WriteCounterQuery() {}

  /** One snapshot of {@code database}. Blocks for a few milliseconds. */
  static WriteCounters read(PgConnection database) {
    try (Connection c = open(database)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("set transaction read only");
        st.execute("select pg_stat_clear_snapshot()");
        String name;
        Instant at;
        long commits;
        String reset;
        int version;
        try (ResultSet rs = st.executeQuery("select current_database(), now(), d.xact_commit,"
            + " coalesce(d.stats_reset::text, ''), current_setting('server_version_num')::int"
            + " from pg_stat_database d where d.datname = current_database()")) {
          rs.next();
          name = rs.getString(1);
          at = rs.getTimestamp(2).toInstant();
          commits = rs.getLong(3);
          reset = rs.getString(4);
          version = rs.getInt(5);
        }
        Map<String, WriteCounters.TableWrites> tables = new LinkedHashMap<>();
        try (ResultSet rs = st.executeQuery("select schemaname, relname, n_tup_ins, n_tup_upd, n_tup_del"
            + " from pg_stat_user_tables where schemaname !~ '^pg_(toast_)?temp_' order by 1, 2")) {
          while (rs.next()) {
            tables.put(rs.getString(1) + "." + rs.getString(2),
                new WriteCounters.TableWrites(rs.getLong(3), rs.getLong(4), rs.getLong(5)));
          }
        }
        List<String> sessions = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("select coalesce(usename, '?') || coalesce('@' || host(client_addr), '')"
            + " || coalesce(' (' || nullif(application_name, '') || ')', '') || ' ' || coalesce(state, 'unknown')"
            + " from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()"
            + " and backend_type = 'client backend' and coalesce(application_name, '') not like 'cutover%'"
            + " order by pid")) {
          while (rs.next()) {
            sessions.add(rs.getString(1));
          }
        }
        if (version >= 150000) {
          st.execute("select pg_stat_force_next_flush()");
        }
        c.commit();
        Duration delay = version >= 150000 && sessions.isEmpty() ? EXIT_FLUSH_DELAY : FLUSH_DELAY;
        return new WriteCounters(name, at, commits, reset, tables, sessions, delay);
      }
    } catch (SQLException e) {
      throw PgCli.failed(STEP, "reading the write counters", database, e);
    }
  }

  /**
   * A connection whose only transactions are the server's start-up one and the snapshot's: the
   * driver sends its session settings in the startup packet ({@code assumeMinServerVersion})
   * instead of as statements of their own, each of which would count as a commit.
   */
  private static Connection open(PgConnection database) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", database.user());
    props.setProperty("password", database.password().reveal());
    props.setProperty("ApplicationName", "cutover-write-counters");
    props.setProperty("assumeMinServerVersion", "10");
    props.setProperty("connectTimeout", "30");
    try {
      return DriverManager.getConnection(database.jdbcUrl(), props);
    } catch (SQLException e) {
      throw new PgToolException(STEP, STEP + ": cannot connect to " + database + " (SQLSTATE " + e.getSQLState()
          + "); check the host, port, credentials and that the database exists", true, null);
    }
  }
}
