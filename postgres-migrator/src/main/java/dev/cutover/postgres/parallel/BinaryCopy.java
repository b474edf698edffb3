package dev.cutover.postgres.parallel;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a table's COPY text, as pg_dump writes it, into {@code COPY ... (FORMAT binary)} rows, for
 * tables whose columns all have one of the few types it knows (integers, {@code oid}, {@code boolean},
 * {@code text}, {@code varchar}, {@code char}). The server then skips splitting and parsing the text,
 * which is most of a COPY's cost on narrow tables (FORMAT.md, "Binary COPY"); the conversion runs on
 * the table's reader thread, off the COPY threads. A {@code char(n)} value is sent without its
 * trailing blanks: the server pads it back to {@code n} ({@code bpchar_input}), so the stored value is
 * the same and the server neither receives nor counts the characters of the padding.
 *
 * <p>The text is read exactly as the server's {@code CopyReadAttributesText} reads it (tab delimiter,
 * {@code \N} for NULL, backslash escapes); a row it cannot read fails the restore instead of being
 * guessed. Output chunks always end at a row boundary, so a table can be split between connections.
 */
final class BinaryCopy {
  /** The file header: signature, flags 0, no header extension. */
  static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
  /** The file trailer: a field count of -1. */
  static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};
  /** Eight bytes at a time, to step over blank padding. */
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  static final long BLANKS = 0x2020_2020_2020_2020L;

  /** How a column's text becomes its binary value. */
  enum Kind { INT2, INT4, INT8, OID, BOOL, TEXT, PADDED_CHAR }

  /** Receives whole rows; hands out the buffers to write them into. */
  interface Output {
    /** A buffer of at least {@code size} bytes to fill. */
    byte[] buffer(int size);

    /** Passes on {@code length} bytes of whole rows; the buffer is not touched afterwards. */
    void push(byte[] buffer, int length) throws InterruptedException;

    /** Whether the restore stopped, so the conversion should too. */
    boolean stopped();
  }

  private final Kind[] kinds;
  private final String table;

  private BinaryCopy(Kind[] kinds, String table) {
    this.kinds = kinds;
    this.table = table;
  }

  /**
   * The converter for columns of the given type OIDs and type modifiers ({@code pg_attribute.atttypmod},
   * -1 for none), or null when one of them has a type it does not know.
   */
  static BinaryCopy of(String table, int[] typeOids, int[] typmods) {
    if (typeOids.length == 0 || typmods.length != typeOids.length) {
      return null;
    }
    Kind[] kinds = new Kind[typeOids.length];
    for (int i = 0; i < typeOids.length; i++) {
      kinds[i] = kind(typeOids[i], typmods[i]);
      if (kinds[i] == null) {
        return null;
      }
    }
    return new BinaryCopy(kinds, table);
  }

  /**
   * The conversion for a built-in type OID and type modifier, or null. Domains, arrays and extension
   * types are not converted.
   */
  static Kind kind(int typeOid, int typmod) {
    // char(n) has typmod n + 4 (VARHDRSZ); a bare bpchar (-1) keeps its trailing blanks as given.
    if (typeOid == 1042 && typmod >= 4) {
      return Kind.PADDED_CHAR;
    }
    return switch (typeOid) {
      case 16 -> Kind.BOOL;
      case 20 -> Kind.INT8;
      case 21 -> Kind.INT2;
      case 23 -> Kind.INT4;
      case 26 -> Kind.OID;
      case 25, 1042, 1043 -> Kind.TEXT; // text, bpchar, varchar: same binary form (the text bytes)
      default -> null;
    };
  }

  /**
   * The column names of a pg_dump {@code COPY <table> (<columns>) FROM stdin;} statement, unquoted,
   * or null when the statement has another shape. {@code prefix} is {@code "COPY <table> "} as the
   * statement spells the table.
   */
  static List<String> columns(String copyStmt, String prefix) {
    String s = copyStmt.strip();
    String tail = ") FROM stdin;";
    if (!s.startsWith(prefix + "(") || !s.endsWith(tail)) {
      return null;
    }
    List<String> out = new ArrayList<>();
    int i = prefix.length() + 1;
    int end = s.length() - tail.length();
    while (true) {
      StringBuilder id = new StringBuilder();
      if (i < end && s.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= end) {
            return null;
          }
          char c = s.charAt(i++);
          if (c == '"') {
            if (i < end && s.charAt(i) == '"') {
              id.append('"');
              i++;
              continue;
            }
            break;
          }
          id.append(c);
        }
      } else {
        while (i < end && s.charAt(i) != ',') {
          char c = s.charAt(i++);
          if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '$')) {
            return null;
          }
          id.append(c);
        }
      }
      if (id.isEmpty()) {
        return null;
      }
      out.add(id.toString());
      if (i == end) {
        return out;
      }
      if (!s.startsWith(", ", i)) {
        return null;
      }
      i += 2;
    }
  }

  /** Converts the COPY text in {@code in} (up to its {@code \.} line or end) into rows pushed to {@code out}. */
  void convert(InputStream in, Output out) throws IOException, InterruptedException {
    byte[] text = new byte[1 << 16];
    int start = 0;
    int end = 0;
    // text[clean, end) has not been searched for a newline; text[start, clean) holds none.
    int clean = 0;
    long row = 0;
    byte[] buf = out.buffer(TableStream.CHUNK);
    int pos = 0;
    int perRow = 2 + 12 * kinds.length;
    while (!out.stopped()) {
      int last = end - 1;
      while (last >= clean && text[last] != '\n') {
        last--;
      }
      if (last < clean) {
        // No whole row buffered: read more.
        if (start > 0) {
          System.arraycopy(text, start, text, 0, end - start);
          end -= start;
          start = 0;
        }
        if (end == text.length) {
          text = Arrays.copyOf(text, text.length * 2);
        }
        clean = end;
        int r = in.read(text, end, text.length - end);
        if (r < 0) {
          if (end > start) {
            throw new IOException("the data of " + table + " ends inside row " + (row + 1));
          }
          break;
        }
        end += r;
        continue;
      }
      // text[start, last] is whole rows, each ending in a newline.
      while (start <= last) {
        // The end marker: read the rest (blank line, compression trailer) so the stream ends cleanly.
        if (text[start] == '\\' && text[start + 1] == '.' && text[start + 2] == '\n') {
          while (in.read(text) >= 0) {
            // drained
          }
          if (pos > 0) {
            out.push(buf, pos);
          }
          return;
        }
        // A row's binary form is at most its text plus 12 bytes a field (length, int8) and 2.
        int bound = perRow + (last + 1 - start);
        if (pos + bound > buf.length) {
          if (pos > 0) {
            out.push(buf, pos);
            pos = 0;
          }
          buf = out.buffer(bound);
        }
        pos = row(text, start, last + 1, buf, pos, ++row);
        start = rowEnd;
      }
      clean = end;
    }
    if (pos > 0) {
      out.push(buf, pos);
    }
  }

  /** Where the row {@link #row} read last ended: the index after its newline. */
  private int rowEnd;

  /**
   * Writes the row starting at {@code text[from]} at {@code out[pos]}; returns the new position and
   * sets {@link #rowEnd}. {@code limit} is the end of the whole rows buffered. The row ends in a
   * newline and every field in a tab or that newline (an escaped tab or newline is a backslash and a
   * letter), so no bound is checked within a row.
   */
  private int row(byte[] text, int from, int limit, byte[] out, int pos, long row) throws IOException {
    int n = kinds.length;
    out[pos++] = (byte) (n >>> 8);
    out[pos++] = (byte) n;
    int p = from;
    for (int c = 0; c < n; c++) {
      if (c > 0 && text[p - 1] == '\n') {
        throw bad(row, "has " + c + " fields, expected " + n);
      }
      int lengthAt = pos;
      pos += 4;
      byte b = text[p];
      // Null: the raw field is exactly \N.
      if (b == '\\' && text[p + 1] == 'N' && (text[p + 2] == '\t' || text[p + 2] == '\n')) {
        putInt(out, lengthAt, -1);
        p += 3;
        continue;
      }
      Kind kind = kinds[c];
      if (kind == Kind.TEXT || kind == Kind.PADDED_CHAR) {
        // Runs of plain bytes are copied whole; escapes are undone as CopyReadAttributesText does.
        while (true) {
          int run = p;
          while (true) {
            // Eight blanks at a time: char(n) padding is most of some tables' text.
            while (p + 8 <= limit && (long) LONGS.get(text, p) == BLANKS) {
              p += 8;
            }
            if ((b = text[p]) == '\t' || b == '\n' || b == '\\') {
              break;
            }
            p++;
          }
          System.arraycopy(text, run, out, pos, p - run);
          pos += p - run;
          if (b != '\\') {
            break;
          }
          b = text[++p];
          p++;
          switch (b) {
            case '\n' -> throw bad(row, "ends with a lone backslash in field " + (c + 1));
            case '0', '1', '2', '3', '4', '5', '6', '7' -> {
              int v = b - '0';
              for (int k = 0; k < 2 && text[p] >= '0' && text[p] <= '7'; k++) {
                v = (v << 3) + (text[p++] - '0');
              }
              b = (byte) v;
            }
            case 'x' -> {
              int h = hex(text[p]);
              if (h >= 0) {
                p++;
                int h2 = hex(text[p]);
                if (h2 >= 0) {
                  p++;
                  h = (h << 4) + h2;
                }
                b = (byte) h;
              }
            }
            case 'b' -> b = '\b';
            case 'f' -> b = '\f';
            case 'n' -> b = '\n';
            case 'r' -> b = '\r';
            case 't' -> b = '\t';
            case 'v' -> b = 0x0b;
            default -> {
              // any other character after a backslash stands for itself
            }
          }
          out[pos++] = b;
        }
        if (kind == Kind.PADDED_CHAR) {
          // In UTF8 a 0x20 byte is always a whole blank.
          int value = lengthAt + 4;
          while (pos - 8 >= value && (long) LONGS.get(out, pos - 8) == BLANKS) {
            pos -= 8;
          }
          while (pos > value && out[pos - 1] == ' ') {
            pos--;
          }
        }
        putInt(out, lengthAt, pos - lengthAt - 4);
        p++;
        continue;
      }
      int fieldEnd = p;
      while ((b = text[fieldEnd]) != '\t' && b != '\n') {
        fieldEnd++;
      }
      switch (kind) {
        case BOOL -> {
          if (fieldEnd - p != 1 || text[p] != 't' && text[p] != 'f') {
            throw bad(row, "field " + (c + 1) + " is not a boolean (t or f)");
          }
          putInt(out, lengthAt, 1);
          out[pos++] = (byte) (text[p] == 't' ? 1 : 0);
        }
        case INT2 -> {
          long v = integer(text, p, fieldEnd, Short.MIN_VALUE, Short.MAX_VALUE, row, c);
          putInt(out, lengthAt, 2);
          out[pos++] = (byte) (v >>> 8);
          out[pos++] = (byte) v;
        }
        case INT4 -> {
          putInt(out, lengthAt, 4);
          putInt(out, pos, (int) integer(text, p, fieldEnd, Integer.MIN_VALUE, Integer.MAX_VALUE, row, c));
          pos += 4;
        }
        case OID -> {
          putInt(out, lengthAt, 4);
          putInt(out, pos, (int) integer(text, p, fieldEnd, 0, 0xFFFF_FFFFL, row, c));
          pos += 4;
        }
        case INT8 -> {
          long v = integer(text, p, fieldEnd, Long.MIN_VALUE, Long.MAX_VALUE, row, c);
          putInt(out, lengthAt, 8);
          putInt(out, pos, (int) (v >>> 32));
          putInt(out, pos + 4, (int) v);
          pos += 8;
        }
        default -> throw new IllegalStateException(kind.name());
      }
      p = fieldEnd + 1;
    }
    if (text[p - 1] != '\n') {
      throw bad(row, "has more than " + n + " fields");
    }
    rowEnd = p;
    return pos;
  }

  /** A decimal integer as the server prints it: optional minus sign, digits, in range. */
  private long integer(byte[] text, int from, int to, long min, long max, long row, int column) throws IOException {
    boolean negative = from < to && text[from] == '-';
    int i = negative ? from + 1 : from;
    if (i == to || to - i > 19) {
      throw bad(row, "field " + (column + 1) + " is not an integer");
    }
    long v = 0;
    for (; i < to; i++) {
      int d = text[i] - '0';
      if (d < 0 || d > 9) {
        throw bad(row, "field " + (column + 1) + " is not an integer");
      }
      // Accumulate negatively so Long.MIN_VALUE fits.
      if (v < (Long.MIN_VALUE + d) / 10) {
        throw bad(row, "field " + (column + 1) + " is out of range");
      }
      v = v * 10 - d;
    }
    if (!negative) {
      if (v == Long.MIN_VALUE) {
        throw bad(row, "field " + (column + 1) + " is out of range");
      }
      v = -v;
    }
    if (v < min || v > max) {
      throw bad(row, "field " + (column + 1) + " is out of range");
    }
    return v;
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }

  private static void putInt(byte[] out, int at, int v) {
    out[at] = (byte) (v >>> 24);
    out[at + 1] = (byte) (v >>> 16);
    out[at + 2] = (byte) (v >>> 8);
    out[at + 3] = (byte) v;
  }

  private IOException bad(long row, String what) {
    return new IOException("row " + row + " of the data of " + table + " " + what
        + "; the archive is corrupt or Cutover misread it (restore with binaryCopy(false) or the PG_RESTORE strategy)");
  }
}
