package dev.cutover.postgres;

import dev.cutover.core.model.PgConnection;
import dev.cutover.postgres.archive.DumpSql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the migrator does to a target (or reads from a source) over JDBC, outside the restore itself. */
final class TargetDatabase {
  /** Schemas that belong to the server, never to the application. */
  static final String USER_SCHEMA = "n.nspname not in ('pg_catalog', 'information_schema') "
      + "and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'";

  private TargetDatabase() {}

  /** A description of what the database holds ({@code 2 schemas, 14 relations, …}), or empty when it is empty. */
  static Optional<String> contents(Connection c) throws SQLException {
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put("schemas", "select count(*) from pg_namespace n where " + USER_SCHEMA + " and n.nspname <> 'public'");
    queries.put("relations", "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where "
        + USER_SCHEMA);
    queries.put("functions", "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where "
        + USER_SCHEMA);
    queries.put("types", "select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where "
        + USER_SCHEMA + " and t.typrelid = 0 and t.typelem = 0");
    queries.put("extensions", "select count(*) from pg_extension where extname <> 'plpgsql'");
    queries.put("large objects", "select count(*) from pg_largeobject_metadata");
    List<String> found = new ArrayList<>();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      long n = count(c, q.getValue());
      if (n > 0) {
        found.add(n + " " + q.getKey());
      }
    }
    return found.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", found));
  }

  /**
   * Empties the database: drops every application schema (with everything in it), every extension
   * but plpgsql, event triggers and large objects, then recreates {@code public} as initdb makes it.
   * Database-level settings are reset too, so settings carried over later are exactly the source's.
   */
  static void wipe(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      for (String event : strings(c, "select evtname from pg_event_trigger")) {
        st.execute("drop event trigger " + PgCli.ident(event) + " cascade");
      }
      for (String ext : strings(c, "select extname from pg_extension where extname <> 'plpgsql'")) {
        st.execute("drop extension if exists " + PgCli.ident(ext) + " cascade");
      }
      for (String schema : strings(c, "select n.nspname from pg_namespace n where " + USER_SCHEMA)) {
        st.execute("drop schema if exists " + PgCli.ident(schema) + " cascade");
      }
      st.execute("select pg_catalog.lo_unlink(oid) from pg_catalog.pg_largeobject_metadata");
      st.execute("create schema public");
      if (c.getMetaData().getDatabaseMajorVersion() >= 15) {
        st.execute("alter schema public owner to pg_database_owner");
        st.execute("grant usage on schema public to public");
      } else {
        st.execute("grant all on schema public to public");
      }
      st.execute("comment on schema public is 'standard public schema'");
      st.execute("alter database " + PgCli.ident(c.getCatalog()) + " reset all");
      c.commit();
    } catch (SQLException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /** Creates {@code schema} if it does not exist (for extensions an archive installs into it). */
  static void ensureSchema(Connection c, String schema) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("create schema if not exists " + PgCli.ident(schema));
    }
  }

  /** The database-level settings ({@code ALTER DATABASE … SET}, all roles) of the connected database, name to value. */
  static Map<String, String> databaseSettings(Connection c) throws SQLException {
    Map<String, String> out = new java.util.TreeMap<>();
    for (String kv : strings(c, "select unnest(s.setconfig) from pg_db_role_setting s "
        + "join pg_database d on d.oid = s.setdatabase where d.datname = current_database() and s.setrole = 0")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        out.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    return out;
  }

  /** {@code ALTER DATABASE <current> SET name TO value} for one setting as stored, list settings item by item. */
  static void applySetting(Connection c, String name, String value) throws SQLException {
    applySetting(c, name, items(name, value));
  }

  /** {@code ALTER DATABASE <current> SET name TO 'item', …}. */
  static void applySetting(Connection c, String name, List<String> items) throws SQLException {
    execute(c, "alter database " + PgCli.ident(c.getCatalog()) + " set " + PgCli.ident(name) + " to " + literals(items));
  }

  /** {@code ALTER ROLE role IN DATABASE <current> SET name TO 'item', …}. */
  static void applyRoleSetting(Connection c, String role, String name, List<String> items) throws SQLException {
    execute(c, "alter role " + PgCli.ident(role) + " in database " + PgCli.ident(c.getCatalog()) + " set "
        + PgCli.ident(name) + " to " + literals(items));
  }

  /** Removes every database-level setting of the connected database. */
  static void resetDatabaseSettings(Connection c) throws SQLException {
    execute(c, "alter database " + PgCli.ident(c.getCatalog()) + " reset all");
  }

  /** Removes every setting of {@code role} in the connected database (its settings for all databases stay). */
  static void resetRoleSettings(Connection c, String role) throws SQLException {
    execute(c, "alter role " + PgCli.ident(role) + " in database " + PgCli.ident(c.getCatalog()) + " reset all");
  }

  /** {@code role}'s settings in the connected database over its settings for every database, name to value. */
  static Map<String, String> roleSettings(Connection c, String role) throws SQLException {
    Map<String, String> out = new java.util.TreeMap<>();
    try (java.sql.PreparedStatement ps = c.prepareStatement("select unnest(s.setconfig) from pg_db_role_setting s "
        + "join pg_roles r on r.oid = s.setrole where r.rolname = ? and (s.setdatabase = 0 or s.setdatabase = "
        + "(select oid from pg_database where datname = current_database())) order by s.setdatabase")) {
      ps.setString(1, role);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String kv = rs.getString(1);
          int eq = kv.indexOf('=');
          if (eq > 0) {
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
        }
      }
    }
    return out;
  }

  /** The comment on the connected database, or empty. */
  static Optional<String> databaseComment(Connection c) throws SQLException {
    List<String> comment = strings(c, "select shobj_description(oid, 'pg_database') from pg_database "
        + "where datname = current_database()");
    return comment.isEmpty() || comment.get(0) == null ? Optional.empty() : Optional.of(comment.get(0));
  }

  /** Sets (or with an empty {@code comment}, removes) the comment on the connected database. */
  static void setDatabaseComment(Connection c, Optional<String> comment) throws SQLException {
    execute(c, "comment on database " + PgCli.ident(c.getCatalog()) + " is "
        + comment.map(PgCli::literal).orElse("null"));
  }

  /** A stored value ({@code "$user", public} for list settings) as the items to set. */
  static List<String> items(String name, String value) {
    return DumpSql.LIST_SETTINGS.contains(name) ? splitList(value) : List.of(value);
  }

  private static String literals(List<String> items) {
    return String.join(", ", items.stream().map(PgCli::literal).toList());
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** Splits a stored list setting ({@code "$user", public, "My Schema"}) into its unquoted items. */
  static List<String> splitList(String value) {
    return DumpSql.listSetting(value);
  }

  /** Schemas that hold at least one extension. */
  static List<String> extensionSchemas(Connection c) throws SQLException {
    return strings(c, "select distinct n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace "
        + "where e.extname <> 'plpgsql' order by 1");
  }

  /** Exact row counts of every application table and partition ({@code schema.name}), one scan each. */
  static Map<String, Long> rowCounts(Connection c) throws SQLException {
    Map<String, Long> rows = new java.util.TreeMap<>();
    List<String[]> tables = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select n.nspname, c.relname from pg_class c "
        + "join pg_namespace n on n.oid = c.relnamespace where c.relkind = 'r' and c.relpersistence <> 't' and "
        + USER_SCHEMA + " and not exists (select 1 from pg_depend d where d.objid = c.oid and d.classid = "
        + "'pg_class'::regclass and d.deptype = 'e') order by 1, 2")) {
      while (rs.next()) {
        tables.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] t : tables) {
      rows.put(t[0] + "." + t[1], count(c, "select count(*) from only " + PgCli.ident(t[0]) + "." + PgCli.ident(t[1])));
    }
    return rows;
  }

  static long count(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static List<String> strings(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** Whether {@code a} and {@code b} name the same database on the same server (as far as the client can tell). */
  static boolean sameDatabase(PgConnection a, PgConnection b) {
    return a.host().equalsIgnoreCase(b.host()) && a.port() == b.port() && a.database().equals(b.database());
  }
}
