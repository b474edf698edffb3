package dev.cutover.postgres.verify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A relation whose rows verification digests: a table (partitions, unlogged and inherited tables
 * included; only its own rows, never its children's) or a materialized view.
 *
 * @param schema its schema
 * @param name its name
 * @param kind {@code table}, {@code partition}, {@code unlogged table} or {@code materialized view}
 * @param populated false for a materialized view that was never refreshed (it has no rows to read)
 * @param blocks its size in 8 KiB blocks when listed
 */
record Relation(String schema, String name, String kind, boolean populated, long blocks) {
  /** Chunks of this many blocks (32 MiB): a 100 GB table is 3,200 short queries spread over the sessions. */
  static final long CHUNK_BLOCKS = 4096;

  /** Schemas that belong to the server, never to the application (over {@code pg_namespace n}). */
  static final String USER_SCHEMA = "n.nspname NOT IN ('pg_catalog', 'information_schema') "
      + "AND n.nspname !~ '^pg_toast' AND n.nspname !~ '^pg_temp_'";

  /** {@code schema.name}, unquoted: how reports name it. */
  String qualified() {
    return schema + "." + name;
  }

  /** {@code "schema"."name"}. */
  String quoted() {
    return Sql.ident(schema) + "." + Sql.ident(name);
  }

  /**
   * Every table and materialized view of the application (not extension members, except the
   * configuration tables whose rows pg_dump carries), as seen in the session's snapshot.
   */
  static List<Relation> list(ReadSession s) throws SQLException {
    List<Relation> out = new ArrayList<>();
    String sql = "SELECT n.nspname, c.relname, CASE WHEN c.relkind = 'm' THEN 'materialized view' "
        + "WHEN c.relpersistence = 'u' THEN 'unlogged table' WHEN c.relispartition THEN 'partition' ELSE 'table' END, "
        + "c.relispopulated, pg_relation_size(c.oid) / current_setting('block_size')::int8 "
        + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        + "WHERE c.relkind IN ('r', 'm') AND c.relpersistence <> 't' AND " + USER_SCHEMA
        + " AND (NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid "
        + "AND d.deptype = 'e') OR c.oid IN (SELECT unnest(e.extconfig) FROM pg_extension e)) ORDER BY 1, 2";
    try (Statement st = s.jdbc().createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(new Relation(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4), rs.getLong(5)));
      }
    }
    return out;
  }

  /**
   * The pieces that digest this relation's rows ({@code rowText} over alias {@code r}): ctid ranges
   * of {@link #CHUNK_BLOCKS} blocks on servers with TID range scans (14+), the last one open-ended so
   * that it also covers blocks added since the size was read; one piece otherwise.
   */
  List<Chunks.Piece> pieces(int serverVersion, String rowText, String from) {
    List<Chunks.Piece> out = new ArrayList<>();
    if (serverVersion < 140000 || blocks <= CHUNK_BLOCKS) {
      out.add(piece(Digest.query(rowText, from), Math.max(1, blocks)));
      return out;
    }
    for (long start = 0; start < blocks; start += CHUNK_BLOCKS) {
      String range = "r.ctid >= '(" + start + ",0)'::tid"
          + (start + CHUNK_BLOCKS < blocks ? " AND r.ctid < '(" + (start + CHUNK_BLOCKS) + ",0)'::tid" : "");
      out.add(piece(Digest.query(rowText, from + " WHERE " + range), CHUNK_BLOCKS));
    }
    return out;
  }

  /** The pieces that digest every row as {@code (r.*)::text}, this relation's own rows only. */
  List<Chunks.Piece> pieces(int serverVersion) {
    return pieces(serverVersion, "(r.*)::text", "ONLY " + quoted() + " r");
  }

  private Chunks.Piece piece(String sql, long weight) {
    String key = qualified();
    return new Chunks.Piece() {
      @Override
      public String key() {
        return key;
      }

      @Override
      public long weight() {
        return weight;
      }

      @Override
      public Digest run(ReadSession s) throws SQLException {
        try {
          return digest(s, sql);
        } catch (SQLException e) {
          if (!s.ownsTarget() || !FORCED_RLS.equals(e.getSQLState()) || !String.valueOf(e.getMessage())
              .contains("row-level security")) {
            throw e;
          }
        }
        // The table's owner is not exempt from FORCE ROW LEVEL SECURITY (a target role that is not a
        // superuser): lift it inside the piece's savepoint, read, and roll the change back. On the
        // target only, which is ours during the downtime; the source is never written.
        s.execute("ROLLBACK TO SAVEPOINT " + Chunks.SAVEPOINT);
        s.execute("ALTER TABLE " + quoted() + " NO FORCE ROW LEVEL SECURITY");
        Digest d = digest(s, sql);
        s.execute("ROLLBACK TO SAVEPOINT " + Chunks.SAVEPOINT);
        return d;
      }
    };
  }

  /** {@code insufficient_privilege}, which a read with {@code row_security = off} fails with under forced RLS. */
  private static final String FORCED_RLS = "42501";

  private static Digest digest(ReadSession s, String sql) throws SQLException {
    try (Statement st = s.jdbc().createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return Digest.of(rs.getLong(1), rs.getString(2));
    }
  }
}
