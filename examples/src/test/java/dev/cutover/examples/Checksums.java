package dev.cutover.examples;

import dev.cutover.core.model.PgConnection;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TrickyDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** Per-table row count and content checksum of the seeded tables: equal maps mean no row lost, changed or duplicated. */
final class Checksums {
  private Checksums() {}

  /** {@code table -> "count:md5"}, the md5 over every row's text form in sorted order. */
  static Map<String, String> of(PgConnection db) {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection conn = PgFixture.open(db); Statement st = conn.createStatement()) {
      for (String table : TrickyDatabase.tables()) {
        try (ResultSet rs = st.executeQuery("select count(*), md5(coalesce(string_agg(row(t.*)::text, E'\\n' order by row(t.*)::text), ''))"
            + " from " + table + " t")) {
          rs.next();
          out.put(table, rs.getLong(1) + ":" + rs.getString(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("checksums of " + db + ": " + e.getMessage(), e);
    }
    return out;
  }
}
