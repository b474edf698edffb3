package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The text-to-binary conversion on its own. Its agreement with the server is proven by
 * {@link ParallelRestoreDifferentialTest} (binary restore equals pg_restore); here: the COPY
 * statement parsing, the exact bytes of each type, and that unreadable rows fail loudly.
 */
class BinaryCopyTest {
  private static final int INT2 = 21;
  private static final int INT4 = 23;
  private static final int INT8 = 20;
  private static final int OID = 26;
  private static final int BOOL = 16;
  private static final int TEXT = 25;

  @Test
  void columns_pgDumpStatements_unquotedNames() {
    assertThat(BinaryCopy.columns("COPY public.t (a, b_2, \"Odd \"\"x\"\", y\") FROM stdin;\n", "COPY public.t "))
        .containsExactly("a", "b_2", "Odd \"x\", y");
    assertThat(BinaryCopy.columns("COPY \"S\".\"T (x)\" (id) FROM stdin;", "COPY \"S\".\"T (x)\" ")).containsExactly("id");
  }

  @Test
  void columns_otherShapes_null() {
    assertThat(BinaryCopy.columns("COPY public.t  FROM stdin;", "COPY public.t ")).isNull();
    assertThat(BinaryCopy.columns("COPY public.t (a, B) FROM stdin;", "COPY public.t ")).isNull();
    assertThat(BinaryCopy.columns("COPY public.t (a,b) FROM stdin;", "COPY public.t ")).isNull();
    assertThat(BinaryCopy.columns("COPY public.u (a) FROM stdin;", "COPY public.t ")).isNull();
    assertThat(BinaryCopy.columns("COPY public.t (a) TO stdout;", "COPY public.t ")).isNull();
  }

  @Test
  void of_unknownType_null() {
    assertThat(of("t", INT4, 1184)).isNull(); // timestamptz
    assertThat(of("t")).isNull();
    assertThat(BinaryCopy.of("t", new int[] {INT4}, new int[0])).isNull();
    assertThat(of("t", INT4, TEXT)).isNotNull();
  }

  @Test
  void convert_everyType_exactBinaryRows() throws Exception {
    BinaryCopy copy = of("t", INT2, INT4, INT8, OID, BOOL, TEXT);
    String text = "-32768\t2147483647\t-9223372036854775808\t4294967295\tt\ta\\tb\\\\c\\nd\\101\\x41\\q\n"
        + "\\N\t0\t7\t0\tf\t\\N\n"
        + "\\.\n\n";

    List<byte[]> chunks = convert(copy, text);

    ByteBuffer b = ByteBuffer.wrap(concat(chunks));
    assertThat(b.getShort()).isEqualTo((short) 6);
    assertThat(b.getInt()).isEqualTo(2);
    assertThat(b.getShort()).isEqualTo(Short.MIN_VALUE);
    assertThat(b.getInt()).isEqualTo(4);
    assertThat(b.getInt()).isEqualTo(Integer.MAX_VALUE);
    assertThat(b.getInt()).isEqualTo(8);
    assertThat(b.getLong()).isEqualTo(Long.MIN_VALUE);
    assertThat(b.getInt()).isEqualTo(4);
    assertThat(b.getInt()).isEqualTo(-1); // 4294967295 as unsigned
    assertThat(b.getInt()).isEqualTo(1);
    assertThat(b.get()).isEqualTo((byte) 1);
    byte[] expected = "a\tb\\c\ndAAq".getBytes(StandardCharsets.UTF_8);
    assertThat(b.getInt()).isEqualTo(expected.length);
    byte[] actual = new byte[expected.length];
    b.get(actual);
    assertThat(actual).isEqualTo(expected);
    assertThat(b.getShort()).isEqualTo((short) 6);
    assertThat(b.getInt()).isEqualTo(-1);
    assertThat(b.getInt()).isEqualTo(4);
    assertThat(b.getInt()).isZero();
    b.position(b.position() + 4 + 8 + 4 + 4 + 4 + 1);
    assertThat(b.getInt()).isEqualTo(-1);
    assertThat(b.hasRemaining()).isFalse();
  }

  @Test
  void convert_rowLargerThanAChunk_getsItsOwnBuffer() throws Exception {
    BinaryCopy copy = of("t", INT4, TEXT);
    String big = "x".repeat(3 * TableStream.CHUNK);

    List<byte[]> chunks = convert(copy, "1\tsmall\n2\t" + big + "\n3\tsmall\n");

    assertThat(chunks).hasSizeGreaterThanOrEqualTo(2);
    assertThat(concat(chunks)).hasSize(3 * (2 + 4 + 4 + 4) + 5 + big.length() + 5);
  }

  @Test
  void convert_unreadableRows_failNamingTableAndRow() {
    BinaryCopy ints = of("app.t", INT4, INT2);
    assertThatThrownBy(() -> convert(ints, "1\t2\n3\t40000\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("row 2 of the data of app.t").hasMessageContaining("field 2 is out of range");
    assertThatThrownBy(() -> convert(ints, "1\t2\t3\n")).hasMessageContaining("more than 2 fields");
    assertThatThrownBy(() -> convert(ints, "1\n")).hasMessageContaining("has 1 fields, expected 2");
    assertThatThrownBy(() -> convert(ints, "1\t2x\n")).hasMessageContaining("is not an integer");
    assertThatThrownBy(() -> convert(ints, "1\t2\n3\t4")).hasMessageContaining("ends inside row 2");
    assertThatThrownBy(() -> convert(of("t", BOOL), "yes\n")).hasMessageContaining("boolean");
    assertThatThrownBy(() -> convert(of("t", INT8), "9223372036854775808\n"))
        .hasMessageContaining("out of range");
  }

  @Test
  void convert_charN_trailingBlanksDropped_bareBpcharKept() throws Exception {
    int bpchar = 1042;
    // char(5) (typmod 5 + 4) loses its padding, whether the blank was escaped or not; a tab stays;
    // a bare bpchar (typmod -1) and varchar keep every byte.
    BinaryCopy copy = BinaryCopy.of("t", new int[] {bpchar, bpchar, 1043}, new int[] {9, -1, 9});
    String text = "ab   \\tb  \\040\tx  \ty  \n"
        + "     \t   \t\n"
        + "\u00fc    \t\\N\t\u00fc \n";

    ByteBuffer b = ByteBuffer.wrap(concat(convert(copy, text)));

    assertThat(fields(b, 3)).containsExactly("ab   \tb", "x  ", "y  ");
    assertThat(fields(b, 3)).containsExactly("", "   ", "");
    assertThat(fields(b, 3)).containsExactly("\u00fc", null, "\u00fc ");
    assertThat(b.hasRemaining()).isFalse();
  }

  @Test
  void convert_longBlankRuns_onlyTrailingOnesDropped() throws Exception {
    int bpchar = 1042;
    BinaryCopy copy = BinaryCopy.of("t", new int[] {bpchar, 25}, new int[] {44, -1});
    String blanks9 = " ".repeat(9);
    String text = "a" + " ".repeat(20) + "b" + " ".repeat(30) + "\tx" + " ".repeat(17) + "\n"
        + "ab" + blanks9 + "\\040" + "   " + "\\t" + blanks9 + "\t" + blanks9 + "\\\\" + blanks9 + "\n"
        + "ab" + blanks9 + "\\040" + blanks9 + "\t\n";

    ByteBuffer b = ByteBuffer.wrap(concat(convert(copy, text)));

    assertThat(fields(b, 2)).containsExactly("a" + " ".repeat(20) + "b", "x" + " ".repeat(17));
    assertThat(fields(b, 2)).containsExactly("ab" + blanks9 + "    \t", blanks9 + "\\" + blanks9);
    assertThat(fields(b, 2)).containsExactly("ab", "");
    assertThat(b.hasRemaining()).isFalse();
  }

  @Test
  void convert_readsOfAnySize_sameRows() throws Exception {
    BinaryCopy copy = BinaryCopy.of("t", new int[] {INT8, 1042, TEXT, BOOL}, new int[] {-1, 12, -1, -1});
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      text.append(i * 7919L - 5_000_000).append('\t').append("k").append(i % 10).append(" ".repeat(i % 11))
          .append('\t').append(i % 5 == 0 ? "\\N" : "v\\t\\\\\\101" + " ".repeat(i % 13) + "\\x4" + "\u00e9".repeat(i % 3))
          .append('\t').append(i % 2 == 0 ? 't' : 'f').append('\n');
    }
    text.append("\\.\n\n");
    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
    byte[] whole = concat(convert(copy, text.toString()));

    for (int step : new int[] {1, 3, 7, 4096}) {
      List<byte[]> out = new ArrayList<>();
      copy.convert(new java.io.InputStream() {
        private int at;

        @Override
        public int read() {
          return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (at == bytes.length) {
            return -1;
          }
          int n = Math.min(Math.min(len, step), bytes.length - at);
          System.arraycopy(bytes, at, b, off, n);
          at += n;
          return n;
        }
      }, collector(out));
      assertThat(concat(out)).as("reads of %d bytes", step).isEqualTo(whole);
    }
    ByteBuffer b = ByteBuffer.wrap(whole);
    b.position(2 + 4 + 8);
    assertThat(b.getInt()).isEqualTo(2); // "k0", padding dropped
  }

  @Test
  void convert_loneBackslashAtRowEnd_fails() {
    assertThatThrownBy(() -> convert(of("t", TEXT, TEXT), "a\tb\\\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("row 1").hasMessageContaining("lone backslash in field 2");
  }

  /** The next row's fields as UTF-8 strings (null for NULL). */
  private static List<String> fields(ByteBuffer b, int n) {
    assertThat(b.getShort()).isEqualTo((short) n);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int len = b.getInt();
      if (len < 0) {
        out.add(null);
        continue;
      }
      byte[] v = new byte[len];
      b.get(v);
      out.add(new String(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** A converter for columns without type modifiers. */
  private static BinaryCopy of(String table, int... typeOids) {
    int[] typmods = new int[typeOids.length];
    java.util.Arrays.fill(typmods, -1);
    return BinaryCopy.of(table, typeOids, typmods);
  }

  private static List<byte[]> convert(BinaryCopy copy, String text) throws IOException, InterruptedException {
    List<byte[]> out = new ArrayList<>();
    copy.convert(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), collector(out));
    return out;
  }

  /** An output that keeps a copy of every chunk pushed. */
  private static BinaryCopy.Output collector(List<byte[]> out) {
    return new BinaryCopy.Output() {
      @Override
      public byte[] buffer(int size) {
        return new byte[Math.max(TableStream.CHUNK, size)];
      }

      @Override
      public void push(byte[] buffer, int length) {
        byte[] copyOf = new byte[length];
        System.arraycopy(buffer, 0, copyOf, 0, length);
        out.add(copyOf);
      }

      @Override
      public boolean stopped() {
        return false;
      }
    };
  }

  private static byte[] concat(List<byte[]> chunks) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    chunks.forEach(all::writeBytes);
    return all.toByteArray();
  }
}
