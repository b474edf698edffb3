package dev.cutover.postgres.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An archive that is still being downloaded: the file a downloader appends to, and how the download ends.
 * A restore can start on it at once (see {@code ParallelRestore.restore(IncomingArchive, ...)}): its readers
 * wait for bytes that have not arrived, see the end of the file only once the downloader called
 * {@link #complete()}, and fail with the download's failure after {@link #fail(Exception)}.
 *
 * <pre>{@code
 * IncomingArchive incoming = IncomingArchive.of(file);
 * executor.submit(() -> restorer.restore(incoming, target));    // starts on the first bytes
 * try (OutputStream out = Files.newOutputStream(file, APPEND)) {
 *   for (int n; (n = body.read(buf)) >= 0; ) { out.write(buf, 0, n); incoming.grew(); }
 *   incoming.complete();
 * } catch (IOException e) {
 *   incoming.fail(e);                                            // the restore stops with this failure
 * }
 * }</pre>
 *
 * <p>The downloader writes the file however it likes, only appending, and leaves it where it is until the
 * restore is done (readers open it by its path); {@link #grew()} just wakes readers early (they also look
 * for new bytes every 20 ms). Thread-safe. Holds no open file: each {@link #open} does, and its stream is
 * closed by the caller.
 */
public final class IncomingArchive {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Path file;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long finalSize = -1;
  private Exception failure;

  private IncomingArchive(Path file) {
    this.file = file;
  }

  /**
   * The archive being written to {@code file} (which may not exist yet).
   *
   * @param file the file the downloader writes
   * @return a new, incomplete archive
   */
  public static IncomingArchive of(Path file) {
    return new IncomingArchive(Objects.requireNonNull(file, "file"));
  }

  /**
   * A file that is already complete, read the same way.
   *
   * @param file the complete file
   * @return a complete archive
   * @throws IOException when the file cannot be read
   */
  public static IncomingArchive complete(Path file) throws IOException {
    IncomingArchive a = of(file);
    a.complete(Files.size(file));
    return a;
  }

  /**
   * The file the downloader writes.
   *
   * @return the file
   */
  public Path file() {
    return file;
  }

  /** Tells readers that more bytes were written (optional: they also poll). Called by the downloader. */
  public void grew() {
    signal();
  }

  /**
   * The download is complete: the file's current size is its final size. Called by the downloader once,
   * after the last byte is written (and flushed).
   *
   * @throws IOException when the file cannot be read
   */
  public void complete() throws IOException {
    complete(Files.size(file));
  }

  private void complete(long size) {
    lock.lock();
    try {
      if (failure == null && finalSize < 0) {
        finalSize = size;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The download broke off: readers waiting for more bytes, and every later read past what arrived, fail
   * with an {@link IOException} that has {@code cause} as its cause. Called by the downloader.
   *
   * @param cause why the download broke off
   */
  public void fail(Exception cause) {
    Objects.requireNonNull(cause, "cause");
    lock.lock();
    try {
      if (finalSize < 0 && failure == null) {
        failure = cause;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the download completed.
   *
   * @return true after {@link #complete()}
   */
  public boolean isComplete() {
    lock.lock();
    try {
      return finalSize >= 0;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The final size once complete.
   *
   * @return the size in bytes, or -1 while not complete
   */
  public long finalSize() {
    lock.lock();
    try {
      return finalSize;
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the file holds more than {@code position} bytes, or the download ended.
   *
   * @return false at the end of a complete file
   * @throws IOException when the download failed, carrying its failure
   */
  private boolean awaitBeyond(long position, FileChannel channel) throws IOException {
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          throw new IOException("the download of " + file.getFileName() + " broke off after "
              + Math.max(0, size(channel)) + " bytes: " + failure.getMessage(), failure);
        }
        if (size(channel) > position) {
          return true;
        }
        if (finalSize >= 0) {
          return position < finalSize;
        }
        changed.awaitNanos(POLL_NANOS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the download of " + file.getFileName());
    } finally {
      lock.unlock();
    }
  }

  /** The bytes there are so far: through the reader's channel, or of the file before it is open (-1: no file yet). */
  private long size(FileChannel channel) throws IOException {
    if (channel != null) {
      return channel.size();
    }
    return Files.exists(file) ? Files.size(file) : -1;
  }

  /**
   * Reads the file from {@code position}: a read blocks until bytes arrive, returns the end of the stream
   * only at the end of a complete download, and throws {@link IOException} once the download failed.
   * The caller closes the stream. Not thread-safe (one reader each).
   *
   * @param position where to start, in bytes from the start of the file
   * @return a stream of the file from {@code position}
   * @throws IOException when the file cannot be opened
   */
  public InputStream open(long position) throws IOException {
    return new InputStream() {
      private FileChannel channel;
      private long pos = position;

      private FileChannel channel() throws IOException {
        while (channel == null) {
          if (Files.exists(file)) {
            channel = FileChannel.open(file, StandardOpenOption.READ);
          } else if (isComplete()) {
            // A downloader must not move the file before the readers are done with it.
            throw new java.nio.file.NoSuchFileException(file.toString(), null, "gone after the download completed");
          } else if (!awaitBeyond(-1, null)) {
            return null;
          }
        }
        return channel;
      }

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        while (true) {
          FileChannel ch = channel();
          if (ch == null) {
            return -1;
          }
          int n = ch.read(ByteBuffer.wrap(b, off, len), pos);
          if (n > 0) {
            pos += n;
            return n;
          }
          if (!awaitBeyond(pos, ch)) {
            return -1;
          }
        }
      }

      @Override
      public long skip(long n) throws IOException {
        // Only what has arrived: ArchiveInput.skipFully reads on when this falls short.
        FileChannel ch = channel();
        if (ch == null || n <= 0) {
          return 0;
        }
        long skipped = Math.max(0, Math.min(n, ch.size() - pos));
        pos += skipped;
        return skipped;
      }

      @Override
      public void close() throws IOException {
        if (channel != null) {
          channel.close();
        }
      }
    };
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "IncomingArchive[" + file + (finalSize >= 0 ? ", complete, " + finalSize + " bytes"
          : failure != null ? ", failed" : ", downloading") + "]";
    } finally {
      lock.unlock();
    }
  }
}
