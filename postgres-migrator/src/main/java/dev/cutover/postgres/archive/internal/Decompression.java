package dev.cutover.postgres.archive.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** Decompresses one chunk-framed stream according to the archive's compression algorithm. */
public final class Decompression {
  private Decompression() {}

  /**
   * The decompressed bytes of {@code chunks}. When the returned stream reports end of file, the
   * chunk stream's terminator has been consumed.
   *
   * @throws IOException for an algorithm this reader cannot decompress (message says which)
   */
  public static InputStream open(String compression, ChunkInputStream chunks) throws IOException {
    if (compression.equals("none")) {
      return chunks;
    }
    if (!compression.equals("gzip") && chunks.isEmpty()) {
      // An empty large object: no chunks at all, not even a frame header.
      return InputStream.nullInputStream();
    }
    return switch (compression) {
      case "gzip" -> new ZlibStream(chunks);
      case "lz4" -> FrameCodecs.lz4(requireMagic(chunks, LZ4_MAGIC, "lz4"));
      case "zstd" -> FrameCodecs.zstd(requireMagic(chunks, ZSTD_MAGIC, "zstd"));
      default -> throw new IOException("data compressed with " + compression
          + " cannot be decompressed by this reader (gzip, lz4, zstd and none are supported)");
    };
  }

  private static final byte[] LZ4_MAGIC = {0x04, 0x22, 0x4d, 0x18};
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  /**
   * pg_dump writes one lz4 or zstd frame per stream; anything else (e.g. raw LZ4 blocks of an early
   * PostgreSQL 16 development build) is refused clearly instead of being misread.
   */
  private static InputStream requireMagic(InputStream in, byte[] magic, String name) throws IOException {
    PushbackInputStream p = new PushbackInputStream(in, magic.length);
    byte[] head = p.readNBytes(magic.length);
    if (!Arrays.equals(head, magic)) {
      throw new IOException("a " + name + " stream in the archive does not start with the " + name
          + " frame magic (found " + HexFormat.of().formatHex(head) + "); this archive's " + name
          + " framing is not supported: restore it with pg_restore");
    }
    p.unread(head);
    return p;
  }

  /**
   * A zlib (RFC 1950) stream over chunks. Unlike {@code InflaterInputStream} it accepts a stream
   * with no chunks at all (an empty large object) and consumes the chunk terminator at the end.
   */
  private static final class ZlibStream extends InputStream {
    private final ChunkInputStream chunks;
    private final Inflater inflater = new Inflater();
    private final byte[] in = new byte[1 << 16];
    private boolean eof;

    ZlibStream(ChunkInputStream chunks) {
      this.chunks = chunks;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      while (!eof) {
        try {
          int n = inflater.inflate(b, off, len);
          if (n > 0) {
            return n;
          }
        } catch (DataFormatException e) {
          throw new IOException("corrupt zlib data in archive: " + e.getMessage(), e);
        }
        if (inflater.finished()) {
          finish();
        } else if (inflater.needsInput()) {
          int r = chunks.read(in, 0, in.length);
          if (r < 0) {
            if (inflater.getTotalIn() == 0) {
              finish();
            } else {
              throw new IOException("zlib stream in archive ends early (truncated or corrupt archive)");
            }
          } else {
            inflater.setInput(in, 0, r);
          }
        } else if (inflater.needsDictionary()) {
          throw new IOException("zlib stream in archive needs a preset dictionary (corrupt archive)");
        }
      }
      return -1;
    }

    private void finish() throws IOException {
      eof = true;
      inflater.end();
      chunks.skipRest();
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
