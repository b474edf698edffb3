package dev.cutover.testkit.postgres;

import dev.cutover.core.model.PgConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A throwaway database made by {@link PgFixture#createDatabase}. {@link #close()} drops it (forcing
 * other sessions off); it is idempotent and throws nothing checked.
 */
public final class TestDatabase implements AutoCloseable {
  private final PgFixture server;
  private final PgConnection connection;
  private final AtomicBoolean closed = new AtomicBoolean();

  TestDatabase(PgFixture server, PgConnection connection) {
    this.server = server;
    this.connection = connection;
  }

  /** The database name. */
  public String name() {
    return connection.database();
  }

  /** How to reach it. */
  public PgConnection connection() {
    return connection;
  }

  /** Opens a JDBC connection; the caller closes it. */
  public Connection open() throws SQLException {
    return PgFixture.open(connection);
  }

  /**
   * Runs each statement in autocommit mode.
   *
   * @throws IllegalStateException when one fails
   */
  public void execute(String... sql) {
    PgFixture.execute(connection, sql);
  }

  /**
   * The first column of the first row of {@code sql} as a long.
   *
   * @throws IllegalStateException when the query fails
   */
  public long queryLong(String sql) {
    return Long.parseLong(queryString(sql));
  }

  /**
   * The first column of the first row of {@code sql} as text ({@code ""} for SQL NULL).
   *
   * @throws IllegalStateException when the query fails or returns no row
   */
  public String queryString(String sql) {
    try (Connection c = open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      if (!rs.next()) {
        throw new IllegalStateException("no row: " + sql);
      }
      String v = rs.getString(1);
      return v == null ? "" : v;
    } catch (SQLException e) {
      throw new IllegalStateException("query on " + name() + " failed: " + e.getMessage(), e);
    }
  }

  /** Drops the database ({@code WITH (FORCE)}). Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      PgFixture.execute(server.admin(), "drop database if exists \"" + name() + "\" with (force)");
    }
  }

  @Override
  public String toString() {
    return "TestDatabase[" + name() + "]";
  }
}
