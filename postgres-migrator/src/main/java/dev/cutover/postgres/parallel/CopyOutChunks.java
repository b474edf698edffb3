package dev.cutover.postgres.parallel;

import java.io.IOException;
import java.util.Arrays;

/**
 * Gathers the messages of a source's {@code COPY ... TO STDOUT} (about one row each) into the large chunks
 * a {@link TableStream} carries, unchanged, or, for a COPY BINARY stream with {@code char(n)} columns,
 * with those values' trailing blanks dropped: the target's {@code bpchar} input pads them back, so the
 * stored values are the same, and it neither receives nor counts the blanks (on the benchmark's
 * {@code pgbench_accounts}, 84-byte {@code filler}, that is two thirds of the bytes and a third of the
 * target's COPY time). Not thread-safe; one per producer.
 */
final class CopyOutChunks {
  private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

  private final BinaryCopy.Output out;
  /** Per column, whether its blanks are dropped; null to pass everything through unparsed. */
  private final boolean[] padded;
  private final String table;
  private byte[] chunk;
  private int pos;
  /** Bytes of a binary stream not parsed yet (an incomplete header or row). */
  private byte[] pending = new byte[1 << 12];
  private int pendingLength;
  private boolean headerDone;
  private boolean trailerSeen;
  private long rows;

  CopyOutChunks(BinaryCopy.Output out, boolean[] padded, String table) {
    this.out = out;
    this.padded = padded;
    this.table = table;
    this.chunk = out.buffer(TableStream.CHUNK);
  }

  /** Adds one message of the COPY stream. */
  void add(byte[] data) throws IOException, InterruptedException {
    if (padded == null) {
      append(data, 0, data.length);
      return;
    }
    if (pendingLength + data.length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + data.length));
    }
    System.arraycopy(data, 0, pending, pendingLength, data.length);
    pendingLength += data.length;
    int used = parse(pending, pendingLength);
    System.arraycopy(pending, used, pending, 0, pendingLength - used);
    pendingLength -= used;
  }

  /** Pushes what is left; fails when a binary stream ended inside a row or without its trailer. */
  void finish() throws IOException, InterruptedException {
    if (padded != null && (pendingLength > 0 || !trailerSeen)) {
      throw new IOException("the binary COPY of " + table + " ended inside row " + (rows + 1));
    }
    if (pos > 0) {
      out.push(chunk, pos);
      pos = 0;
    }
  }

  /** Parses the header and whole rows of {@code b[0, length)}; returns how many bytes it consumed. */
  private int parse(byte[] b, int length) throws IOException, InterruptedException {
    int p = 0;
    if (!headerDone) {
      if (length < SIGNATURE.length + 8) {
        return 0;
      }
      if (!Arrays.equals(b, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)) {
        throw new IOException("the binary COPY of " + table + " does not start with the PGCOPY signature");
      }
      int headerEnd = SIGNATURE.length + 8 + getInt(b, SIGNATURE.length + 4);
      if (length < headerEnd) {
        return 0;
      }
      append(b, 0, headerEnd);
      headerDone = true;
      p = headerEnd;
    }
    while (p + 2 <= length) {
      int fields = (short) ((b[p] & 0xff) << 8 | b[p + 1] & 0xff);
      if (fields == -1) {
        append(b, p, 2);
        trailerSeen = true;
        return p + 2;
      }
      if (fields != padded.length) {
        throw new IOException("row " + (rows + 1) + " of the binary COPY of " + table + " has " + fields
            + " fields, expected " + padded.length);
      }
      // Find the row's end first: append it only once it is whole.
      int q = p + 2;
      boolean whole = true;
      for (int f = 0; f < fields; f++) {
        if (q + 4 > length) {
          whole = false;
          break;
        }
        int len = getInt(b, q);
        q += 4 + Math.max(len, 0);
        if (q > length) {
          whole = false;
          break;
        }
      }
      if (!whole) {
        break;
      }
      room(q - p);
      chunk[pos++] = b[p];
      chunk[pos++] = b[p + 1];
      int r = p + 2;
      for (int f = 0; f < fields; f++) {
        int len = getInt(b, r);
        r += 4;
        int kept = len;
        if (len > 0 && padded[f]) {
          // In UTF8 (the client encoding) a 0x20 byte is always a whole blank.
          while (kept >= 8 && (long) BinaryCopy.LONGS.get(b, r + kept - 8) == BinaryCopy.BLANKS) {
            kept -= 8;
          }
          while (kept > 0 && b[r + kept - 1] == ' ') {
            kept--;
          }
        }
        putInt(chunk, pos, kept);
        pos += 4;
        if (kept > 0) {
          System.arraycopy(b, r, chunk, pos, kept);
          pos += kept;
        }
        r += Math.max(len, 0);
      }
      rows++;
      p = q;
    }
    return p;
  }

  /** Appends bytes unchanged, pushing the chunk first when they do not fit. */
  private void append(byte[] data, int from, int length) throws InterruptedException {
    room(length);
    System.arraycopy(data, from, chunk, pos, length);
    pos += length;
  }

  private void room(int length) throws InterruptedException {
    if (pos + length > chunk.length) {
      if (pos > 0) {
        out.push(chunk, pos);
        pos = 0;
      }
      chunk = out.buffer(Math.max(TableStream.CHUNK, length));
    }
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | b[at + 3] & 0xff;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
