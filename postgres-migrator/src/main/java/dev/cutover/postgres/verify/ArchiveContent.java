package dev.cutover.postgres.verify;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DumpSql;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.archive.internal.BlockReader;
import dev.cutover.postgres.archive.internal.DataBlocks;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The rows and large objects of an archive, digested so that they compare with the target's.
 *
 * <p>A table's archived rows are loaded in batches of about {@value #BATCH_BYTES} bytes into a
 * temporary table on the target (only the archive's columns, with the target's types), with the
 * archive's COPY text unchanged, so the target's own input functions read it exactly as the restore
 * did; each batch is digested like the target's table and emptied. Time zones, float formats and
 * server versions therefore cannot make equal rows look different. Large objects are read from the
 * archive and digested in Java as {@link LargeObjects} defines it.
 */
final class ArchiveContent {
  static final int BATCH_BYTES = 8 << 20;
  private static final AtomicInteger TEMP = new AtomicInteger();

  /**
   * One table the archive has data for.
   *
   * @param schema the table's schema (where the COPY loads)
   * @param name its name
   * @param columns the columns the COPY lists, in its order
   * @param entries the TABLE DATA entries loading it (more than one only with load-via-partition-root)
   */
  record Table(String schema, String name, List<String> columns, List<TocEntry> entries) {
    String qualified() {
      return schema + "." + name;
    }

    String quoted() {
      return Sql.ident(schema) + "." + Sql.ident(name);
    }

    /** {@code ROW(r."a", r."b")::text}: the archive's columns of a row, as text. */
    String rowText() {
      return "ROW(" + String.join(", ", columns.stream().map(c -> "r." + Sql.ident(c)).toList()) + ")::text";
    }
  }

  private ArchiveContent() {}

  /** The tables the archive loads, by the table its COPY names ({@code schema.name}). */
  static Map<String, Table> tables(ArchiveToc toc) {
    Map<String, Table> out = new LinkedHashMap<>();
    for (TocEntry e : toc.entries()) {
      if (!e.desc().equals("TABLE DATA") || !e.copyStmt().startsWith("COPY ")) {
        continue;
      }
      String stmt = e.copyStmt();
      Optional<DumpSql.Ident> schema = DumpSql.identifier(stmt, 5);
      Optional<DumpSql.Ident> table = schema.filter(s -> s.end() < stmt.length() && stmt.charAt(s.end()) == '.')
          .flatMap(s -> DumpSql.identifier(stmt, s.end() + 1));
      int open = stmt.indexOf(" (", table.map(DumpSql.Ident::end).orElse(0));
      int close = stmt.lastIndexOf(") FROM stdin");
      if (table.isEmpty() || open < 0 || close < open) {
        continue;
      }
      List<String> columns = DumpSql.identifierList(stmt.substring(open + 2, close));
      String key = schema.get().name() + "." + table.get().name();
      out.computeIfAbsent(key, k -> new Table(schema.get().name(), table.get().name(), columns, new ArrayList<>()))
          .entries().add(e);
    }
    return out;
  }


  /** The pieces that digest {@code table}'s archived rows, one per TABLE DATA entry, keyed {@code archive:schema.name}. */
  static List<Chunks.Piece> archivePieces(Path archive, ArchiveToc toc, DataBlocks blocks, Table table) {
    List<Chunks.Piece> out = new ArrayList<>();
    String encoding = toc.encoding();
    for (TocEntry e : table.entries()) {
      long position = blocks.start().getOrDefault(e.dumpId(), -1L);
      long weight = blocks.length().getOrDefault(e.dumpId(), 1L) * 8;
      out.add(new Chunks.Piece() {
        @Override
        public String key() {
          return "archive:" + table.qualified();
        }

        @Override
        public long weight() {
          return weight;
        }

        @Override
        public Digest run(ReadSession s) throws Exception {
          if (position < 0) {
            throw new IOException("the archive has no data block for entry " + e.dumpId());
          }
          try (BlockReader reader = BlockReader.open(archive, toc.header(), position, e.dumpId(), new AtomicLong());
              InputStream data = reader.tableData()) {
            return load(s, table, data, encoding);
          }
        }
      });
    }
    return out;
  }

  /** Loads and digests one entry's rows batch by batch in a temporary table. */
  private static Digest load(ReadSession s, Table table, InputStream data, String encoding) throws SQLException,
      IOException {
    String temp = "cutover_archive_rows_" + TEMP.incrementAndGet();
    String columns = String.join(", ", table.columns().stream().map(Sql::ident).toList());
    // the target's column types (domains and type modifiers included), read from the catalogue: the
    // table itself is not touched, so neither its constraints nor row security get in the way
    List<String> definitions = new ArrayList<>();
    for (String c : table.columns()) {
      String type = s.string("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = "
          + "?::regclass AND a.attname = ? AND NOT a.attisdropped", table.quoted(), c);
      if (type == null) {
        throw new SQLException("the target's table " + table.qualified() + " has no column " + c);
      }
      definitions.add(Sql.ident(c) + " " + type);
    }
    s.execute("CREATE TEMP TABLE " + temp + " (" + String.join(", ", definitions) + ")");
    String copy = "COPY pg_temp." + temp + " (" + columns + ") FROM STDIN"
        + (encoding.equalsIgnoreCase("UTF8") ? "" : " WITH (ENCODING " + Sql.literal(encoding) + ")");
    String digest = Digest.query("ROW(" + String.join(", ", table.columns().stream().map(c -> "r." + Sql.ident(c))
        .toList()) + ")::text", "pg_temp." + temp + " r");
    PGConnection pg = s.jdbc().unwrap(PGConnection.class);
    Digest sum = Digest.EMPTY;
    for (Iterator<byte[]> batches = batches(data); batches.hasNext(); ) {
      byte[] batch = batches.next();
      CopyIn in = pg.getCopyAPI().copyIn(copy);
      try {
        in.writeToCopy(batch, 0, batch.length);
        in.endCopy();
      } finally {
        if (in.isActive()) {
          in.cancelCopy();
        }
      }
      try (Statement st = s.jdbc().createStatement(); ResultSet rs = st.executeQuery(digest)) {
        rs.next();
        sum = sum.plus(Digest.of(rs.getLong(1), rs.getString(2)));
      }
      s.execute("TRUNCATE pg_temp." + temp);
    }
    s.execute("DROP TABLE pg_temp." + temp);
    return sum;
  }

  /**
   * The COPY text in batches of whole lines of at least {@value #BATCH_BYTES} bytes, up to the
   * end-of-data line {@code \.} (which, and what follows, is not returned).
   */
  static Iterator<byte[]> batches(InputStream data) {
    return new Iterator<>() {
      private final byte[] buf = new byte[1 << 16];
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
      private boolean ended;
      private byte[] next = advance();

      private byte[] advance() {
        try {
          ByteArrayOutputStream batch = new ByteArrayOutputStream(Math.min(BATCH_BYTES * 2, 1 << 20));
          ByteArrayOutputStream line = pending;
          while (!ended && batch.size() < BATCH_BYTES) {
            int n = data.read(buf);
            if (n < 0) {
              ended = true;
              break;
            }
            int start = 0;
            for (int i = 0; i < n; i++) {
              if (buf[i] == '\n') {
                line.write(buf, start, i + 1 - start);
                start = i + 1;
                byte[] l = line.toByteArray();
                line.reset();
                if (l.length == 3 && l[0] == '\\' && l[1] == '.') {
                  ended = true;
                  break;
                }
                batch.write(l, 0, l.length);
              }
            }
            if (!ended) {
              line.write(buf, start, n - start);
            }
          }
          if (ended && pending.size() > 0 && !isEndMarker(pending.toByteArray())) {
            batch.write(pending.toByteArray(), 0, pending.size());
            pending.reset();
          }
          return batch.size() == 0 ? null : batch.toByteArray();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public byte[] next() {
        if (next == null) {
          throw new java.util.NoSuchElementException();
        }
        byte[] current = next;
        next = ended ? null : advance();
        return current;
      }
    };
  }

  private static boolean isEndMarker(byte[] l) {
    return l.length >= 2 && l[0] == '\\' && l[1] == '.' && (l.length == 2 || l[2] == '\n' || l[2] == '\r');
  }

  /** Every large object in the archive, digested, in OID order. */
  static List<LargeObjects.Lo> largeObjects(Path archive, ArchiveToc toc, DataBlocks blocks) throws IOException {
    List<LargeObjects.Lo> out = new ArrayList<>();
    byte[] buf = new byte[1 << 16];
    for (TocEntry e : toc.entries()) {
      if (!e.desc().equals("BLOBS")) {
        continue;
      }
      long position = blocks.start().getOrDefault(e.dumpId(), -1L);
      if (position < 0) {
        throw new IOException("the archive has no data block for its large objects (entry " + e.dumpId() + ")");
      }
      try (BlockReader reader = BlockReader.open(archive, toc.header(), position, e.dumpId(), new AtomicLong())) {
        for (long oid = reader.nextLargeObject(); oid >= 0; oid = reader.nextLargeObject()) {
          LargeObjects.Hasher h = new LargeObjects.Hasher();
          try (InputStream in = reader.largeObjectData()) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
              h.update(buf, 0, n);
            }
          }
          out.add(h.finish(oid));
        }
      }
    }
    out.sort(java.util.Comparator.comparingLong(LargeObjects.Lo::oid));
    return out;
  }
}
