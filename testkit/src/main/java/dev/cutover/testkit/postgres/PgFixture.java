package dev.cutover.testkit.postgres;

import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server to create throwaway databases on, by default the local one at
 * {@code 127.0.0.1:5432} as {@code postgres} (the password, if the server wants one, comes from
 * {@code PGPASSWORD}). Immutable and thread-safe.
 *
 * <pre>{@code
 * PgFixture server = PgFixture.local();
 * try (TestDatabase db = server.createDatabase("cut_pg_")) {
 *   db.execute("create table t (id int)");
 *   PgConnection c = db.connection();   // hand it to the code under test
 * }                                     // dropped here
 * }</pre>
 */
public final class PgFixture {
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,40}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PgConnection admin;

  private PgFixture(PgConnection admin) {
    this.admin = admin;
  }

  /** The local server: {@code 127.0.0.1:5432}, user {@code postgres}, database {@code postgres}. */
  public static PgFixture local() {
    Secret password = Secret.fromEnv("PGPASSWORD").orElse(Secret.of("-none-"));
    return new PgFixture(new PgConnection("127.0.0.1", 5432, "postgres", "postgres", password, "disable"));
  }

  /** A server reached through {@code admin}, whose role may create databases and roles. */
  public static PgFixture of(PgConnection admin) {
    return new PgFixture(Objects.requireNonNull(admin, "admin"));
  }

  /** The administrative connection (to its maintenance database). */
  public PgConnection admin() {
    return admin;
  }

  /** Whether the server answers within a few seconds. Blocks for at most that long. */
  public boolean isAvailable() {
    try (Connection c = open(admin)) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Creates a database named {@code prefix} plus 8 random hex digits. The caller closes the returned
   * database, which drops it.
   *
   * @param prefix lowercase letters, digits and {@code _}, starting with a letter, e.g. {@code cut_pg_}
   * @throws IllegalArgumentException for a bad prefix
   * @throws IllegalStateException when the server refuses
   */
  public TestDatabase createDatabase(String prefix) {
    String name = uniqueName(prefix);
    execute(admin, "create database " + name);
    return new TestDatabase(this, admin.withDatabase(name));
  }

  /**
   * Creates a database named {@code prefix} plus 8 random hex digits as a file-level copy of
   * {@code template} ({@code CREATE DATABASE … TEMPLATE}), which must have no other session open.
   * Database-level settings are not copied (PostgreSQL keeps them per database). The caller closes it.
   *
   * @throws IllegalStateException when the server refuses (e.g. the template is in use)
   */
  public TestDatabase copyDatabase(String prefix, TestDatabase template) {
    String name = uniqueName(prefix);
    execute(admin, "create database " + name + " template \"" + template.name() + "\"");
    return new TestDatabase(this, admin.withDatabase(name));
  }

  /** {@code prefix} plus 8 random hex digits: a name no other test uses. */
  public static String uniqueName(String prefix) {
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("prefix must be lowercase letters, digits or _, starting with a letter: " + prefix);
    }
    byte[] b = new byte[4];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }

  /** Opens a JDBC connection to {@code c}; the caller closes it. */
  public static Connection open(PgConnection c) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", c.user());
    p.setProperty("password", c.password().reveal());
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(c.jdbcUrl(), p);
  }

  /** Runs each statement on {@code c} in autocommit mode. */
  static void execute(PgConnection c, String... sql) {
    try (Connection conn = open(c); Statement st = conn.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL on " + c + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "PgFixture[" + admin + "]";
  }
}
