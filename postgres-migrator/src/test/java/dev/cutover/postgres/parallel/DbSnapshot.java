package dev.cutover.postgres.parallel;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a restored database holds, in comparable form: the normalised {@code pg_dump --schema-only}
 * text, an order-independent checksum of every table and materialized view, sequence states, and
 * large objects with their comments.
 */
record DbSnapshot(String schema, Map<String, String> checksums, Map<String, String> sequences,
    Map<String, String> largeObjects) {

  static DbSnapshot of(String database) throws SQLException {
    String schema = LocalPg.tool("pg_dump", "--schema-only", "--no-owner", "--no-acl", database).lines()
        .filter(l -> !l.startsWith("--") && !l.isBlank() && !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .reduce("", (a, b) -> a + b + "\n");
    Map<String, String> checksums = new TreeMap<>();
    Map<String, String> sequences = new TreeMap<>();
    Map<String, String> los = new TreeMap<>();
    try (Connection c = LocalPg.jdbc(database); Statement st = c.createStatement()) {
      List<String> relations = new java.util.ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT format('%I.%I', n.nspname, c.relname), c.relkind FROM pg_class c "
          + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'S') "
          + "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1")) {
        while (rs.next()) {
          relations.add(rs.getString(2) + rs.getString(1));
        }
      }
      for (String r : relations) {
        String name = r.substring(1);
        if (r.charAt(0) == 'S') {
          sequences.put(name, one(st, "SELECT last_value || '/' || is_called FROM " + name));
        } else if (r.charAt(0) == 'm' && "f".equals(one(st, "SELECT relispopulated FROM pg_class WHERE oid = '" + name.replace("'", "''") + "'::regclass"))) {
          checksums.put(name, "unpopulated");
        } else {
          checksums.put(name, one(st, "SELECT count(*) || ':' || coalesce(md5(string_agg(ROW(t.*)::text, E'\\n' ORDER BY ROW(t.*)::text)), '-') FROM "
              + name + " t"));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT oid, md5(lo_get(oid)), obj_description(oid, 'pg_largeobject') "
          + "FROM pg_largeobject_metadata ORDER BY oid")) {
        while (rs.next()) {
          los.put(rs.getString(1), rs.getString(2) + " " + rs.getString(3));
        }
      }
    }
    return new DbSnapshot(schema, checksums, sequences, los);
  }

  private static String one(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
