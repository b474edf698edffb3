package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A CHECK constraint and an index that call an SQL function whose body calls another function
 * without a schema: every restore runs with an empty search_path, so without help the table's rows
 * are refused. Every strategy restores all rows and the index, and leaves the functions as on the source.
 */
@Tag("integration")
class FunctionSearchPathRestoreTest {
  @TempDir
  static Path dir;

  private static PgFixture server;
  private static TestDatabase source;
  private static Path archive;
  private static final PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).jobs(2).build();

  @BeforeAll
  static void source() {
    server = LocalServer.require();
    source = server.createDatabase("cut_fsp_src_");
    source.execute("create function normalize_code(c text) returns text language sql immutable as "
            + "$$ select upper(trim(c)) $$",
        // unqualified on purpose: the call resolves through the caller's search_path
        "create function code_ok(c text) returns boolean language sql immutable as "
            + "$$ select normalize_code(c) in ('A', 'B') $$",
        "create table orders (id int primary key, code text not null check (code_ok(code)))",
        "create index orders_ok on orders (code_ok(code))",
        "insert into orders select g, case when g % 2 = 0 then 'a' else ' b ' end from generate_series(1, 50) g",
        "create table plain (id int primary key)",
        "insert into plain select generate_series(1, 20)");
    archive = migrator.dump(source.connection(), dir.resolve("fsp.dump"), MigrationListener.NONE);
  }

  @AfterAll
  static void drop() {
    if (source != null) {
      source.close();
    }
  }

  @ParameterizedTest
  @EnumSource(RestoreStrategy.class)
  void restore_checkCallsUnqualifiedFunction_allRowsRestored(RestoreStrategy strategy) {
    try (TestDatabase target = server.createDatabase("cut_fsp_tgt_")) {
      RestoreResult result = switch (strategy) {
        case STREAM -> migrator.stream(source.connection(), target.connection(), false, MigrationListener.NONE);
        case DIRECT -> migrator.copyDirect(source.connection(), target.connection(), false, CopyJournal.inMemory(),
            MigrationListener.NONE);
        default -> migrator.restore(archive, target.connection(), strategy, false,
            MigrationListener.NONE);
      };

      assertThat(target.queryLong("select count(*) from orders")).isEqualTo(50);
      assertThat(target.queryLong("select count(*) from pg_indexes where indexname = 'orders_ok'")).isOne();
      assertThat(target.queryString("select coalesce(array_to_string(proconfig, ','), '') from pg_proc "
          + "where proname = 'code_ok'")).as("search_path reset after the load").isEmpty();
      assertThat(result.warnings()).anyMatch(w -> w.contains("public.code_ok(text)") && w.contains("search_path"));
      VerificationReport report = migrator.verify(VerificationRequest.of(target.connection()).source(source.connection()));
      assertThat(report.passed()).as(strategy + ": " + report.describeMismatches()).isTrue();
    }
  }
}
