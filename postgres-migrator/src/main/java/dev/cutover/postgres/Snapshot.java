package dev.cutover.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What verification compares, read from one database: exact row counts per table, partition and
 * materialized view, sequence values, extensions with their schema, object counts by kind, and the
 * database-level settings. Extension members and system schemas are left out.
 */
record Snapshot(Map<String, Long> rows, Map<String, String> sequences, Map<String, String> extensions,
    Map<String, Long> objects, Map<String, String> settings) {
  Snapshot {
    rows = Map.copyOf(rows);
    sequences = Map.copyOf(sequences);
    extensions = Map.copyOf(extensions);
    objects = Map.copyOf(objects);
    settings = Map.copyOf(settings);
  }

  private static final String NOT_EXTENSION_MEMBER = " and not exists (select 1 from pg_depend d where d.objid = %s "
      + "and d.classid = '%s'::regclass and d.deptype = 'e')";

  private static String notMember(String oid, String catalog) {
    return String.format(NOT_EXTENSION_MEMBER, oid, catalog);
  }

  private static final Map<String, String> OBJECT_COUNTS = objectCounts();

  private static Map<String, String> objectCounts() {
    String rel = "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where "
        + TargetDatabase.USER_SCHEMA + notMember("c.oid", "pg_class") + " and c.relkind in ";
    Map<String, String> q = new LinkedHashMap<>();
    q.put("tables", rel + "('r', 'p')");
    q.put("indexes", rel + "('i', 'I')");
    q.put("sequences", rel + "('S')");
    q.put("views", rel + "('v')");
    q.put("materialized views", rel + "('m')");
    // NOT NULL constraints are catalogued in pg_constraint only from PostgreSQL 18 on: leave them out,
    // so that a 16 source and an 18 target compare equal
    q.put("constraints", "select count(*) from pg_constraint k join pg_namespace n on n.oid = k.connamespace where "
        + TargetDatabase.USER_SCHEMA + " and k.contype <> 'n'" + notMember("k.oid", "pg_constraint"));
    q.put("functions", "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where "
        + TargetDatabase.USER_SCHEMA + notMember("p.oid", "pg_proc"));
    q.put("triggers", "select count(*) from pg_trigger t join pg_class c on c.oid = t.tgrelid "
        + "join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal and " + TargetDatabase.USER_SCHEMA);
    q.put("types", "select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where "
        + TargetDatabase.USER_SCHEMA + " and t.typtype in ('e', 'd', 'c', 'r') and (t.typtype <> 'c' or "
        + "(select c.relkind from pg_class c where c.oid = t.typrelid) = 'c')" + notMember("t.oid", "pg_type"));
    return q;
  }

  /** Reads everything. Blocks for as long as the exact row counts take (one sequential scan per table). */
  static Snapshot of(Connection c) throws SQLException {
    return new Snapshot(rowCounts(c, true), sequences(c), extensions(c), objects(c), TargetDatabase.databaseSettings(c));
  }

  /**
   * Exact row counts of every table and partition ({@code schema.name}), and with
   * {@code materializedViews} of every materialized view too (-1 when not populated).
   */
  static Map<String, Long> rowCounts(Connection c, boolean materializedViews) throws SQLException {
    Map<String, Long> rows = new TreeMap<>();
    List<String[]> tables = new java.util.ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "select n.nspname, c.relname, c.relkind = 'm' and not c.relispopulated from pg_class c "
            + "join pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r'" + (materializedViews ? ", 'm'" : "")
            + ") and "
            + TargetDatabase.USER_SCHEMA + notMember("c.oid", "pg_class") + " order by 1, 2")) {
      while (rs.next()) {
        tables.add(new String[] {rs.getString(1), rs.getString(2), rs.getBoolean(3) ? "t" : "f"});
      }
    }
    for (String[] t : tables) {
      String name = t[0] + "." + t[1];
      rows.put(name, "t".equals(t[2]) ? -1L
          : TargetDatabase.count(c, "select count(*) from " + PgCli.ident(t[0]) + "." + PgCli.ident(t[1])));
    }
    return rows;
  }

  private static Map<String, String> sequences(Connection c) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "select s.schemaname || '.' || s.sequencename, coalesce(s.last_value::text, 'not called') from pg_sequences s "
            + "join pg_namespace n on n.nspname = s.schemaname join pg_class c on c.relnamespace = n.oid "
            + "and c.relname = s.sequencename where " + TargetDatabase.USER_SCHEMA + notMember("c.oid", "pg_class"))) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static Map<String, String> extensions(Connection c) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "select e.extname, n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace")) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getString(2));
      }
    }
    return out;
  }

  private static Map<String, Long> objects(Connection c) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> q : OBJECT_COUNTS.entrySet()) {
      out.put(q.getKey(), TargetDatabase.count(c, q.getValue()));
    }
    return out;
  }
}
