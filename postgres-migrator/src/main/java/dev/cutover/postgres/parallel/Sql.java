package dev.cutover.postgres.parallel;

import java.util.Set;
import java.util.regex.Pattern;

/** Identifier quoting as pg_dump's {@code fmtId}: over-quoting a lower-case name is harmless, so the keyword list is generous. */
final class Sql {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");
  private static final Set<String> KEYWORDS = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
      "asymmetric", "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char",
      "character", "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create",
      "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
      "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct", "do", "else",
      "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full",
      "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int",
      "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral", "leading", "least", "left", "like",
      "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull",
      "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay",
      "placing", "position", "precision", "primary", "real", "references", "returning", "right", "row", "select",
      "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "system_user", "table",
      "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user",
      "using", "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes",
      "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
      "xmlserialize", "xmltable", "json", "json_array", "json_arrayagg", "json_object", "json_objectagg",
      "json_scalar", "json_serialize", "json_table", "json_value", "json_query", "json_exists", "merge_action");

  private Sql() {}

  static String id(String name) {
    if (PLAIN.matcher(name).matches() && !name.contains("$") && !KEYWORDS.contains(name)) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  static String qualified(String schema, String name) {
    return schema.isEmpty() ? id(name) : id(schema) + "." + id(name);
  }
}
