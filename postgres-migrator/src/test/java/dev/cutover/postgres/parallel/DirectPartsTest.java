package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.postgres.archive.ArchiveHeader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.archive.TocEntry.Section;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The pieces of a direct copy that need no server: the data entries it adds, its COPY statements, its chunks. */
class DirectPartsTest {
  private static final ArchiveHeader HEADER =
      new ArchiveHeader(1, 16, 0, "none", "17.5", "17.5", "db", -1, 4, 8, LocalDateTime.now());

  private static TocEntry entry(int id, String desc, Section section, String ns, String tag, String oid, int... deps) {
    return new TocEntry(id, false, "1259", oid, tag, desc, section, "CREATE ...;\n", "", "", ns, "", "", 0, "owner",
        Arrays.stream(deps).boxed().toList(), -1);
  }

  private static SourceCatalog.Table table(long oid, String schema, String name, char relkind, SourceCatalog.Column... c) {
    return new SourceCatalog.Table(oid, schema, name, relkind, 10, 80_000, 100, List.of(c), true);
  }

  @Test
  void of_dumpWithoutData_addsTableDataSequenceSetsAndLargeObjectsAsPgDump17() {
    List<TocEntry> schema = List.of(
        entry(1, "SCHEMA", Section.PRE_DATA, "", "Mixed Case", "2200"),
        entry(2, "TABLE", Section.PRE_DATA, "Mixed Case", "Weird Table", "100"),
        entry(3, "TABLE", Section.PRE_DATA, "app", "events", "101"),
        entry(4, "TABLE", Section.PRE_DATA, "app", "events_1", "102"),
        entry(5, "SEQUENCE", Section.PRE_DATA, "app", "users_id_seq", "103"),
        entry(6, "EXTENSION", Section.PRE_DATA, "", "postgis", "104"),
        entry(7, "INDEX", Section.POST_DATA, "app", "events_1_idx", "105", 4));
    Map<Long, SourceCatalog.Table> tables = new LinkedHashMap<>();
    tables.put(100L, table(100, "Mixed Case", "Weird Table", 'r', new SourceCatalog.Column("Id", true, false),
        new SourceCatalog.Column("select", true, false)));
    tables.put(101L, table(101, "app", "events", 'p', new SourceCatalog.Column("a", true, false)));
    tables.put(102L, table(102, "app", "events_1", 'r', new SourceCatalog.Column("a", true, false),
        new SourceCatalog.Column("code", true, true)));
    tables.put(106L, table(106, "public", "spatial_ref_sys", 'r', new SourceCatalog.Column("srid", true, false),
        new SourceCatalog.Column("m", false, false)));
    SourceCatalog catalog = new SourceCatalog(tables,
        List.of(new SourceCatalog.ConfigTable("postgis", 106, 'r', "WHERE srid NOT BETWEEN 2000 AND 2180")), 170005);
    Map<Long, String> largeObjects = new TreeMap<>();
    for (long oid = 1; oid <= 1001; oid++) {
      largeObjects.put(oid, oid == 7 ? "it's seven" : null);
    }

    DirectToc toc = DirectToc.of(new ArchiveToc(HEADER, schema, 0), catalog, Map.of(103L, new String[] {"42", "true"}),
        largeObjects);

    List<TocEntry> added = toc.toc().entries().subList(schema.size(), toc.toc().entries().size());
    assertThat(added).extracting(e -> e.desc() + " " + e.qualifiedName() + " " + e.dependencies()).containsExactly(
        "TABLE DATA Mixed Case.Weird Table [2]",
        "TABLE DATA app.events_1 [4]",
        "SEQUENCE SET app.users_id_seq [5]",
        "TABLE DATA public.spatial_ref_sys [6]",
        "BLOB METADATA 1..1000 []",
        "BLOBS 1..1000 [12]",
        "COMMENT LARGE OBJECT 7 [12]",
        "BLOB METADATA 1001 []",
        "BLOBS 1001 [15]");
    assertThat(added.get(0).copyStmt()).isEqualTo("COPY \"Mixed Case\".\"Weird Table\" (\"Id\", \"select\") FROM stdin;\n");
    assertThat(added.get(2).defn()).isEqualTo("SELECT pg_catalog.setval('app.users_id_seq', 42, true);\n");
    assertThat(added.get(4).defn()).startsWith("1\n2\n3\n").endsWith("\n1000\n");
    assertThat(added.get(6).defn()).isEqualTo("COMMENT ON LARGE OBJECT 7 IS 'it''s seven';\n");
    assertThat(toc.largeObjects().get(13)).hasSize(1000);
    assertThat(toc.largeObjects().get(16)).containsExactly(1001L);
    assertThat(toc.tables().get(8).copyOut(0, 1)).isEqualTo("COPY \"Mixed Case\".\"Weird Table\" (\"Id\", \"select\") "
        + "TO STDOUT (FORMAT binary)");
    assertThat(toc.tables().get(11).copyOut(0, 1)).isEqualTo("COPY (SELECT srid, m FROM ONLY public.spatial_ref_sys "
        + "WHERE srid NOT BETWEEN 2000 AND 2180) TO STDOUT");
    assertThat(toc.tables().get(9).padded()).containsExactly(false, true);
  }

  @Test
  void of_dumpWithBlobEntries_addsOneBlobsEntryForThem() {
    List<TocEntry> schema = List.of(
        new TocEntry(1, false, "2613", "77", "77", "BLOB", Section.PRE_DATA, "SELECT pg_catalog.lo_create('77');\n", "",
            "", "", "", "", 0, "owner", List.of(), -1),
        new TocEntry(2, false, "2613", "3000000000", "3000000000", "BLOB", Section.PRE_DATA, "...", "", "", "", "", "",
            0, "owner", List.of(), -1));

    DirectToc toc = DirectToc.of(new ArchiveToc(HEADER, schema, 0), new SourceCatalog(Map.of(), List.of(), 150000),
        Map.of(), Map.of(77L, "ignored: the dump has them"));

    assertThat(toc.toc().entries()).extracting(TocEntry::desc).containsExactly("BLOB", "BLOB", "BLOBS");
    assertThat(toc.largeObjects().get(3)).containsExactly(77L, 3000000000L);
  }

  @Test
  void copyOut_parts_coverEveryPageOnceInCtidRanges() {
    SourceTable t = new SourceTable("public.t", List.of("a", "\"B\""), "", false, null, 1000, 8_192_000);

    assertThat(t.copyOut(0, 3)).isEqualTo("COPY (SELECT a, \"B\" FROM ONLY public.t WHERE ctid < '(333,0)'::tid) TO STDOUT");
    assertThat(t.copyOut(1, 3)).isEqualTo(
        "COPY (SELECT a, \"B\" FROM ONLY public.t WHERE ctid >= '(333,0)'::tid AND ctid < '(666,0)'::tid) TO STDOUT");
    assertThat(t.copyOut(2, 3)).isEqualTo("COPY (SELECT a, \"B\" FROM ONLY public.t WHERE ctid >= '(666,0)'::tid) TO STDOUT");
    assertThat(t.splittable(140000)).isTrue();
    assertThat(t.splittable(130000)).as("no TID range scan before 14").isFalse();
  }

  /** A COPY BINARY stream of rows (int4 id, char(n) c, text t), as the server sends it. */
  private static byte[] binaryCopy(List<Object[]> rows) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(BinaryCopy.HEADER);
    for (Object[] row : rows) {
      out.writeBytes(ByteBuffer.allocate(2).putShort((short) row.length).array());
      for (Object v : row) {
        if (v == null) {
          out.writeBytes(ByteBuffer.allocate(4).putInt(-1).array());
        } else if (v instanceof Integer i) {
          out.writeBytes(ByteBuffer.allocate(8).putInt(4).putInt(i).array());
        } else {
          byte[] b = ((String) v).getBytes(StandardCharsets.UTF_8);
          out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
          out.writeBytes(b);
        }
      }
    }
    out.writeBytes(BinaryCopy.TRAILER);
    return out.toByteArray();
  }

  /** Feeds {@code stream} in messages of {@code size} bytes; returns what came out. */
  private static byte[] chunked(byte[] stream, int size, boolean[] padded) throws Exception {
    ByteArrayOutputStream result = new ByteArrayOutputStream();
    BinaryCopy.Output out = new BinaryCopy.Output() {
      @Override
      public byte[] buffer(int n) {
        return new byte[n];
      }

      @Override
      public void push(byte[] buffer, int length) {
        result.write(buffer, 0, length);
      }

      @Override
      public boolean stopped() {
        return false;
      }
    };
    CopyOutChunks chunks = new CopyOutChunks(out, padded, "public.t");
    for (int i = 0; i < stream.length; i += size) {
      chunks.add(Arrays.copyOfRange(stream, i, Math.min(stream.length, i + size)));
    }
    chunks.finish();
    return result.toByteArray();
  }

  @Test
  void add_binaryRowsInMessagesOfAnySize_dropsTheBlanksOfCharColumnsOnly() throws Exception {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {1, "ab        ", "text keeps  "});
    rows.add(new Object[] {2, null, null});
    rows.add(new Object[] {3, "", " "});
    rows.add(new Object[] {4, "日本 語       " + " ".repeat(70), "x"});
    rows.add(new Object[] {5, "         ", "\t "});
    List<Object[]> trimmed = new ArrayList<>();
    trimmed.add(new Object[] {1, "ab", "text keeps  "});
    trimmed.add(new Object[] {2, null, null});
    trimmed.add(new Object[] {3, "", " "});
    trimmed.add(new Object[] {4, "日本 語", "x"});
    trimmed.add(new Object[] {5, "", "\t "});
    byte[] stream = binaryCopy(rows);
    boolean[] padded = {false, true, false};

    for (int size : List.of(1, 2, 3, 7, 19, 20, 64, stream.length)) {
      assertThat(chunked(stream, size, padded)).as("messages of %d bytes", size).isEqualTo(binaryCopy(trimmed));
      assertThat(chunked(stream, size, null)).as("passed through, %d", size).isEqualTo(stream);
    }
  }

  @Test
  void finish_binaryStreamCutInsideARow_fails() {
    byte[] stream = binaryCopy(List.<Object[]>of(new Object[] {1, "a ", "b"}));
    byte[] cut = Arrays.copyOf(stream, stream.length - 5);

    assertThatThrownBy(() -> chunked(cut, 8, new boolean[] {false, true, false})).isInstanceOf(IOException.class)
        .hasMessageContaining("ended inside row 1");
  }

  @Test
  void add_rowWithWrongFieldCount_fails() {
    byte[] stream = binaryCopy(List.<Object[]>of(new Object[] {1, "a "}));

    assertThatThrownBy(() -> chunked(stream, 100, new boolean[] {false, true, false})).isInstanceOf(IOException.class)
        .hasMessageContaining("has 2 fields, expected 3");
  }
}
