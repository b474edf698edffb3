package dev.cutover.postgres.parallel;

import dev.cutover.core.model.PgConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * One read-only connection to the source database, inside a {@code REPEATABLE READ, READ ONLY}
 * transaction on a shared snapshot: the first one exports it ({@code pg_export_snapshot()}), the others
 * join it ({@code SET TRANSACTION SNAPSHOT}), so every table is read as of the same instant. The session
 * is read-only twice over ({@code default_transaction_read_only} and the transaction), and sets what
 * {@code pg_dump} sets for a faithful dump ({@code row_security = off}, ISO dates, exact floats). Used by
 * one thread at a time; {@link #cancel()} may come from another.
 */
final class SourceSession implements AutoCloseable {
  private final Connection connection;
  private final PGConnection pg;
  private final int serverVersion;
  private final String snapshot;

  private SourceSession(Connection connection, String snapshot) throws SQLException {
    this.connection = connection;
    this.pg = connection.unwrap(PGConnection.class);
    this.serverVersion = connection.getMetaData().getDatabaseMajorVersion() * 10000
        + connection.getMetaData().getDatabaseMinorVersion();
    this.snapshot = snapshot;
  }

  /** Opens the first session, whose transaction exports the snapshot the others join. */
  static SourceSession exporting(PgConnection source) throws SQLException {
    Connection c = connect(source, "cutover-direct-snapshot");
    try {
      begin(c);
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
        rs.next();
        return new SourceSession(c, rs.getString(1));
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  /** Opens a session that reads in {@code snapshot}, which the exporting session must still hold. */
  static SourceSession joining(PgConnection source, String snapshot) throws SQLException {
    Connection c = connect(source, "cutover-direct-source");
    try {
      begin(c);
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION SNAPSHOT " + literal(snapshot));
      }
      return new SourceSession(c, snapshot);
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private static Connection connect(PgConnection source, String applicationName) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", source.user());
    props.setProperty("password", source.password().reveal());
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("connectTimeout", "30");
    Connection c = DriverManager.getConnection(source.jdbcUrl(), props);
    try (Statement st = c.createStatement()) {
      List<String> settings = new ArrayList<>(List.of("SET default_transaction_read_only = on",
          "SET statement_timeout = 0", "SET lock_timeout = 0", "SET idle_in_transaction_session_timeout = 0",
          "SET row_security = off", "SET extra_float_digits = 3", "SET DateStyle = ISO",
          "SET IntervalStyle = postgres", "SET synchronize_seqscans = off"));
      if (c.getMetaData().getDatabaseMajorVersion() >= 17) {
        settings.add("SET transaction_timeout = 0");
      }
      for (String sql : settings) {
        st.execute(sql);
      }
    } catch (SQLException | RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  private static void begin(Connection c) throws SQLException {
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
  }

  /** The snapshot this session reads in (what {@code pg_dump --snapshot} and the other sessions join). */
  String snapshot() {
    return snapshot;
  }

  /** The server version as {@code server_version_num} (e.g. 150020). */
  int serverVersion() {
    return serverVersion;
  }

  /** Starts {@code COPY ... TO STDOUT}; read it to its end (or cancel it) before anything else on this session. */
  CopyOut copyOut(String sql) throws SQLException {
    return pg.getCopyAPI().copyOut(sql);
  }

  LargeObjectManager largeObjects() throws SQLException {
    return pg.getLargeObjectAPI();
  }

  Connection jdbc() {
    return connection;
  }

  void execute(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  /** Asks the server to cancel whatever this session runs. Safe from any thread. */
  void cancel() {
    try {
      pg.cancelQuery();
    } catch (SQLException ignored) {
      // best effort: the session is being abandoned anyway
    }
  }

  /** Ends the read-only transaction and closes the connection; throws nothing. */
  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing to do about a failing close; the server ends the transaction with the connection
    }
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
