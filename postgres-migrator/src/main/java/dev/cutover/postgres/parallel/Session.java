package dev.cutover.postgres.parallel;

import dev.cutover.core.model.PgConnection;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * One JDBC connection to the target with pg_restore's session preamble (FORMAT.md, "Restore"), plus
 * the per-connection tablespace and access-method state. Used by one thread at a time; the
 * scheduler may call {@link #cancel()} from another thread.
 */
final class Session implements AutoCloseable {
  private final Connection connection;
  private final PGConnection pg;
  private final int serverVersion;
  private String tablespace = "";
  private String tableAm = "";
  /** The session's max_parallel_maintenance_workers (the preamble sets 0). */
  private int maintenanceWorkers;

  private Session(Connection connection) throws SQLException {
    this.connection = connection;
    this.pg = connection.unwrap(PGConnection.class);
    this.serverVersion = connection.getMetaData().getDatabaseMajorVersion() * 10000
        + connection.getMetaData().getDatabaseMinorVersion();
  }

  static Session open(PgConnection target, ArchiveToc toc, List<String> tuning, String applicationName)
      throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", target.user());
    props.setProperty("password", target.password().reveal());
    props.setProperty("preferQueryMode", "simple");
    props.setProperty("ApplicationName", applicationName);
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("connectTimeout", "30");
    Session s = new Session(DriverManager.getConnection(target.jdbcUrl(), props));
    try {
      s.preamble(toc, tuning);
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void preamble(ArchiveToc toc, List<String> tuning) throws SQLException {
    List<String> sql = new ArrayList<>(List.of("SET statement_timeout = 0", "SET lock_timeout = 0",
        "SET idle_in_transaction_session_timeout = 0"));
    if (serverVersion >= 170000) {
      sql.add("SET transaction_timeout = 0");
    }
    // client_encoding stays UTF8 (pgjdbc requires it): strings were decoded from the dump's
    // encoding, and COPY names the dump's encoding itself.
    sql.add("SET standard_conforming_strings = " + (toc.standardConformingStrings() ? "on" : "off"));
    toc.searchPathSql().ifPresentOrElse(sql::add, () -> sql.add("SELECT pg_catalog.set_config('search_path', '', false)"));
    sql.add("SET check_function_bodies = false");
    sql.add("SET xmloption = content");
    sql.add("SET client_min_messages = warning");
    if (!toc.standardConformingStrings()) {
      sql.add("SET escape_string_warning = off");
    }
    sql.add("SET row_security = off");
    sql.add("SET default_tablespace = ''");
    sql.addAll(tuning);
    try (Statement st = connection.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    }
  }

  int serverVersion() {
    return serverVersion;
  }

  /** Runs archive SQL as pg_restore does for one entry (tablespace and access method first). */
  void executeEntry(TocEntry e, String sql) throws SQLException {
    if (!e.tablespace().equals(tablespace)) {
      execute("SET default_tablespace = " + (e.tablespace().isEmpty() ? "''" : Sql.id(e.tablespace())));
      tablespace = e.tablespace();
    }
    if (!e.tableAm().isEmpty() && e.relkind() != 'p' && !e.tableAm().equals(tableAm)) {
      execute("SET default_table_access_method = " + Sql.id(e.tableAm()));
      tableAm = e.tableAm();
    }
    execute(sql);
  }

  /** Sets {@code max_parallel_maintenance_workers} for the next index builds, if it differs. */
  void maintenanceWorkers(int n) throws SQLException {
    if (n != maintenanceWorkers) {
      execute("SET max_parallel_maintenance_workers = " + n);
      maintenanceWorkers = n;
    }
  }

  void execute(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  void autoCommit(boolean on) throws SQLException {
    connection.setAutoCommit(on);
  }

  void commit() throws SQLException {
    connection.commit();
  }

  void rollbackQuietly() {
    try {
      if (!connection.isClosed() && !connection.getAutoCommit()) {
        connection.rollback();
      }
    } catch (SQLException ignored) {
      // the connection is broken; closing it is all that is left
    }
  }

  CopyManager copy() throws SQLException {
    return pg.getCopyAPI();
  }

  PGConnection pg() {
    return pg;
  }

  Connection jdbc() {
    return connection;
  }

  /** Whether the connection still works (a failed entry may have broken it). Blocks for at most 5 s. */
  boolean usable() {
    try {
      return connection.isValid(5);
    } catch (SQLException e) {
      return false;
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

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing to do about a failing close
    }
  }
}
