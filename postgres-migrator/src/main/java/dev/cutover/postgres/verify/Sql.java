package dev.cutover.postgres.verify;

/** Quoting for the SQL verification builds. */
final class Sql {
  private Sql() {}

  /** {@code "name"}, with embedded quotes doubled. */
  static String ident(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** {@code 'value'}, with embedded quotes doubled (standard_conforming_strings on). */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
