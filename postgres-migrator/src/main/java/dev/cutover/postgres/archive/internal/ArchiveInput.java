package dev.cutover.postgres.archive.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;

/**
 * Reads the archive's primitive encodings (pg_backup_archiver.c ReadInt/ReadStr/ReadOffset) from a
 * stream, counting the bytes consumed so that the caller knows absolute file positions.
 *
 * <p>Not thread-safe. Does not close the stream.
 */
public final class ArchiveInput {
  private final InputStream in;
  private long position;
  private int intSize = 4;
  private int offSize = 8;
  private boolean signByte = true;

  public ArchiveInput(InputStream in, long startPosition) {
    this.in = in;
    this.position = startPosition;
  }

  /** Sets the sizes announced by the header. */
  public void configure(int intSize, int offSize, boolean signByte) {
    this.intSize = intSize;
    this.offSize = offSize;
    this.signByte = signByte;
  }

  /** The absolute file position of the next byte. */
  public long position() {
    return position;
  }

  /** One unsigned byte. */
  public int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("end of file at byte " + position);
    }
    position++;
    return b;
  }

  /** One unsigned byte, or -1 at end of file (no exception). */
  public int readByteOrEof() throws IOException {
    int b = in.read();
    if (b >= 0) {
      position++;
    }
    return b;
  }

  /** Exactly {@code n} bytes into {@code buf}. */
  public void readFully(byte[] buf, int off, int n) throws IOException {
    int done = 0;
    while (done < n) {
      int r = in.read(buf, off + done, n - done);
      if (r < 0) {
        throw new EOFException("end of file at byte " + (position + done) + " while reading " + n + " bytes");
      }
      done += r;
    }
    position += n;
  }

  /** Skips exactly {@code n} bytes. */
  public void skipFully(long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new EOFException("end of file at byte " + (position + n - left) + " while skipping " + n + " bytes");
        }
        s = 1;
      }
      left -= s;
    }
    position += n;
  }

  /** A sign-magnitude int (sign byte, then {@code intSize} bytes little-endian), as a signed 32-bit value. */
  public int readInt() throws IOException {
    boolean negative = signByte && readByte() != 0;
    int value = 0;
    for (int i = 0; i < intSize; i++) {
      int b = readByte();
      if (i < 4) {
        value |= b << (8 * i);
      }
    }
    return negative ? -value : value;
  }

  /** A string: int length (-1 = NULL, returned as {@code null}) and that many bytes. */
  public String readStr(Charset charset) throws IOException {
    int len = readInt();
    if (len < 0) {
      return null;
    }
    byte[] b = new byte[len];
    readFully(b, 0, len);
    return new String(b, charset);
  }

  /** An offset field: flag byte + {@code offSize} bytes; returns {flag, position}. */
  public long[] readOffset() throws IOException {
    int flag = readByte();
    long pos = 0;
    for (int i = 0; i < offSize; i++) {
      long b = readByte();
      if (i < 8) {
        pos |= b << (8 * i);
      } else if (b != 0) {
        throw new IOException("file offset in archive does not fit in 64 bits");
      }
    }
    return new long[] {flag, pos};
  }
}
