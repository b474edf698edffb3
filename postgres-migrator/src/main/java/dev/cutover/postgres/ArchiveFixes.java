package dev.cutover.postgres;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DatabaseProperties;
import dev.cutover.postgres.archive.DumpSql;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.parallel.RestoreHooks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two things an archive's own SQL restores wrong, found in its table of contents before the restore,
 * with the statements that fix them (run at fixed points of any strategy's restore):
 *
 * <ul>
 *   <li>An inherited table whose parent gained a column after it: pg_dump writes
 *       {@code CREATE TABLE child (own columns) INHERITS (parent)}, which puts every inherited column
 *       first, so the column order differs from the source (its COPY column list says the source's
 *       order). Right after the table is created, it is re-created with the source's order and
 *       attached with {@code ALTER TABLE … INHERIT}, as {@code pg_dump --binary-upgrade} does.
 *   <li>A CHECK constraint, index, generated column, domain or materialized view that calls a
 *       function whose body calls another without a schema: a restore runs with an empty
 *       {@code search_path}, so that table's rows are refused. Before the data such functions get the
 *       source database's {@code search_path} ({@code ALTER FUNCTION … SET search_path}), and after
 *       everything it is reset, so their definitions end as on the source.
 * </ul>
 */
final class ArchiveFixes {
  private static final Pattern COPY = Pattern.compile("^COPY (.+?) \\((.*)\\) FROM stdin;\\s*$", Pattern.DOTALL);
  private static final Pattern INHERITS = Pattern.compile("\\nINHERITS \\((.*)\\);\\s*(?:\\n|$)");
  /** A schema-qualified call as pg_dump writes expressions: {@code public.valid_code(}. */
  private static final Pattern CALL = Pattern.compile(
      "((?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)\\.(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*))\\(");
  private static final Set<String> EXPRESSION_ENTRIES = Set.of("TABLE", "CHECK CONSTRAINT", "CONSTRAINT", "INDEX",
      "DOMAIN", "MATERIALIZED VIEW");

  private ArchiveFixes() {}

  /**
   * The statements that fix {@code toc}'s restore, and a line per fix for the restore's warnings.
   *
   * @param fixes where each fix is listed, for the user
   */
  static RestoreHooks of(ArchiveToc toc, List<String> fixes) {
    return of(toc, copyColumns(toc), fixes);
  }

  /**
   * As {@link #of(ArchiveToc, List)}, with the source's column order given ({@code schema.table} as
   * pg_dump quotes it, to its non-generated columns in order): for a schema-only archive, which has no
   * COPY statements to read it from.
   */
  static RestoreHooks of(ArchiveToc toc, Map<String, List<String>> columnOrder, List<String> fixes) {
    Map<Integer, List<String>> afterEntry = new LinkedHashMap<>();
    for (Map.Entry<TocEntry, List<String>> e : inheritedOrder(toc, columnOrder).entrySet()) {
      TocEntry t = e.getKey();
      afterEntry.put(t.dumpId(), List.of(recreateInOrder(t.namespace(), t.tag(), e.getValue())));
      fixes.add("table " + t.qualifiedName() + " inherits columns that come after its own on the source: re-created "
          + "with the source's column order " + e.getValue() + " and attached to its parents");
    }
    List<String> functions = searchPathFunctions(toc);
    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    if (!functions.isEmpty()) {
      List<String> path = DatabaseProperties.of(toc).settings().getOrDefault("search_path", List.of("$user", "public"));
      String items = String.join(", ", path.stream().map(PgCli::literal).toList());
      for (String f : functions) {
        before.add("ALTER FUNCTION " + f + " SET search_path TO " + items);
        after.add("ALTER FUNCTION " + f + " RESET search_path");
      }
      fixes.add("function(s) " + functions + " are called by constraints, indexes or views and set no search_path: "
          + "the data was loaded with the source database's search_path " + path + " on them (reset afterwards)");
    }
    return new RestoreHooks(afterEntry, before, after);
  }

  /**
   * Inherited tables whose restored column order would differ from the source's: to the source's
   * order of the columns that have data (generated ones are not in COPY lists).
   */
  static Map<TocEntry, List<String>> inheritedOrder(ArchiveToc toc, Map<String, List<String>> copyColumns) {
    Map<TocEntry, List<String>> out = new LinkedHashMap<>();
    for (TocEntry e : toc.entries()) {
      Matcher inh = e.desc().equals("TABLE") ? INHERITS.matcher(e.defn()) : null;
      List<String> own = copyColumns.get(DumpSql.fmtQualifiedId(e.namespace(), e.tag()));
      if (inh == null || !inh.find() || own == null) {
        continue;
      }
      List<String> predicted = new ArrayList<>();
      boolean known = true;
      for (String parent : splitTopLevel(inh.group(1))) {
        List<String> cols = copyColumns.get(parent.strip());
        if (cols == null) {
          known = false;
          break;
        }
        cols.stream().filter(c -> !predicted.contains(c)).forEach(predicted::add);
      }
      if (!known) {
        continue;
      }
      own.stream().filter(c -> !predicted.contains(c)).forEach(predicted::add);
      List<String> predictedWithData = predicted.stream().filter(own::contains).toList();
      if (!predictedWithData.equals(own)) {
        out.put(e, own);
      }
    }
    return out;
  }

  /**
   * Functions (as {@code schema.name(argument types)}) called from expressions the restore evaluates
   * while loading data or building indexes, that set no {@code search_path} of their own.
   */
  static List<String> searchPathFunctions(ArchiveToc toc) {
    Map<String, List<TocEntry>> functions = new HashMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("FUNCTION") && !e.defn().contains("\n    SET search_path TO ")) {
        int paren = e.tag().indexOf('(');
        if (paren > 0) {
          functions.computeIfAbsent(DumpSql.fmtQualifiedId(e.namespace(), e.tag().substring(0, paren)),
              k -> new ArrayList<>()).add(e);
        }
      }
    }
    Set<String> out = new LinkedHashSet<>();
    for (TocEntry e : toc.entries()) {
      if (!EXPRESSION_ENTRIES.contains(e.desc())) {
        continue;
      }
      Matcher m = CALL.matcher(e.defn());
      while (m.find()) {
        for (TocEntry f : functions.getOrDefault(m.group(1), List.of())) {
          int paren = f.tag().indexOf('(');
          out.add(DumpSql.fmtQualifiedId(f.namespace(), f.tag().substring(0, paren)) + f.tag().substring(paren));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * A block that re-creates the just-created, empty {@code schema.table} with its columns in
   * {@code order} (columns not listed, the generated ones, after them), every definition read back
   * from the catalogue (type, collation, default or generation, NOT NULL, storage, statistics,
   * options, CHECK constraints, persistence, reloptions, access method), then attaches it to its
   * parents again. Inherited columns and constraints are marked as not local when the role is a
   * superuser (as {@code pg_dump --binary-upgrade} does), so that they stay tied to their parents.
   */
  static String recreateInOrder(String schema, String table, List<String> order) {
    String name = DumpSql.fmtQualifiedId(schema, table);
    String columns = "ARRAY[" + String.join(", ", order.stream().map(PgCli::literal).toList()) + "]::text[]";
    return "DO $cutover$\n"
        + "DECLARE\n"
        + "  t regclass := " + PgCli.literal(name) + "::regclass;\n"
        + "  wanted text[] := " + columns + ";\n"
        + "  cols text; checks text; extra text; parents text[]; not_local_cols text[]; not_local_checks text[];\n"
        + "  persistence char; options text[]; am name; p text;\n"
        + "BEGIN\n"
        + "  SELECT string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod))\n"
        + "      || CASE WHEN a.attcollation <> ty.typcollation THEN ' COLLATE ' || quote_ident(cn.nspname) || '.'\n"
        + "         || quote_ident(co.collname) ELSE '' END\n"
        + "      || CASE WHEN a.attgenerated = 's' THEN ' GENERATED ALWAYS AS (' || pg_get_expr(d.adbin, d.adrelid)\n"
        + "         || ') STORED' WHEN d.adbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid) ELSE '' END\n"
        + "      || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END,\n"
        + "      ', ' ORDER BY coalesce(array_position(wanted, a.attname::text), 100000 + a.attnum)),\n"
        + "    string_agg(CASE WHEN a.attstorage <> ty.typstorage THEN format(' ALTER COLUMN %I SET STORAGE %s,',\n"
        + "      a.attname, CASE a.attstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' WHEN 'm' THEN 'MAIN'\n"
        + "      ELSE 'EXTENDED' END) ELSE '' END\n"
        + "      || CASE WHEN a.attstattarget >= 0 THEN format(' ALTER COLUMN %I SET STATISTICS %s,', a.attname,\n"
        + "         a.attstattarget) ELSE '' END\n"
        + "      || CASE WHEN a.attoptions IS NOT NULL THEN format(' ALTER COLUMN %I SET (%s),', a.attname,\n"
        + "         array_to_string(a.attoptions, ', ')) ELSE '' END, ''),\n"
        + "    array_agg(a.attname::text) FILTER (WHERE NOT a.attislocal)\n"
        + "  INTO cols, extra, not_local_cols\n"
        + "  FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid\n"
        + "  LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace\n"
        + "  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n"
        + "  WHERE a.attrelid = t AND a.attnum > 0 AND NOT a.attisdropped;\n"
        + "  SELECT string_agg(format(', CONSTRAINT %I %s', k.conname, pg_get_constraintdef(k.oid)), '' ORDER BY k.conname),\n"
        + "    array_agg(k.conname::text) FILTER (WHERE NOT k.conislocal)\n"
        + "  INTO checks, not_local_checks FROM pg_constraint k WHERE k.conrelid = t AND k.contype = 'c';\n"
        + "  SELECT array_agg(i.inhparent::regclass::text ORDER BY i.inhseqno) INTO parents FROM pg_inherits i\n"
        + "  WHERE i.inhrelid = t;\n"
        + "  SELECT c.relpersistence, c.reloptions, m.amname INTO persistence, options, am FROM pg_class c\n"
        + "  LEFT JOIN pg_am m ON m.oid = c.relam WHERE c.oid = t;\n"
        + "  EXECUTE format('DROP TABLE %s', t);\n"
        + "  EXECUTE format('CREATE %sTABLE %s (%s%s)%s%s', CASE WHEN persistence = 'u' THEN 'UNLOGGED ' ELSE '' END,\n"
        + "    " + PgCli.literal(name) + ", cols, coalesce(checks, ''),\n"
        + "    CASE WHEN am IS NOT NULL AND am <> 'heap' THEN ' USING ' || quote_ident(am) ELSE '' END,\n"
        + "    CASE WHEN options IS NOT NULL THEN ' WITH (' || array_to_string(options, ', ') || ')' ELSE '' END);\n"
        + "  IF extra <> '' THEN\n"
        + "    EXECUTE format('ALTER TABLE ONLY %s%s', " + PgCli.literal(name) + ", rtrim(extra, ','));\n"
        + "  END IF;\n"
        + "  FOREACH p IN ARRAY parents LOOP\n"
        + "    EXECUTE format('ALTER TABLE ONLY %s INHERIT %s', " + PgCli.literal(name) + ", p);\n"
        + "  END LOOP;\n"
        + "  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN\n"
        + "    UPDATE pg_attribute SET attislocal = false WHERE attrelid = " + PgCli.literal(name) + "::regclass\n"
        + "      AND attname = ANY (not_local_cols);\n"
        + "    UPDATE pg_constraint SET conislocal = false WHERE conrelid = " + PgCli.literal(name) + "::regclass\n"
        + "      AND conname = ANY (not_local_checks);\n"
        + "  END IF;\n"
        + "END\n"
        + "$cutover$;";
  }

  /** Each table's COPY column list ({@code schema.table} as pg_dump quotes it, to its columns). */
  static Map<String, List<String>> copyColumns(ArchiveToc toc) {
    Map<String, List<String>> copyColumns = new HashMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("TABLE DATA")) {
        Matcher m = COPY.matcher(e.copyStmt());
        if (m.matches()) {
          copyColumns.put(m.group(1), DumpSql.identifierList(m.group(2)));
        }
      }
    }
    return copyColumns;
  }


  /** Splits {@code a, "b, c".d} at the commas that are not inside double quotes. */
  private static List<String> splitTopLevel(String s) {
    List<String> out = new ArrayList<>();
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        out.add(s.substring(start, i));
        start = i + 1;
      }
    }
    out.add(s.substring(start));
    return out;
  }
}
