package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** The local PostgreSQL the fake creates databases on: skip on a laptop without it, fail in CI. */
final class LocalPostgres {
  private LocalPostgres() {}

  static void require() {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
      c.isValid(5);
    } catch (SQLException e) {
      if ("true".equals(System.getenv("CI"))) {
        fail("CI=true but the local PostgreSQL (127.0.0.1:5432, user postgres) is not reachable: " + e.getMessage());
      }
      assumeTrue(false, "no local PostgreSQL at 127.0.0.1:5432: " + e.getMessage());
    }
  }
}
