package dev.cutover.postgres.parallel;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a direct copy needs to know about the source's data, read in the shared snapshot: every ordinary
 * and partitioned table with its columns and size, the configuration tables of extensions, and on
 * request sequence values and large objects. Immutable once read.
 *
 * @param tables tables by OID
 * @param extensionConfig configuration tables and sequences of extensions ({@code pg_extension_config_dump})
 * @param serverVersion the source's {@code server_version_num}
 */
record SourceCatalog(Map<Long, Table> tables, List<ConfigTable> extensionConfig, int serverVersion) {
  /** Types with an OID below this are built in: the same OID and binary format on every server. */
  static final long FIRST_NORMAL_OID = 16384;

  /**
   * A column as COPY sends it.
   *
   * @param binary whether its type is built in and has binary send and receive functions (so have its
   *     array elements), so that it may travel as COPY BINARY between servers of different versions
   * @param padded whether it is {@code char(n)}: its trailing blanks need not travel
   */
  record Column(String name, boolean binary, boolean padded) {}

  /**
   * A table.
   *
   * @param pages its main fork in blocks, for splitting by {@code ctid} ranges
   * @param bytes its size with TOAST, for the largest-first order
   * @param rows the planner's estimate
   * @param columns the columns COPY sends: not dropped, not generated, in order
   * @param readable whether the session may read it (then it may also lock it)
   */
  record Table(long oid, String schema, String name, char relkind, long pages, long bytes, long rows,
      List<Column> columns, boolean readable) {
    Table {
      columns = List.copyOf(columns);
    }

    String qualified() {
      return Sql.qualified(schema, name);
    }
  }

  /**
   * A configuration table or sequence of an extension, whose data pg_dump dumps.
   *
   * @param condition the {@code WHERE ...} filter it was registered with, or {@code ""}
   */
  record ConfigTable(String extension, long oid, char relkind, String condition) {}

  /** Reads the tables and extension configuration through {@code s}, in its snapshot. */
  static SourceCatalog read(SourceSession s) throws SQLException {
    int version = s.serverVersion();
    Map<Long, Table> tables = new LinkedHashMap<>();
    Map<Long, List<Column>> columns = new TreeMap<>();
    try (Statement st = s.jdbc().createStatement()) {
      String generated = version >= 120000 ? "a.attgenerated <> ''" : "false";
      try (ResultSet rs = st.executeQuery("SELECT a.attrelid, a.attname,"
          + " a.atttypid < " + FIRST_NORMAL_OID + " AND t.typsend::oid <> 0 AND t.typreceive::oid <> 0"
          + "   AND (t.typelem = 0 OR (t.typelem < " + FIRST_NORMAL_OID
          + "     AND e.typsend::oid <> 0 AND e.typreceive::oid <> 0)),"
          + " a.atttypid = 'pg_catalog.bpchar'::regtype AND a.atttypmod >= 4"
          + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
          + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid LEFT JOIN pg_catalog.pg_type e ON e.oid = t.typelem"
          + " WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND NOT " + generated
          + " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'"
          + " ORDER BY a.attrelid, a.attnum")) {
        while (rs.next()) {
          columns.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
              .add(new Column(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
        }
      }
      try (ResultSet rs = st.executeQuery("SELECT c.oid, n.nspname, c.relname, c.relkind,"
          + " pg_catalog.pg_relation_size(c.oid) / current_setting('block_size')::int,"
          + " pg_catalog.pg_table_size(c.oid), greatest(c.reltuples, 0)::bigint,"
          + " pg_catalog.has_table_privilege(c.oid, 'SELECT')"
          + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'"
          + " AND n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'")) {
        while (rs.next()) {
          long oid = rs.getLong(1);
          tables.put(oid, new Table(oid, rs.getString(2), rs.getString(3), rs.getString(4).charAt(0), rs.getLong(5),
              rs.getLong(6), rs.getLong(7), columns.getOrDefault(oid, List.of()), rs.getBoolean(8)));
        }
      }
      List<ConfigTable> config = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT e.extname, c.oid, c.relkind, coalesce(u.cond, '')"
          + " FROM pg_catalog.pg_extension e CROSS JOIN LATERAL unnest(e.extconfig, e.extcondition) AS u(cfg, cond)"
          + " JOIN pg_catalog.pg_class c ON c.oid = u.cfg ORDER BY 1, 2")) {
        while (rs.next()) {
          config.add(new ConfigTable(rs.getString(1), rs.getLong(2), rs.getString(3).charAt(0), rs.getString(4)));
        }
      }
      return new SourceCatalog(tables, config, version);
    }
  }

  /** The {@code last_value} and {@code is_called} of each sequence, read now (sequences are not transactional). */
  static Map<Long, String[]> sequenceValues(SourceSession s, Map<Long, String> qualifiedNames) throws SQLException {
    Map<Long, String[]> out = new LinkedHashMap<>();
    if (qualifiedNames.isEmpty()) {
      return out;
    }
    List<String> parts = new ArrayList<>();
    qualifiedNames.forEach((oid, name) -> parts.add("SELECT " + oid + "::bigint, last_value::text, is_called FROM "
        + name));
    try (Statement st = s.jdbc().createStatement(); ResultSet rs = st.executeQuery(String.join(" UNION ALL ", parts))) {
      while (rs.next()) {
        out.put(rs.getLong(1), new String[] {rs.getString(2), rs.getBoolean(3) ? "true" : "false"});
      }
    }
    return out;
  }

  /** Every large object's OID (ascending) and comment ({@code null} for none), in the snapshot. */
  static Map<Long, String> largeObjects(SourceSession s) throws SQLException {
    Map<Long, String> out = new TreeMap<>();
    try (Statement st = s.jdbc().createStatement(); ResultSet rs = st.executeQuery("SELECT m.oid::bigint, d.description"
        + " FROM pg_catalog.pg_largeobject_metadata m LEFT JOIN pg_catalog.pg_description d"
        + " ON d.objoid = m.oid AND d.classoid = 'pg_catalog.pg_largeobject'::regclass AND d.objsubid = 0")) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getString(2));
      }
    }
    return out;
  }
}
