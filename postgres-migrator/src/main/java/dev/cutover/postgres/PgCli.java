package dev.cutover.postgres;

import dev.cutover.core.PgToolException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.process.Command;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * How the migrator reaches a database: libpq programs get host, port, user and database as separate
 * arguments and the password in {@code PGPASSWORD} (never in argv, never in a URL); JDBC gets the
 * credentials as properties.
 */
final class PgCli {
  private PgCli() {}

  /** {@code -h host -p port -U user}, without the database. */
  static List<String> serverArgs(PgConnection c) {
    return List.of("-h", c.host(), "-p", Integer.toString(c.port()), "-U", c.user());
  }

  /** Adds {@code c}'s password and sslmode to {@code command}'s environment, and a bounded connect timeout. */
  static Command.Builder credentials(Command.Builder command, PgConnection c) {
    return command.secretEnv("PGPASSWORD", c.password())
        .env("PGSSLMODE", c.sslMode())
        .env("PGCONNECT_TIMEOUT", "30")
        .unsetEnv("PGSERVICE")
        .unsetEnv("PGPASSFILE");
  }

  /**
   * Opens a JDBC connection to {@code c}. The caller closes it.
   *
   * @throws PgToolException when the connection fails (retryable; the message holds no password)
   */
  static Connection open(PgConnection c, String step) {
    Properties props = new Properties();
    props.setProperty("user", c.user());
    props.setProperty("password", c.password().reveal());
    props.setProperty("ApplicationName", "cutover");
    props.setProperty("connectTimeout", "30");
    try {
      return DriverManager.getConnection(c.jdbcUrl(), props);
    } catch (SQLException e) {
      throw new PgToolException(step, step + ": cannot connect to " + c + " (" + sqlState(e) + "): "
          + safeMessage(e, c) + "; check the host, port, credentials and that the database exists", true, null);
    }
  }

  /** An SQL failure as a {@link PgToolException}, without any password. */
  /** Work on an open connection; it handles its own SQL failures. */
  interface ConnectionWork {
    void run(Connection c);
  }

  /** Runs {@code work} on a new connection to {@code c}, then closes it. */
  static void withConnection(PgConnection c, String step, ConnectionWork work) {
    try (Connection conn = open(c, step)) {
      work.run(conn);
    } catch (SQLException e) {
      throw failed(step, "closing the connection", c, e);
    }
  }

  static PgToolException failed(String step, String what, PgConnection c, SQLException e) {
    return new PgToolException(step, step + ": " + what + " on " + c + " failed (" + sqlState(e) + "): "
        + safeMessage(e, c), false, null);
  }

  private static String sqlState(SQLException e) {
    return "SQLSTATE " + (e.getSQLState() == null ? "unknown" : e.getSQLState());
  }

  private static String safeMessage(SQLException e, PgConnection c) {
    String message = String.valueOf(e.getMessage());
    String password = c.password().reveal();
    return password.length() >= 4 ? message.replace(password, dev.cutover.core.Secret.mask()) : message;
  }

  /** {@code "schema"."name"} quoting of an identifier. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** A single-quoted SQL literal. */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
