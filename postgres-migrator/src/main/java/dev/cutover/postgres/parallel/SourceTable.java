package dev.cutover.postgres.parallel;

import java.util.List;

/**
 * How a direct copy reads one table's rows from the source: the {@code COPY ... TO STDOUT} for the whole
 * table or for one of several {@code ctid} ranges, in binary when every column's type allows it.
 *
 * @param qualified the quoted, schema-qualified table name
 * @param columns the quoted column names, in COPY order
 * @param condition an extension configuration table's {@code WHERE ...} filter, or {@code ""}
 * @param binary whether the rows travel as COPY BINARY (every column of a built-in type with binary I/O)
 * @param padded for binary rows: which columns are {@code char(n)}, whose trailing blanks are dropped on
 *     the way (the target pads them back), or null when none is
 * @param pages the main fork's size in blocks, for ranges
 * @param bytes the table's size on the source
 */
record SourceTable(String qualified, List<String> columns, String condition, boolean binary, boolean[] padded,
    long pages, long bytes) {
  SourceTable {
    columns = List.copyOf(columns);
  }

  static SourceTable of(SourceCatalog.Table t, String condition) {
    boolean binary = t.columns().stream().allMatch(SourceCatalog.Column::binary) && !t.columns().isEmpty();
    boolean[] padded = new boolean[t.columns().size()];
    boolean anyPadded = false;
    for (int i = 0; i < padded.length; i++) {
      padded[i] = t.columns().get(i).padded();
      anyPadded |= padded[i];
    }
    return new SourceTable(t.qualified(), t.columns().stream().map(c -> Sql.id(c.name())).toList(), condition, binary,
        binary && anyPadded ? padded : null, t.pages(), t.bytes());
  }

  /** Whether the table can be read in {@code ctid} ranges (a TID range scan needs PostgreSQL 14). */
  boolean splittable(int serverVersion) {
    return condition.isEmpty() && serverVersion >= 140000 && pages > 1;
  }

  /**
   * The {@code COPY ... TO STDOUT} for part {@code part} of {@code parts}: whole-table parts of equal page
   * ranges, the last one open-ended so that nothing beyond the measured size can be missed.
   */
  String copyOut(int part, int parts) {
    String format = binary ? " (FORMAT binary)" : "";
    String list = String.join(", ", columns);
    if (parts == 1 && condition.isEmpty()) {
      return "COPY " + qualified + (columns.isEmpty() ? "" : " (" + list + ")") + " TO STDOUT" + format;
    }
    String where = condition;
    if (parts > 1) {
      long from = pages * part / parts;
      long to = pages * (part + 1) / parts;
      where = "WHERE " + (part == 0 ? "" : "ctid >= '(" + from + ",0)'::tid")
          + (part == 0 || part == parts - 1 ? "" : " AND ") + (part == parts - 1 ? "" : "ctid < '(" + to + ",0)'::tid");
    }
    return "COPY (SELECT " + (columns.isEmpty() ? "" : list) + " FROM ONLY " + qualified + " " + where + ") TO STDOUT"
        + format;
  }

  @Override
  public String toString() {
    return "SourceTable[" + qualified + (binary ? ", binary" : ", text") + (padded != null ? ", char(n) trimmed" : "")
        + ", " + pages + " pages]";
  }
}
