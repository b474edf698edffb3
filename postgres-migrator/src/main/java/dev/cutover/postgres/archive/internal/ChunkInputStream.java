package dev.cutover.postgres.archive.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * The payload bytes of one chunk-framed stream ({@code (int len > 0, len bytes)* int 0}), read from
 * an {@link ArchiveInput}. Ends after the zero-length terminator, which it consumes. Does not close
 * the underlying input.
 */
public final class ChunkInputStream extends InputStream {
  private final ArchiveInput in;
  private int left;
  private boolean done;

  public ChunkInputStream(ArchiveInput in) {
    this.in = in;
  }

  private boolean ensure() throws IOException {
    while (left == 0 && !done) {
      int len = in.readInt();
      if (len < 0) {
        throw new IOException("negative chunk length " + len + " at byte " + in.position());
      }
      if (len == 0) {
        done = true;
      }
      left = len;
    }
    return left > 0;
  }

  /** Whether the stream has no payload at all (reads the first chunk header). */
  public boolean isEmpty() throws IOException {
    return !ensure();
  }

  @Override
  public int read() throws IOException {
    if (!ensure()) {
      return -1;
    }
    left--;
    return in.readByte();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!ensure()) {
      return -1;
    }
    int n = Math.min(len, left);
    in.readFully(b, off, n);
    left -= n;
    return n;
  }

  /** Skips the rest of the stream, terminator included, without decompressing. */
  public void skipRest() throws IOException {
    while (ensure()) {
      in.skipFully(left);
      left = 0;
    }
  }
}
