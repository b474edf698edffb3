package dev.cutover.postgres.archive;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the pieces of SQL that pg_dump writes into an archive's entries: string literals
 * ({@code 'it''s'}, {@code E'a\\nb'}) and identifiers as {@code fmtId} quotes them. Stateless.
 */
public final class DumpSql {
  private DumpSql() {}

  /** Settings whose value is a list ({@code search_path}): stored item by item, quoted as identifiers. */
  public static final java.util.Set<String> LIST_SETTINGS = java.util.Set.of("search_path", "temp_tablespaces",
      "session_preload_libraries", "local_preload_libraries", "shared_preload_libraries", "unix_socket_directories");

  /**
   * The items of a list setting as {@code pg_db_role_setting} stores it ({@code "$user", public, "My Schema"}),
   * unquoted.
   *
   * @param value the stored value
   * @return its items
   */
  public static List<String> listSetting(String value) {
    List<String> items = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < value.length() && value.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cur.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        items.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    if (!value.isBlank()) {
      items.add(cur.toString().strip());
    }
    return items;
  }

  /**
   * {@code name} quoted as pg_dump's {@code fmtId} does: as it is when it is lower case, digits, {@code _}
   * and not a keyword, else in double quotes. Over-quoting a lower-case name is harmless, so the
   * keyword list is generous.
   *
   * @param name an identifier
   * @return it, quoted when needed
   */
  public static String fmtId(String name) {
    if (PLAIN.matcher(name).matches() && !name.contains("$") && !KEYWORDS.contains(name)) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * {@code schema.name} as pg_dump's {@code fmtQualifiedId} writes it ({@code name} alone without a schema).
   *
   * @param schema the schema, or {@code ""}
   * @param name the name
   * @return the qualified, quoted name
   */
  public static String fmtQualifiedId(String schema, String name) {
    return schema.isEmpty() ? fmtId(name) : fmtId(schema) + "." + fmtId(name);
  }

  private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[a-z_][a-z0-9_$]*");
  private static final java.util.Set<String> KEYWORDS = java.util.Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
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


  /**
   * A string literal at the end of {@code statement} (before the closing {@code ;} and whitespace),
   * as in {@code COMMENT ON … IS '…';}.
   *
   * @param start where the literal starts in {@code statement}
   * @param end where it ends (exclusive)
   * @param value its value, unescaped
   */
  public record Literal(int start, int end, String value) {}

  /**
   * The literal that ends {@code statement}, or empty when it does not end with one.
   *
   * @param statement one SQL statement
   * @return the literal, or empty
   */
  public static Optional<Literal> trailingLiteral(String statement) {
    String s = statement.stripTrailing();
    if (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).stripTrailing();
    }
    // Every candidate start is tried: the one whose literal runs exactly to the end wins.
    for (int i = s.indexOf('\''); i >= 0; i = s.indexOf('\'', i + 1)) {
      boolean escaped = i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e')
          && (i == 1 || !Character.isLetterOrDigit(s.charAt(i - 2)));
      int start = escaped ? i - 1 : i;
      if (start > 0 && !Character.isWhitespace(s.charAt(start - 1))) {
        continue;
      }
      Optional<int[]> end = literalEnd(s, i, escaped);
      if (end.isPresent() && end.get()[0] == s.length()) {
        return Optional.of(new Literal(start, s.length(), unescape(s.substring(i + 1, s.length() - 1), escaped)));
      }
    }
    return Optional.empty();
  }

  /**
   * The values of a comma-separated list of string literals ({@code '$user', 'public'}).
   *
   * @param text the list
   * @return the values
   * @throws IllegalArgumentException when it is not such a list
   */
  public static List<String> literalList(String text) {
    List<String> out = new ArrayList<>();
    String s = text.strip();
    int i = 0;
    while (i < s.length()) {
      boolean escaped = s.charAt(i) == 'E' || s.charAt(i) == 'e';
      int q = escaped ? i + 1 : i;
      if (q >= s.length() || s.charAt(q) != '\'') {
        throw new IllegalArgumentException("not a list of string literals: " + text);
      }
      int end = literalEnd(s, q, escaped).orElseThrow(() -> new IllegalArgumentException("unterminated literal: " + text))[0];
      out.add(unescape(s.substring(q + 1, end - 1), escaped));
      i = end;
      while (i < s.length() && (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i)))) {
        i++;
      }
    }
    return out;
  }

  /** The position after the literal whose opening quote is at {@code quote}. */
  private static Optional<int[]> literalEnd(String s, int quote, boolean escaped) {
    for (int j = quote + 1; j < s.length(); j++) {
      char c = s.charAt(j);
      if (escaped && c == '\\') {
        j++;
      } else if (c == '\'') {
        if (j + 1 < s.length() && s.charAt(j + 1) == '\'') {
          j++;
        } else {
          return Optional.of(new int[] {j + 1});
        }
      }
    }
    return Optional.empty();
  }

  private static String unescape(String body, boolean escaped) {
    StringBuilder out = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
        out.append('\'');
        i++;
      } else if (escaped && c == '\\' && i + 1 < body.length()) {
        char n = body.charAt(++i);
        switch (n) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          default -> out.append(n);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * An identifier as pg_dump writes it ({@code users}, {@code "My Ext"}) at {@code pos} in {@code s}.
   *
   * @param s the text
   * @param pos where the identifier starts
   * @return the name and the position after it, or empty when there is none
   */
  public static Optional<Ident> identifier(String s, int pos) {
    if (pos >= s.length()) {
      return Optional.empty();
    }
    if (s.charAt(pos) == '"') {
      StringBuilder name = new StringBuilder();
      for (int j = pos + 1; j < s.length(); j++) {
        char c = s.charAt(j);
        if (c == '"') {
          if (j + 1 < s.length() && s.charAt(j + 1) == '"') {
            name.append('"');
            j++;
          } else {
            return Optional.of(new Ident(name.toString(), j + 1));
          }
        } else {
          name.append(c);
        }
      }
      return Optional.empty();
    }
    int j = pos;
    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '$')) {
      j++;
    }
    return j == pos ? Optional.empty() : Optional.of(new Ident(s.substring(pos, j), j));
  }

  /**
   * The identifiers of a comma-separated list as pg_dump writes it (a COPY column list such as
   * {@code id, "Col", at}), unquoted.
   *
   * @param list the list
   * @return the names, in order
   */
  public static List<String> identifierList(String list) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < list.length()) {
      while (i < list.length() && (list.charAt(i) == ' ' || list.charAt(i) == ',')) {
        i++;
      }
      Optional<Ident> id = identifier(list, i);
      if (id.isEmpty()) {
        break;
      }
      out.add(id.get().name());
      i = id.get().end();
    }
    return out;
  }

  /**
   * An identifier read by {@link #identifier}.
   *
   * @param name the name, unquoted
   * @param end the position after it
   */
  public record Ident(String name, int end) {}
}
