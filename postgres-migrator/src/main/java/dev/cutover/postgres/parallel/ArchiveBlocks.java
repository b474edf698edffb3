package dev.cutover.postgres.parallel;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.internal.BlockReader;
import dev.cutover.postgres.archive.internal.DataBlocks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where an archive's data blocks are and how to read one: all known at once for a file on disk
 * ({@link #of}), or found one after another as a download arrives ({@link IncomingBlocks}).
 */
interface ArchiveBlocks extends AutoCloseable {
  /** Each block's size by dump id, as far as known (a block still arriving counts 0). */
  Map<Integer, Long> lengths();

  /** All data bytes, or -1 while not known. */
  long totalBytes();

  /** Whether the block of {@code dumpId} can be opened now (or is known to be missing). */
  boolean ready(int dumpId);

  /** Where to signal that more blocks became {@link #ready}. */
  void onReady(Runnable wake);

  /** Opens the block of {@code dumpId}, counting the archive bytes read in {@code counter}. */
  BlockReader open(int dumpId, AtomicLong counter) throws IOException;

  @Override
  void close();

  /** The blocks of a complete archive file, located through the TOC's offsets or one scan. */
  static ArchiveBlocks of(Path archive, ArchiveToc toc, DataBlocks blocks) {
    return new ArchiveBlocks() {
      @Override
      public Map<Integer, Long> lengths() {
        return blocks.length();
      }

      @Override
      public long totalBytes() {
        return blocks.totalBytes();
      }

      @Override
      public boolean ready(int dumpId) {
        return true;
      }

      @Override
      public void onReady(Runnable wake) {
        // every block is there
      }

      @Override
      public BlockReader open(int dumpId, AtomicLong counter) throws IOException {
        long position = blocks.start().getOrDefault(dumpId, -1L);
        if (position < 0) {
          throw new IOException("no data block for entry " + dumpId + " in the archive");
        }
        return BlockReader.open(archive, toc.header(), position, dumpId, counter);
      }

      @Override
      public void close() {
        // holds no file
      }
    };
  }
}
