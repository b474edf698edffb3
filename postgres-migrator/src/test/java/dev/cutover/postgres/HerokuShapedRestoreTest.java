package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every strategy restores a Heroku-shaped database (an app role that owns the database and has its
 * own settings, extensions in {@code heroku_ext}, database-level {@code search_path},
 * {@code statement_timeout} and a custom setting, a SECURITY DEFINER function with EXECUTE revoked
 * from PUBLIC) and a database with an extension in its own schema and no database settings, and
 * verification passes with no manual step: as the pipeline runs it (restore, copy the settings from
 * the source, verify against the source) and against the archive alone. The four silent losses of
 * a plain {@code pg_restore} (extension version, database comment, inherited column order, app role
 * settings) are reproduced and shown carried. The archive is made as Heroku makes its backups, without
 * privileges, so the revocation from PUBLIC comes from the live source.
 */
@Tag("integration")
class HerokuShapedRestoreTest {
  @TempDir
  static Path dir;

  private static PgFixture server;
  private static String appRole;
  private static TestDatabase heroku;
  private static Path herokuArchive;
  private static TestDatabase ownSchema;
  private static Path ownSchemaArchive;
  private static final PgMigrator migrator = PgMigrator.builder().redactor(Redactor.create()).jobs(2).build();

  @BeforeAll
  static void sources() {
    server = LocalServer.require();
    appRole = PgFixture.uniqueName("cut_app_");
    heroku = server.createDatabase("cut_hk_src_");
    heroku.execute("create role " + appRole + " login", "alter database " + heroku.name() + " owner to " + appRole,
        "create schema heroku_ext", "create extension hstore with schema heroku_ext version '1.5'",
        "create extension pg_trgm with schema heroku_ext",
        "alter database " + heroku.name() + " set search_path = \"$user\", public, heroku_ext",
        "alter database " + heroku.name() + " set statement_timeout = '30s'",
        "alter database " + heroku.name() + " set app.feature_flags = 'beta,dark-mode'",
        "alter role " + appRole + " in database " + heroku.name() + " set work_mem = '16MB'",
        "comment on database " + heroku.name() + " is 'shop production'",
        "grant all on schema public to " + appRole, "grant usage on schema heroku_ext to " + appRole);
    PgConnection app = asApp(heroku);
    {
      execute(app, "create table customers (id bigint generated always as identity primary key, "
              + "name text not null, prefs heroku_ext.hstore)",
          "create index customers_name_trgm on customers using gin (name heroku_ext.gin_trgm_ops)",
          "insert into customers (name, prefs) select 'customer ' || g, heroku_ext.hstore('tier', (g % 3)::text) "
              + "from generate_series(1, 300) g",
          "create table ledger (id bigint not null, at timestamptz not null, amount numeric(12,2) not null)",
          "create table ledger_2025 (closed boolean not null default true) inherits (ledger)",
          "alter table ledger add column memo text",
          "insert into ledger_2025 (id, at, amount, memo) select g, timestamptz '2025-01-01' + g * interval '1 hour', "
              + "g / 7.0, 'm' || g from generate_series(1, 200) g",
          "create function balance(p_customer bigint) returns numeric language sql stable security definer "
              + "set search_path = public as $$ select coalesce(sum(amount), 0) from public.ledger where id = p_customer $$",
          "revoke execute on function balance(bigint) from public");
    }
    // as Heroku makes its backups: without owners and privileges, so the revocation is not in it
    herokuArchive = dir.resolve("heroku.dump");
    try {
      Process p = new ProcessBuilder(migrator.tools().require("pg_dump").path().toString(), "-Fc", "--no-acl",
          "--no-owner", "-h", "127.0.0.1", "-U", "postgres", "-f", herokuArchive.toString(), heroku.name())
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).isZero();
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }

    ownSchema = server.createDatabase("cut_hk_ext_");
    ownSchema.execute("create schema ext", "create extension btree_gist with schema ext",
        "create table bookings (id int primary key, room int not null, during tstzrange not null, "
            + "exclude using gist (room ext.gist_int4_ops with =, during with &&))",
        "insert into bookings select g, g % 10, tstzrange(timestamptz '2026-01-01' + g * interval '1 day', "
            + "timestamptz '2026-01-01' + (g + 1) * interval '1 day') from generate_series(1, 100) g");
    ownSchemaArchive = migrator.dump(ownSchema.connection(), dir.resolve("ext.dump"), MigrationListener.NONE);
  }

  @AfterAll
  static void drop() {
    for (TestDatabase db : new TestDatabase[] {heroku, ownSchema}) {
      if (db != null) {
        db.close();
      }
    }
    if (appRole != null) {
      execute(server.admin(), "drop role if exists " + appRole);
    }
  }

  private static PgConnection asApp(TestDatabase db) {
    PgConnection c = db.connection();
    return new PgConnection(c.host(), c.port(), c.database(), appRole, c.password(), c.sslMode());
  }

  private static void execute(PgConnection c, String... sql) {
    try (java.sql.Connection conn = PgFixture.open(c); java.sql.Statement st = conn.createStatement()) {
      for (String s : sql) {
        st.execute(s);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** What the pipeline does: restore, carry the source's settings, verify against the source. */
  private static RestoreResult restore(RestoreStrategy strategy, TestDatabase source, Path archive, PgConnection src,
      TestDatabase target) {
    RestoreResult result = switch (strategy) {
      case STREAM -> migrator.stream(src, target.connection(), false, MigrationListener.NONE);
      case DIRECT -> migrator.copyDirect(src, target.connection(), false, CopyJournal.inMemory(), MigrationListener.NONE);
      default -> migrator.restore(archive, target.connection(), strategy, false, src, MigrationListener.NONE);
    };
    migrator.copyDatabaseSettings(src, target.connection());
    return result;
  }

  @ParameterizedTest
  @EnumSource(RestoreStrategy.class)
  void restore_herokuShapedDatabase_verifiesWithNoManualStep(RestoreStrategy strategy) {
    try (TestDatabase target = server.createDatabase("cut_hk_tgt_")) {
      restore(strategy, heroku, herokuArchive, asApp(heroku), target);

      VerificationReport live = migrator.verify(VerificationRequest.of(target.connection()).source(asApp(heroku)));
      assertThat(live.passed()).as(strategy + ": " + live.describeMismatches()).isTrue();
      assertThat(live.contentVerified()).isTrue();
      if (strategy != RestoreStrategy.STREAM && strategy != RestoreStrategy.DIRECT) {
        VerificationReport archived = migrator.verify(VerificationRequest.of(target.connection()).archive(herokuArchive));
        assertThat(archived.passed()).as(strategy + " against the archive: " + archived.describeMismatches()).isTrue();
      }
      // the four silent losses, carried
      assertThat(target.queryString("select extversion from pg_extension where extname = 'hstore'")).isEqualTo("1.5");
      assertThat(target.queryString("select shobj_description(oid, 'pg_database') from pg_database "
          + "where datname = current_database()")).isEqualTo("shop production");
      assertThat(target.queryString("select string_agg(attname, ',' order by attnum) from pg_attribute "
          + "where attrelid = 'public.ledger_2025'::regclass and attnum > 0 and not attisdropped"))
          .isEqualTo("id,at,amount,closed,memo");
      assertThat(target.queryString("select array_to_string(s.setconfig, ';') from pg_db_role_setting s "
          + "join pg_database d on d.oid = s.setdatabase where d.datname = current_database() "
          + "and s.setrole = (select oid from pg_roles where rolname = current_user)")).isEqualTo("work_mem=16MB");
      // and the rest of the Heroku shape
      assertThat(target.queryString("select string_agg(c, ';' order by c) from pg_db_role_setting s "
          + "join pg_database d on d.oid = s.setdatabase, unnest(s.setconfig) c where d.datname = current_database() "
          + "and s.setrole = 0"))
          .isEqualTo("app.feature_flags=beta,dark-mode;search_path=\"$user\", public, heroku_ext;statement_timeout=30s");
      assertThat(target.queryString("select exists (select 1 from aclexplode((select proacl from pg_proc "
          + "where proname = 'balance')) a where a.grantee = 0)")).isEqualTo("f");
      assertThat(target.queryString("select prefs -> 'tier' from customers where id = 3")).isEqualTo("0");
    }
  }

  @ParameterizedTest
  @EnumSource(RestoreStrategy.class)
  void restore_extensionInItsOwnSchemaNoSettings_verifiesWithNoManualStep(RestoreStrategy strategy) {
    try (TestDatabase target = server.createDatabase("cut_hk_tgt_")) {
      restore(strategy, ownSchema, ownSchemaArchive, ownSchema.connection(), target);

      VerificationReport live = migrator.verify(VerificationRequest.of(target.connection()).source(ownSchema.connection()));
      assertThat(live.passed()).as(strategy + ": " + live.describeMismatches()).isTrue();
      if (strategy != RestoreStrategy.STREAM && strategy != RestoreStrategy.DIRECT) {
        VerificationReport archived = migrator.verify(VerificationRequest.of(target.connection())
            .archive(ownSchemaArchive));
        assertThat(archived.passed()).as(strategy + " against the archive: " + archived.describeMismatches()).isTrue();
      }
      assertThat(target.queryLong("select count(*) from pg_db_role_setting s join pg_database d on d.oid = "
          + "s.setdatabase where d.datname = current_database()")).as("no derived search_path").isZero();
    }
  }

  /** What the issue saw: a plain restore loses all four, and verification against the source names each. */
  @Test
  void plainPgRestore_losesTheFourAndVerificationNamesThem() throws Exception {
    try (TestDatabase target = server.createDatabase("cut_hk_tgt_")) {
      Process p = new ProcessBuilder(migrator.tools().require("pg_restore").path().toString(), "--no-owner",
          "--no-acl", "-h", "127.0.0.1", "-U", "postgres", "-d", target.name(), herokuArchive.toString())
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor()).isZero();

      VerificationReport report = migrator.verify(VerificationRequest.of(target.connection()).source(asApp(heroku)));

      assertThat(report.passed()).isFalse();
      assertThat(report.mismatches()).extracting(VerificationReport.Check::name)
          .contains("hstore", "database", "public.ledger_2025.memo", appRole + " -> postgres: work_mem");
    }
  }
}
