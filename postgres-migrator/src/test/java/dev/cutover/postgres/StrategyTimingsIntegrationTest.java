package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wall times of every strategy on a generated database of a chosen size. Opt-in (it is a
 * measurement, not a check): {@code -Dcutover.pg.timings.users=300000}.
 */
@Tag("integration")
class StrategyTimingsIntegrationTest {
  @TempDir
  Path dir;

  @Test
  void allStrategies_generatedDatabase_restoreAndVerify() throws Exception {
    long users = Long.getLong("cutover.pg.timings.users", 0);
    assumeTrue(users > 0, "opt-in: -Dcutover.pg.timings.users=N");
    PgFixture server = LocalServer.require();
    PgMigrator migrator = PgMigrator.builder().jobs(2).build();
    try (TestDatabase source = server.createDatabase("cut_pg_time_");
        TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(users).build().generate(source.connection())) {
      Instant t0 = Instant.now();
      Path archive = migrator.dump(source.connection(), dir.resolve("s.dump"), MigrationListener.NONE);
      report("dump -Z1 (" + Files.size(archive) / 1_000_000 + " MB archive, source "
          + source.queryString("select pg_size_pretty(pg_database_size(current_database()))") + ")", t0);
      for (RestoreStrategy strategy : RestoreStrategy.values()) {
        try (TestDatabase target = server.createDatabase("cut_pg_time_")) {
          Instant t = Instant.now();
          RestoreResult r = strategy == RestoreStrategy.STREAM
              ? migrator.stream(source.connection(), target.connection(), false, MigrationListener.NONE)
              : migrator.restore(archive, target.connection(), strategy, false, MigrationListener.NONE);
          report(strategy + " (" + r.totalRows() + " rows)", t);
          Instant v = Instant.now();
          if (strategy != RestoreStrategy.STREAM) {
            migrator.copyDatabaseSettings(source.connection(), target.connection());
          }
          VerificationReport report = migrator.verify(target.connection(), Optional.of(source.connection()), r);
          report("  verify " + report.checks().size() + " checks", v);
          assertThat(report.passed()).as(report.describeMismatches()).isTrue();
        }
      }
    }
  }

  private static void report(String what, Instant since) {
    System.out.printf("TIMING %-60s %6.1f s%n", what, Duration.between(since, Instant.now()).toMillis() / 1000.0);
  }
}
