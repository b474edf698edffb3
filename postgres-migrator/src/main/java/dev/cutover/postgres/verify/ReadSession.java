package dev.cutover.postgres.verify;

import dev.cutover.core.PgToolException;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * One read-only connection for verification, with the session settings that make every value print
 * the same way on any server (so that text digests of the same rows agree): ISO dates in UTC, the
 * {@code postgres} interval style, shortest-exact floats, hex bytea, the C money format, and a
 * {@code search_path} of {@code pg_catalog} alone (so every other name prints schema-qualified).
 * JIT is off (chunk queries are short) and row security is off, so a policy can never hide rows:
 * a table it would filter fails the query instead. Used by one thread at a time; the caller closes it.
 */
final class ReadSession implements AutoCloseable {
  static final String STEP = "verify";

  /** The same on both sides of every comparison. */
  static final List<String> SETTINGS = List.of("SET DateStyle = 'ISO, YMD'", "SET IntervalStyle = 'postgres'",
      "SET extra_float_digits = 3", "SET bytea_output = 'hex'", "SET TimeZone = 'UTC'", "SET lc_monetary = 'C'",
      "SET search_path = pg_catalog", "SET jit = off", "SET row_security = off", "SET statement_timeout = 0",
      "SET lock_timeout = 0", "SET idle_in_transaction_session_timeout = 0", "SET temp_buffers = '64MB'");

  private final Connection connection;
  private final PgConnection where;
  private final int serverVersionNum;
  private boolean ownsTarget;

  private ReadSession(Connection connection, PgConnection where) throws SQLException {
    this.connection = connection;
    this.where = where;
    this.serverVersionNum = connection.getMetaData().getDatabaseMajorVersion() * 10000
        + connection.getMetaData().getDatabaseMinorVersion();
  }

  /**
   * Opens a session to {@code c} with the settings above.
   *
   * @throws PgToolException (retryable) when it cannot connect; the message holds no password
   */
  static ReadSession open(PgConnection c) {
    Properties props = new Properties();
    props.setProperty("user", c.user());
    props.setProperty("password", c.password().reveal());
    props.setProperty("ApplicationName", "cutover-verify");
    props.setProperty("connectTimeout", "30");
    props.setProperty("tcpKeepAlive", "true");
    Connection conn;
    try {
      conn = DriverManager.getConnection(c.jdbcUrl(), props);
    } catch (SQLException e) {
      throw new PgToolException(STEP, STEP + ": cannot connect to " + c + " (SQLSTATE " + e.getSQLState() + "): "
          + safe(e, c) + "; check the host, port, credentials and that the database exists", true, null);
    }
    try {
      ReadSession s = new ReadSession(conn, c);
      try (Statement st = conn.createStatement()) {
        for (String sql : SETTINGS) {
          st.execute(sql);
        }
      }
      return s;
    } catch (SQLException e) {
      closeQuietly(conn);
      throw s(e, "setting up the session", c);
    }
  }

  /** Starts a repeatable-read transaction (read-only unless told) and exports its snapshot for other sessions. */
  String exportSnapshot(boolean readOnly) throws SQLException {
    begin(readOnly);
    return string("SELECT pg_catalog.pg_export_snapshot()");
  }

  /** Starts a repeatable-read transaction on {@code snapshot} (from {@link #exportSnapshot}). */
  void joinSnapshot(String snapshot, boolean readOnly) throws SQLException {
    begin(readOnly);
    try (Statement st = connection.createStatement()) {
      st.execute("SET TRANSACTION SNAPSHOT '" + snapshot.replace("'", "''") + "'");
    }
  }

  private void begin(boolean readOnly) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement st = connection.createStatement()) {
      st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ" + (readOnly ? ", READ ONLY" : ""));
    }
  }

  /**
   * Marks this session as reading the restored target, whose transaction may change (and roll back)
   * what it must to read everything: see {@link Relation}. Never set on a source session.
   */
  void ownsTarget(boolean owns) {
    this.ownsTarget = owns;
  }

  boolean ownsTarget() {
    return ownsTarget;
  }

  /** The server's {@code server_version_num}, e.g. 150020. */
  int serverVersion() {
    return serverVersionNum;
  }

  Connection jdbc() {
    return connection;
  }

  PgConnection where() {
    return where;
  }

  /** Every row of {@code sql} as strings (SQL NULL as null), with {@code params} bound as text. */
  List<String[]> rows(String sql, Object... params) throws SQLException {
    List<String[]> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          String[] row = new String[n];
          for (int i = 0; i < n; i++) {
            row[i] = rs.getString(i + 1);
          }
          out.add(row);
        }
      }
    }
    return out;
  }

  /** The first column of the first row of {@code sql}. */
  String string(String sql, Object... params) throws SQLException {
    List<String[]> r = rows(sql, params);
    return r.isEmpty() ? null : r.get(0)[0];
  }

  /** Runs {@code sql} (no result). */
  void execute(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  /** Sends a cancel for the running statement; safe from another thread. */
  void cancel() {
    try {
      connection.unwrap(org.postgresql.PGConnection.class).cancelQuery();
    } catch (SQLException ignored) {
      // best effort: close() follows
    }
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing to do: the server ends the session anyway
    }
  }

  /** An SQL failure while reading {@code what} from {@code c}, as a {@link PgToolException} without the password. */
  static PgToolException s(SQLException e, String what, PgConnection c) {
    return new PgToolException(STEP, STEP + ": " + what + " on " + c + " failed (SQLSTATE " + e.getSQLState() + "): "
        + safe(e, c), false, null);
  }

  private static String safe(SQLException e, PgConnection c) {
    String message = String.valueOf(e.getMessage());
    String password = c.password().reveal();
    return password.length() >= 4 ? message.replace(password, Secret.mask()) : message;
  }
}
