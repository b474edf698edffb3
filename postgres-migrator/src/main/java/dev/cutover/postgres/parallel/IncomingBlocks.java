package dev.cutover.postgres.parallel;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.IncomingArchive;
import dev.cutover.postgres.archive.internal.ArchiveInput;
import dev.cutover.postgres.archive.internal.BlockReader;
import dev.cutover.postgres.archive.internal.ChunkInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data blocks of an archive that is still arriving. pg_dump writes them in TOC order after the TOC,
 * and when it writes to a pipe (as Heroku's backups are made) the TOC does not say where they start: a
 * scanner thread follows the download, reading only block headers and chunk lengths, and publishes each
 * block's position as soon as its header has arrived. A table's reader then follows the download through
 * its own block, so loading a table starts with its first bytes.
 */
final class IncomingBlocks implements ArchiveBlocks {
  private static final Logger log = LoggerFactory.getLogger(IncomingBlocks.class);

  private final IncomingArchive incoming;
  private final ArchiveToc toc;
  private final Map<Integer, Long> starts = new ConcurrentHashMap<>();
  private final Map<Integer, Long> lengths = new ConcurrentHashMap<>();
  private final ExecutorService scanner = Executors.newSingleThreadExecutor(RestoreEngine.daemon("cutover-restore-scan"));
  private volatile Runnable wake = () -> { };
  /** Set when the scan reached the end of the archive or failed: every block that will ever be known is. */
  private volatile boolean scanned;
  private volatile long total = -1;

  IncomingBlocks(IncomingArchive incoming, ArchiveToc toc) {
    this.incoming = incoming;
    this.toc = toc;
    scanner.execute(this::scan);
  }

  private void scan() {
    try (InputStream raw = incoming.open(toc.dataStart())) {
      ArchiveInput in = new ArchiveInput(new java.io.BufferedInputStream(raw, 1 << 16), toc.dataStart());
      in.configure(toc.header().intSize(), toc.header().offSize(), true);
      while (true) {
        long pos = in.position();
        int type = in.readByteOrEof();
        if (type < 0) {
          total = pos - toc.dataStart();
          return;
        }
        int dumpId = in.readInt();
        starts.put(dumpId, pos);
        wake.run();
        if (type == BlockReader.BLK_DATA) {
          new ChunkInputStream(in).skipRest();
        } else if (type == BlockReader.BLK_BLOBS) {
          while (in.readInt() != 0) {
            new ChunkInputStream(in).skipRest();
          }
        } else {
          throw new IOException("unknown data block type " + type + " at byte " + pos + " (corrupt archive)");
        }
        lengths.put(dumpId, in.position() - pos);
      }
    } catch (IOException e) {
      // The readers of the blocks meet the same failure (or the truncation) themselves.
      log.debug("scanning {} stopped: {}", incoming, e.getMessage());
    } finally {
      scanned = true;
      wake.run();
    }
  }

  @Override
  public Map<Integer, Long> lengths() {
    return Map.copyOf(lengths);
  }

  @Override
  public long totalBytes() {
    return total;
  }

  @Override
  public boolean ready(int dumpId) {
    return scanned || starts.containsKey(dumpId);
  }

  @Override
  public void onReady(Runnable wake) {
    this.wake = wake;
    wake.run();
  }

  @Override
  public BlockReader open(int dumpId, AtomicLong counter) throws IOException {
    Long position = starts.get(dumpId);
    if (position == null) {
      // The scan ended without finding it: the download broke off or the archive is truncated.
      try (InputStream probe = incoming.open(Long.MAX_VALUE - 1)) {
        probe.read();
      }
      throw new IOException("no data block for entry " + dumpId + " in the archive (it ends after "
          + incoming.finalSize() + " bytes)");
    }
    return BlockReader.open(incoming.open(position), toc.header(), position, dumpId, counter);
  }

  @Override
  public void close() {
    scanner.shutdownNow();
  }
}
