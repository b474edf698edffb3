package dev.cutover.postgres.parallel;

import dev.cutover.core.PgToolException;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.internal.BlockReader;
import dev.cutover.postgres.archive.internal.DataBlocks;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * The data of a {@code pg_dump -Fc} archive, on disk or still arriving ({@link ArchiveBlocks}): each table's
 * COPY text decompressed on its own reader thread (converted to COPY BINARY where {@link BinaryCopy} can)
 * and shared by the connections that load the table; large objects read from the archive.
 */
final class ArchiveData implements RestoreInput {
  private final ArchiveToc toc;
  private final ArchiveBlocks blocks;
  private final boolean binaryCopy;
  /** The dump's encoding when it is not UTF8 (COPY then names it), else null. */
  private final String copyEncoding;
  private final AtomicLong bytesRead = new AtomicLong();
  private final ExecutorService producers = Executors.newCachedThreadPool(RestoreEngine.daemon("cutover-restore-read"));
  private final Map<Integer, BinaryCopy> binary = new ConcurrentHashMap<>();
  private final Map<Integer, TableStream> streams = new ConcurrentHashMap<>();

  ArchiveData(ArchiveToc toc, ArchiveBlocks blocks, boolean binaryCopy) {
    this.toc = toc;
    this.blocks = blocks;
    this.binaryCopy = binaryCopy;
    String encoding = toc.encoding();
    this.copyEncoding = encoding.equalsIgnoreCase("UTF8") ? null : encoding;
  }

  /** Locates the data blocks of the complete file {@code archive}, whose TOC is {@code toc}. */
  static ArchiveData open(Path archive, ArchiveToc toc, boolean binaryCopy) {
    try {
      return new ArchiveData(toc, ArchiveBlocks.of(archive, toc, DataBlocks.locate(archive, toc)), binaryCopy);
    } catch (IOException e) {
      throw new PgToolException(RestoreEngine.STEP, RestoreEngine.STEP + ": cannot read the data blocks of " + archive
          + " (" + e.getMessage() + "); the archive is truncated or corrupt", false, e);
    }
  }

  @Override
  public Map<Integer, Long> lengths() {
    return blocks.lengths();
  }

  @Override
  public long totalBytes() {
    return blocks.totalBytes();
  }

  @Override
  public long bytesRead() {
    return bytesRead.get();
  }

  @Override
  public boolean ready(Item item) {
    return blocks.ready(item.id());
  }

  @Override
  public void onReady(Runnable wake) {
    blocks.onReady(wake);
  }

  @Override
  public void prepare(Session leader, Collection<Item> items) throws SQLException {
    if (!binaryCopy || copyEncoding != null) {
      return;
    }
    Map<String, Map<String, ColumnType>> columnTypes = columnTypes(leader);
    for (Item item : items) {
      if (item.kind == Item.Kind.TABLE_DATA) {
        BinaryCopy converter = binaryCopy(item, columnTypes);
        if (converter != null) {
          binary.put(item.id(), converter);
        }
      }
    }
  }

  @Override
  public boolean splittable(Item item) {
    return true;
  }

  @Override
  public List<String> copyOptions(Item item) {
    if (binary.containsKey(item.id())) {
      return List.of("FORMAT binary");
    }
    return copyEncoding == null ? List.of() : List.of("ENCODING '" + copyEncoding + "'");
  }

  @Override
  public byte[] header(Item item) {
    return binary.containsKey(item.id()) ? BinaryCopy.HEADER : new byte[0];
  }

  @Override
  public byte[] trailer(Item item) {
    return binary.containsKey(item.id()) ? BinaryCopy.TRAILER : new byte[0];
  }

  @Override
  public void start(Item item) {
    TableStream stream = new TableStream(item.parts);
    streams.put(item.id(), stream);
    BinaryCopy converter = binary.get(item.id());
    producers.execute(() -> stream.produce(() -> {
      BlockReader reader = blocks.open(item.id(), bytesRead);
      try {
        return new FilterInputStream(reader.tableData()) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              reader.close();
            }
          }
        };
      } catch (IOException | RuntimeException | Error e) {
        reader.close();
        throw e;
      }
    }, converter));
  }

  @Override
  public long feed(Item item, int part, TableStream.Sink sink) throws Exception {
    TableStream stream = streams.get(item.id());
    long[] bytes = {0};
    try {
      stream.consume((b, len) -> {
        sink.write(b, len);
        bytes[0] += len;
      });
    } catch (Exception e) {
      stream.abort();
      throw e;
    }
    return bytes[0];
  }

  @Override
  public void done(Item item) {
    // Drop the finished table's buffers: memory stays a few MiB per table being loaded.
    streams.remove(item.id());
  }

  @Override
  public void abort() {
    streams.values().forEach(TableStream::abort);
  }

  @Override
  public long largeObjects(Session s, Item item) throws Exception {
    LargeObjectManager lom = s.pg().getLargeObjectAPI();
    byte[] buf = new byte[1 << 16];
    long n = 0;
    try (BlockReader reader = blocks.open(item.id(), bytesRead)) {
      for (long oid = reader.nextLargeObject(); oid >= 0; oid = reader.nextLargeObject()) {
        LargeObject lo = lom.open(oid, LargeObjectManager.WRITE);
        try (InputStream data = reader.largeObjectData()) {
          for (int r = data.read(buf); r >= 0; r = data.read(buf)) {
            lo.write(buf, 0, r);
          }
        } finally {
          lo.close();
        }
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    abort();
    producers.shutdownNow();
    blocks.close();
  }

  /** A column's {@code pg_attribute.atttypid} and {@code atttypmod}. */
  private record ColumnType(int oid, int typmod) {}

  /**
   * The type OID and type modifier of every column of every ordinary or partitioned table on the
   * target, by table (schema, NUL, name) and column name.
   */
  private static Map<String, Map<String, ColumnType>> columnTypes(Session s) throws SQLException {
    Map<String, Map<String, ColumnType>> out = new HashMap<>();
    try (Statement st = s.jdbc().createStatement();
        ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, a.attname, a.atttypid::int, a.atttypmod"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1) + '\0' + rs.getString(2), k -> new HashMap<>())
            .put(rs.getString(3), new ColumnType(rs.getInt(4), rs.getInt(5)));
      }
    }
    return out;
  }

  /** The binary converter for a table's data, or null to send its text unchanged. */
  private static BinaryCopy binaryCopy(Item item, Map<String, Map<String, ColumnType>> columnTypes) {
    Map<String, ColumnType> types = columnTypes.get(item.entry.namespace() + '\0' + item.entry.tag());
    List<String> columns = types == null ? null : BinaryCopy.columns(item.sql, RestoreEngine.copyPrefix(item.entry));
    if (columns == null) {
      return null;
    }
    int[] oids = new int[columns.size()];
    int[] typmods = new int[columns.size()];
    for (int i = 0; i < oids.length; i++) {
      ColumnType type = types.get(columns.get(i));
      if (type == null) {
        return null;
      }
      oids[i] = type.oid();
      typmods[i] = type.typmod();
    }
    return BinaryCopy.of(item.entry.qualifiedName(), oids, typmods);
  }
}
