package dev.cutover.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class TrickyDatabaseGeneratorTest {
  private static PgFixture server() {
    PgFixture server = PgFixture.local();
    boolean up = server.isAvailable();
    if (!up && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but no PostgreSQL server at " + server.admin());
    }
    assumeTrue(up, "needs a PostgreSQL server at " + server.admin());
    return server;
  }

  @Test
  void generate_smallDatabase_hasEveryTrickyObjectAndDropsRolesOnClose() throws Exception {
    PgFixture server = server();
    String owner;
    try (TestDatabase db = server.createDatabase("cut_pg_gen_")) {
      try (TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(100).build().generate(db.connection())) {
        owner = tricky.ownerRole();
        assertThat(db.queryString("select string_agg(e.extname || '@' || n.nspname, ',' order by e.extname) "
            + "from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname <> 'plpgsql'"))
            .isEqualTo("citext@public,hstore@heroku_ext,pgcrypto@public");
        assertThat(db.queryString("select array_to_string(setconfig, ';') from pg_db_role_setting s "
            + "join pg_database d on d.oid = s.setdatabase where d.datname = current_database() and s.setrole = 0"))
            .isEqualTo("search_path=\"$user\", public, heroku_ext;statement_timeout=5min");
        assertThat(db.queryString("select array_to_string(setconfig, ';') from pg_db_role_setting s "
            + "join pg_database d on d.oid = s.setdatabase where d.datname = current_database() "
            + "and s.setrole = 'postgres'::regrole")).isEqualTo("work_mem=8MB");
        assertThat(db.queryString("select shobj_description(oid, 'pg_database') from pg_database "
            + "where datname = current_database()")).startsWith("the tricky database");
        assertThat(db.queryString("select string_agg(attname, ',' order by attnum) from pg_attribute "
            + "where attrelid = 'public.audit_log_archive'::regclass and attnum > 0"))
            .as("the parent's later column comes after the child's own").isEqualTo("id,at,action,archived_on,actor");
        assertThat(db.queryString("select relforcerowsecurity from pg_class where oid = 'public.tenant_notes'::regclass"))
            .isEqualTo("t");
        assertThat(db.queryLong("select count(*) from pg_largeobject_metadata")).isEqualTo(2);
        assertThat(db.queryString("select extversion from pg_extension where extname = 'hstore'")).isNotEqualTo(
            TrickyDatabaseGenerator.OLDER_HSTORE);
        assertThat(db.queryLong("select count(*) from public.users")).isEqualTo(100);
        assertThat(db.queryLong("select count(*) from public.events")).isEqualTo(200);
        assertThat(db.queryLong("select count(*) from pg_inherits where inhparent = 'public.events'::regclass")).isEqualTo(4);
        assertThat(db.queryString("select relkind from pg_class where oid = 'public.user_event_counts'::regclass")).isEqualTo("m");
        assertThat(db.queryString("select pg_get_userbyid(nspowner) from pg_namespace where nspname = 'heroku_ext'"))
            .isEqualTo(owner);
        assertThat(db.queryLong("select count(*) from pg_trigger where not tgisinternal")).isEqualTo(2);
        assertThat(db.queryString("select password_hash from public.users where id = 1")).matches("[0-9a-f]{64}");
        assertThat(db.queryLong("select count(*) from pg_sequences")).isEqualTo(4);
        for (String table : TrickyDatabase.tables()) {
          assertThat(db.queryLong("select count(*) from " + table)).as(table).isPositive();
        }
        try (AutoCloseable hidden = tricky.hideRoles()) {
          assertThat(db.queryLong("select count(*) from pg_roles where rolname = '" + owner + "'")).isZero();
        }
        assertThat(db.queryLong("select count(*) from pg_roles where rolname = '" + owner + "'")).isOne();
      }
      assertThat(db.queryLong("select count(*) from pg_roles where rolname = '" + owner + "'")).isZero();
    }
  }

  @Test
  void generate_olderHstore_installsThatVersion() throws Exception {
    PgFixture server = server();
    try (TestDatabase db = server.createDatabase("cut_pg_gen_");
        TrickyDatabase tricky = TrickyDatabaseGenerator.builder().users(10).olderHstore(true).build()
            .generate(db.connection())) {
      assertThat(db.queryString("select extversion from pg_extension where extname = 'hstore'"))
          .isEqualTo(TrickyDatabaseGenerator.OLDER_HSTORE);
    }
  }

  @Test
  void builder_tooFewUsers_rejected() {
    assertThatThrownBy(() -> TrickyDatabaseGenerator.builder().users(3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrickyDatabaseGenerator.builder().rolePrefix("Bad-Prefix"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
