package dev.cutover.postgres;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.testkit.postgres.PgFixture;

/** The local PostgreSQL server for integration tests: skips without it, but fails under CI=true. */
final class LocalServer {
  private LocalServer() {}

  static PgFixture require() {
    PgFixture server = PgFixture.local();
    boolean up = server.isAvailable();
    if (!up && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but no PostgreSQL server at " + server.admin());
    }
    assumeTrue(up, "needs a PostgreSQL server at " + server.admin());
    return server;
  }
}
