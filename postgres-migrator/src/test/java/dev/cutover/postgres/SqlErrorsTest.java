package dev.cutover.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
  @Test
  void parsePsql_errorWithContext_keepsLocationMessageAndDetail() {
    String stderr = """
        psql:/tmp/x/data.sql:42: ERROR:  role "u6d2f1a9c3b" does not exist
        psql:/tmp/x/data.sql:77: ERROR:  relation "lookup" does not exist
        LINE 1: select exists(select 1 from lookup where code = c)
                                            ^
        QUERY:  select exists(select 1 from lookup where code = c)
        CONTEXT:  SQL function "code_ok" during inlining
        psql:/tmp/x/data.sql:90: WARNING:  something harmless
        """;
    List<SqlErrors.SqlError> errors = SqlErrors.parsePsql(stderr);
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).location()).isEqualTo("data.sql:42");
    assertThat(errors.get(1).message()).isEqualTo("relation \"lookup\" does not exist");
    assertThat(errors.get(1).detail()).contains("SQL function \"code_ok\"");
    assertThat(SqlErrors.lineOf(errors.get(1))).isEqualTo(77);
  }

  @Test
  void classify_roleErrorFromOwnerOrGrant_isExpected() {
    var owner = new SqlErrors.SqlError("l:1", "role \"heroku_admin\" does not exist", "",
        "ALTER SCHEMA heroku_ext OWNER TO heroku_admin;");
    var grant = new SqlErrors.SqlError("l:2", "role \"readonly_analyst\" does not exist", "",
        "GRANT SELECT ON TABLE public.users TO readonly_analyst;");
    var exists = new SqlErrors.SqlError("l:3", "role \"aptible\" already exists", "", "CREATE ROLE aptible;");
    var plpgsql = new SqlErrors.SqlError("l:4", "must be owner of extension plpgsql", "",
        "COMMENT ON EXTENSION plpgsql IS 'PL/pgSQL procedural language';");
    SqlErrors.Classified c = SqlErrors.classify(List.of(owner, grant, grant, exists, plpgsql));
    assertThat(c.unexpected()).isEmpty();
    assertThat(c.expected()).containsEntry("role \"readonly_analyst\" does not exist", 2)
        .containsEntry("role \"heroku_admin\" does not exist", 1).containsEntry("role \"aptible\" already exists", 1);
    assertThat(c.expectedCount()).isEqualTo(5);
  }

  @Test
  void classify_notMemberOfRoleOnOwnerChange_isExpectedElsewhereReal() {
    var owner = new SqlErrors.SqlError("l:1", "must be member of role \"postgres\"", "",
        "ALTER TABLE public.users OWNER TO postgres;");
    var setRole = new SqlErrors.SqlError("l:2", "must be member of role \"postgres\"", "", "SET ROLE postgres;");
    SqlErrors.Classified c = SqlErrors.classify(List.of(owner, setRole));
    assertThat(c.expected()).containsEntry("must be member of role \"postgres\"", 1);
    assertThat(c.unexpected()).containsExactly(setRole);
  }

  @Test
  void classify_roleErrorFromPolicyOrOtherAlreadyExists_isReal() {
    var policy = new SqlErrors.SqlError("l:1", "role \"app_user\" does not exist", "",
        "CREATE POLICY p ON public.t TO app_user USING (true);");
    var table = new SqlErrors.SqlError("l:2", "relation \"users\" already exists", "", "CREATE TABLE public.users ();");
    var extension = new SqlErrors.SqlError("l:3", "extension \"postgis\" is not available", "", "CREATE EXTENSION postgis;");
    var owner = new SqlErrors.SqlError("l:4", "must be owner of table users", "", "ALTER TABLE public.users ADD x int;");
    assertThat(SqlErrors.classify(List.of(policy, table, extension, owner)).unexpected()).hasSize(4);
  }

  @Test
  void parsePgRestore_queryErrors_carryTocEntryAndCommand() {
    String stderr = """
        pg_restore: while PROCESSING TOC:
        pg_restore: from TOC entry 215; 1259 16390 TABLE t postgres
        pg_restore: error: could not execute query: ERROR:  role "x" does not exist
        Command was: ALTER TABLE public.t OWNER TO x;
        pg_restore: from TOC entry 3; 3079 16385 EXTENSION postgis
        pg_restore: error: could not execute query: ERROR:  extension "postgis" is not available
        DETAIL:  Could not open extension control file.
        Command was: CREATE EXTENSION IF NOT EXISTS postgis
            WITH SCHEMA public;
        pg_restore: warning: errors ignored on restore: 2
        """;
    List<SqlErrors.SqlError> errors = SqlErrors.parsePgRestore(stderr);
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).location()).isEqualTo("TOC entry 215; 1259 16390 TABLE t postgres");
    assertThat(errors.get(0).statement()).isEqualTo("ALTER TABLE public.t OWNER TO x;");
    assertThat(errors.get(1).statement()).contains("WITH SCHEMA public;");
    SqlErrors.Classified c = SqlErrors.classify(errors);
    assertThat(c.expectedCount()).isEqualTo(1);
    assertThat(c.unexpected()).singleElement().satisfies(e -> assertThat(e.describe())
        .contains("extension \"postgis\" is not available").contains("CREATE EXTENSION IF NOT EXISTS postgis"));
  }

  @Test
  void unquoteName_quotedIdentifiers_unquoted() {
    assertThat(Restorers.unquoteName("\"My Schema\".\"a\"\"b\"")).isEqualTo("My Schema.a\"b");
    assertThat(Restorers.unquoteName("public.users")).isEqualTo("public.users");
  }

  @Test
  void splitList_quotedSearchPath_itemsUnquoted() {
    assertThat(TargetDatabase.splitList("\"$user\", public, heroku_ext")).containsExactly("$user", "public", "heroku_ext");
    assertThat(TargetDatabase.splitList("\"a,b\", \"c\"\"d\"")).containsExactly("a,b", "c\"d");
  }
}
