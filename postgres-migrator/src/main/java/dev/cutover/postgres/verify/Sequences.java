package dev.cutover.postgres.verify;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every application sequence with its state and definition, as one text per sequence: the value and
 * whether it was called (what {@code nextval} returns next depends on both), type, start, increment,
 * bounds, cache, cycle, and the column it belongs to.
 */
final class Sequences {
  private static final int BATCH = 200;

  private Sequences() {}

  /** Reads every sequence: one catalogue query, then the values in batches of {@value #BATCH}. */
  static Map<String, String> read(ReadSession s) throws SQLException {
    List<String[]> defs = s.rows("SELECT n.nspname, c.relname, concat_ws(', ', format_type(q.seqtypid, NULL), "
        + "'start ' || q.seqstart, 'increment ' || q.seqincrement, 'min ' || q.seqmin, 'max ' || q.seqmax, "
        + "'cache ' || q.seqcache, CASE WHEN q.seqcycle THEN 'cycle' ELSE 'no cycle' END, "
        + "(SELECT CASE d.deptype WHEN 'i' THEN 'identity of ' ELSE 'owned by ' END || d.refobjid::regclass::text || '.' "
        + "|| a.attname FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
        + "WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass "
        + "AND d.deptype IN ('a', 'i') LIMIT 1)) FROM pg_sequence q JOIN pg_class c ON c.oid = q.seqrelid "
        + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + Relation.USER_SCHEMA
        + " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid "
        + "AND e.deptype = 'e') ORDER BY 1, 2");
    Map<String, String> out = new TreeMap<>();
    for (int i = 0; i < defs.size(); i += BATCH) {
      List<String> selects = new ArrayList<>();
      List<String[]> batch = defs.subList(i, Math.min(defs.size(), i + BATCH));
      for (String[] d : batch) {
        selects.add("SELECT " + Sql.literal(d[0] + "." + d[1]) + ", last_value::text, is_called FROM "
            + Sql.ident(d[0]) + "." + Sql.ident(d[1]));
      }
      Map<String, String> values = new TreeMap<>();
      for (String[] v : s.rows(String.join(" UNION ALL ", selects))) {
        values.put(v[0], "value " + v[1] + ("t".equals(v[2]) ? " (called)" : " (not called)"));
      }
      for (String[] d : batch) {
        String name = d[0] + "." + d[1];
        out.put(name, values.get(name) + ", " + d[2]);
      }
    }
    return out;
  }
}
