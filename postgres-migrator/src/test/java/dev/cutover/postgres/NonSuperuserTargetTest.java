package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target whose role owns the tables but is no superuser (as the testkit's fake Aptible makes them)
 * cannot read a table with FORCE ROW LEVEL SECURITY; verification still digests every row of it, by
 * lifting FORCE inside a rolled-back subtransaction, and leaves it forced.
 */
@Tag("integration")
class NonSuperuserTargetTest {
  @TempDir
  static Path dir;

  @Test
  void verify_forcedRowSecurityOnANonSuperuserTarget_digestsEveryRowAndLeavesItForced() {
    PgFixture server = LocalServer.require();
    PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).build();
    String role = PgFixture.uniqueName("cut_nsu_");
    try (TestDatabase source = server.createDatabase("cut_nsu_src_")) {
      source.execute("create table notes (id int primary key, tenant text not null, body text)",
          "insert into notes select g, (array['a','b'])[1 + g % 2], 'n' || g from generate_series(1, 300) g",
          "alter table notes enable row level security", "alter table notes force row level security",
          "create policy only_a on notes using (tenant = 'a')");
      Path archive = migrator.dump(source.connection(), dir.resolve("rls.dump"), MigrationListener.NONE);
      source.execute("create role " + role + " login", "create database " + role + " owner " + role);
      PgConnection admin = source.connection().withDatabase(role);
      PgConnection target = new PgConnection(admin.host(), admin.port(), role, role, admin.password(), admin.sslMode());
      try {
        migrator.restore(archive, target, RestoreStrategy.PARALLEL, false, MigrationListener.NONE);

        VerificationReport live = migrator.verify(VerificationRequest.of(target).source(source.connection()));
        VerificationReport archived = migrator.verify(VerificationRequest.of(target).archive(archive));

        assertThat(live.passed()).as(live.describeMismatches()).isTrue();
        assertThat(archived.passed()).as(archived.describeMismatches()).isTrue();
        assertThat(live.tables()).filteredOn(t -> t.name().equals("public.notes")).singleElement()
            .satisfies(t -> assertThat(t.actualRows()).isEqualTo(300));
        assertThat(new TestDatabaseQuery(admin).string("select relforcerowsecurity from pg_class "
            + "where oid = 'public.notes'::regclass")).isEqualTo("t");
      } finally {
        source.execute("drop database if exists " + role + " with (force)", "drop role if exists " + role);
      }
    }
  }

  /** One query on a connection the fixture did not create. */
  private record TestDatabaseQuery(PgConnection c) {
    String string(String sql) {
      try (java.sql.Connection conn = PgFixture.open(c); java.sql.Statement st = conn.createStatement();
          java.sql.ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getString(1);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
  }
}
