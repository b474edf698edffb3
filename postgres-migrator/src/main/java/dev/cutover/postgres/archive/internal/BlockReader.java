package dev.cutover.postgres.archive.internal;

import dev.cutover.postgres.archive.ArchiveHeader;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one data block of an archive from its own file handle: the table data stream of a
 * {@code BLK_DATA} block, or the large objects of a {@code BLK_BLOBS} block one after another.
 * Not thread-safe; the caller closes it.
 */
public final class BlockReader implements Closeable {
  public static final int BLK_DATA = 1;
  public static final int BLK_BLOBS = 3;

  private final Closeable source;
  private final ArchiveInput in;
  private final String compression;
  private final int type;

  private final AtomicLong counter;
  private long counted;
  private ChunkInputStream current;

  private BlockReader(Closeable source, ArchiveInput in, String compression, int type, AtomicLong counter,
      long start) {
    this.source = source;
    this.in = in;
    this.compression = compression;
    this.type = type;
    this.counter = counter;
    this.counted = start;
  }

  /** Adds the archive bytes consumed since the last call to the progress counter (not the read-ahead). */
  private void count() {
    long p = in.position();
    counter.addAndGet(p - counted);
    counted = p;
  }

  /**
   * Opens the block at {@code position} and checks that it belongs to {@code dumpId}.
   *
   * @param counter incremented by every archive byte read (for progress)
   */
  public static BlockReader open(Path archive, ArchiveHeader header, long position, int dumpId, AtomicLong counter)
      throws IOException {
    FileChannel ch = FileChannel.open(archive, StandardOpenOption.READ);
    try {
      ch.position(position);
      return open(Channels.newInputStream(ch), header, position, dumpId, counter);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  /**
   * Opens the block that {@code in} starts at (file position {@code position}) and checks that it belongs
   * to {@code dumpId}. The reader closes {@code in}.
   *
   * @param counter incremented by every archive byte read (for progress)
   */
  public static BlockReader open(InputStream in, ArchiveHeader header, long position, int dumpId, AtomicLong counter)
      throws IOException {
    try {
      ArchiveInput input = new ArchiveInput(new BufferedInputStream(in, 1 << 18), position);
      input.configure(header.intSize(), header.offSize(), true);
      int type = input.readByte();
      int id = input.readInt();
      if (id != dumpId) {
        throw new IOException("found unexpected block ID (" + id + ") when reading data -- expected " + dumpId);
      }
      if (type != BLK_DATA && type != BLK_BLOBS) {
        throw new IOException("unrecognized data block type " + type + " for entry " + dumpId);
      }
      return new BlockReader(in, input, header.compression(), type, counter, position);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  public int type() {
    return type;
  }

  /** The decompressed table data ({@code BLK_DATA}); read it to the end once. */
  public InputStream tableData() throws IOException {
    return new Counted(Decompression.open(compression, new ChunkInputStream(in)));
  }

  /**
   * The next large object's OID ({@code BLK_BLOBS}), unsigned, or -1 after the last one. Read
   * {@link #largeObjectData()} to its end before calling this again.
   */
  public long nextLargeObject() throws IOException {
    if (current != null) {
      current.skipRest();
    }
    int oid = in.readInt();
    count();
    return oid == 0 ? -1 : Integer.toUnsignedLong(oid);
  }

  /** The decompressed content of the large object just announced by {@link #nextLargeObject()}. */
  public InputStream largeObjectData() throws IOException {
    current = new ChunkInputStream(in);
    return new Counted(Decompression.open(compression, current));
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  private final class Counted extends java.io.FilterInputStream {
    Counted(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count();
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      count();
      return n;
    }
  }
}
