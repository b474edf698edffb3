package dev.cutover.testkit.aptible;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;

/** The real databases behind the fake: one role and one database per {@code db:create}, on the local server. */
final class FakePostgres {
  private FakePostgres() {}

  /** {@code host:port} of the admin server, from {@code FAKE_APTIBLE_PG} (default {@code 127.0.0.1:5432}). */
  static String server(Map<String, String> env) {
    return env.getOrDefault("FAKE_APTIBLE_PG", "127.0.0.1:5432");
  }

  private static Connection admin(Map<String, String> env) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", env.getOrDefault("FAKE_APTIBLE_PG_USER", "postgres"));
    props.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://" + server(env) + "/postgres", props);
  }

  /** Creates role {@code name} (login, {@code password}) and database {@code name} owned by it. */
  static void create(Map<String, String> env, String name, String password) {
    requireSafe(name);
    try (Connection c = admin(env); Statement s = c.createStatement()) {
      s.execute("CREATE ROLE \"" + name + "\" LOGIN PASSWORD '" + password.replace("'", "''") + "'");
      s.execute("CREATE DATABASE \"" + name + "\" OWNER \"" + name + "\"");
    } catch (SQLException e) {
      throw new FakeAptibleCli.Exit(1, "An error occurred: fake aptible could not create database " + name
          + " on " + server(env) + ": " + e.getMessage());
    }
  }

  /** Drops database and role {@code name}, terminating its sessions first. */
  static void drop(Map<String, String> env, String name) throws SQLException {
    requireSafe(name);
    try (Connection c = admin(env); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
      s.execute("DROP ROLE IF EXISTS \"" + name + "\"");
    }
  }

  private static void requireSafe(String name) {
    if (!name.matches("[a-z0-9_]{1,63}")) {
      throw new IllegalArgumentException("unsafe database name: " + name);
    }
  }
}
