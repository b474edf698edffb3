package dev.cutover.postgres.parallel;

import dev.cutover.postgres.archive.DumpSql;

/** Identifier quoting as pg_dump's {@code fmtId} (see {@link DumpSql#fmtId}). */
final class Sql {
  private Sql() {}

  static String id(String name) {
    return DumpSql.fmtId(name);
  }

  static String qualified(String schema, String name) {
    return DumpSql.fmtQualifiedId(schema, name);
  }
}
