package dev.cutover.examples;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.testkit.postgres.PgFixture;

/** Skips a test on a laptop without the local tools, fails it in CI ({@code CI=true}). */
final class Preconditions {
  private Preconditions() {}

  static void requireLocalTools() {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    boolean pg = PgFixture.local().isAvailable();
    if (ci && !pg) {
      throw new AssertionError("CI=true but the local PostgreSQL server at 127.0.0.1:5432 is not reachable");
    }
    assumeTrue(pg, "needs the local PostgreSQL server at 127.0.0.1:5432 (start it, or run .ci/run)");
  }
}
