package dev.cutover.heroku;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.testkit.heroku.HerokuCli;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Properties;

/** Shared test plumbing: the real CLI (skip locally, fail in CI) and throwaway local databases. */
final class TestSupport {
  private TestSupport() {}

  static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The real heroku CLI; aborts the test without it locally, fails it when CI=true. */
  static HerokuCli cliOrSkip() {
    try {
      return HerokuCli.locateOrInstall();
    } catch (IllegalStateException e) {
      if (ci()) {
        fail("the heroku CLI is required in CI: " + e.getMessage());
      }
      abort("no heroku CLI: " + e.getMessage());
      throw e;
    }
  }

  /** A database on the local server, dropped by close(). */
  static final class Db implements AutoCloseable {
    private static final PgConnection ADMIN =
        new PgConnection("127.0.0.1", 5432, "postgres", "postgres", Secret.of("-none-"), "disable");
    final PgConnection connection;

    private Db(PgConnection connection) {
      this.connection = connection;
    }

    static Db create(String... sql) {
      byte[] b = new byte[4];
      new SecureRandom().nextBytes(b);
      String name = "cut_heroku_" + HexFormat.of().formatHex(b);
      try {
        exec(ADMIN, "create database " + name);
      } catch (SQLException e) {
        if (ci()) {
          fail("PostgreSQL at 127.0.0.1:5432 is required in CI: " + e.getMessage());
        }
        abort("no local PostgreSQL: " + e.getMessage());
      }
      Db db = new Db(ADMIN.withDatabase(name));
      try {
        exec(db.connection, sql);
      } catch (SQLException e) {
        db.close();
        throw new IllegalStateException(e);
      }
      return db;
    }

    static void exec(PgConnection c, String... sql) throws SQLException {
      Properties p = new Properties();
      p.setProperty("user", c.user());
      p.setProperty("password", c.password().reveal());
      try (Connection conn = DriverManager.getConnection(c.jdbcUrl(), p); Statement st = conn.createStatement()) {
        for (String s : sql) {
          st.execute(s);
        }
      }
    }

    @Override
    public void close() {
      try {
        exec(ADMIN, "drop database if exists " + connection.database() + " with (force)");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
