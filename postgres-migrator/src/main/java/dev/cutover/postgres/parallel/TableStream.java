package dev.cutover.postgres.parallel;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One table's decompressed COPY text, produced on its own thread and consumed by one or more COPY
 * sessions. The producer cuts the text at row boundaries when there are several consumers, so each
 * consumer's COPY receives whole rows; memory is bounded by the queue (a few chunks).
 */
final class TableStream {
  static final int CHUNK = 1 << 20;

  /** A piece of COPY text; {@code endsRow} false only for a row longer than a chunk. */
  record Chunk(byte[] data, int length, boolean endsRow) {}

  private static final Chunk END = new Chunk(new byte[0], 0, true);

  private final BlockingQueue<Chunk> queue;
  /** Buffers handed back by consumers, so a table of any size reuses a few MiB. */
  private final BlockingQueue<byte[]> free;
  private final ReentrantLock takeLock = new ReentrantLock();
  private final boolean cutRows;
  private volatile boolean aborted;
  private volatile Throwable failure;

  TableStream(int consumers) {
    this.queue = new ArrayBlockingQueue<>(Math.max(3, 2 * consumers));
    this.free = new ArrayBlockingQueue<>(Math.max(3, 2 * consumers) + consumers + 2);
    this.cutRows = consumers > 1;
  }

  /** Opens the decompressed COPY text of the table (on the producer thread). */
  interface Source {
    InputStream open() throws IOException;
  }

  /**
   * Reads the source to its end, pushing chunks; runs on the producer thread. Whatever happens, the
   * consumers get the end marker, with the failure if there was one: they never wait forever.
   */
  void produce(Source source) {
    produce(source, null);
  }

  /**
   * As {@link #produce(Source)}, turning the text into COPY BINARY rows with {@code binary} when it is
   * not null (its chunks always end at a row boundary).
   */
  void produce(Source source, BinaryCopy binary) {
    produce(out -> {
      try (InputStream data = source.open()) {
        if (binary != null) {
          binary.convert(data, out);
        } else {
          copyText(data);
        }
      }
    });
  }

  /** Writes a table's data into the chunks {@link BinaryCopy.Output} hands out. */
  interface Producer {
    void write(BinaryCopy.Output out) throws Exception;
  }

  /**
   * Runs {@code producer} on the calling thread (the producer thread), pushing what it writes; whatever
   * happens, the consumers get the end marker, with the failure if there was one.
   */
  void produce(Producer producer) {
    try {
      producer.write(new BinaryCopy.Output() {
        @Override
        public byte[] buffer(int size) {
          return TableStream.this.buffer(size);
        }

        @Override
        public void push(byte[] buffer, int length) throws InterruptedException {
          put(new Chunk(buffer, length, true));
        }

        @Override
        public boolean stopped() {
          return aborted;
        }
      });
    } catch (InterruptedException e) {
      failure = e;
      Thread.currentThread().interrupt();
    } catch (Throwable e) {
      failure = e;
      if (e instanceof VirtualMachineError vme) {
        end();
        throw vme;
      }
    }
    end();
  }

  /** Passes the text on unchanged, cut at row boundaries when there are several consumers. */
  private void copyText(InputStream data) throws IOException, InterruptedException {
    byte[] buf = buffer();
    int filled = 0;
    while (!aborted) {
      int r = data.read(buf, filled, buf.length - filled);
      if (r > 0) {
        filled += r;
        if (filled < buf.length) {
          continue;
        }
      }
      boolean eof = r < 0;
      if (filled > 0) {
        int cut = filled;
        if (cutRows && !eof) {
          int nl = filled - 1;
          while (nl >= 0 && buf[nl] != '\n') {
            nl--;
          }
          cut = nl < 0 ? filled : nl + 1;
        }
        byte[] next = buffer();
        int rest = filled - cut;
        System.arraycopy(buf, cut, next, 0, rest);
        put(new Chunk(buf, cut, eof || !cutRows || buf[cut - 1] == '\n'));
        buf = next;
        filled = rest;
      }
      if (eof) {
        break;
      }
    }
  }

  private void end() {
    boolean interrupted = Thread.interrupted();
    try {
      put(END);
    } catch (InterruptedException e) {
      interrupted = true;
      abort();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private byte[] buffer() {
    return buffer(CHUNK);
  }

  /** A recycled buffer of at least {@code size} bytes, or a new one. */
  private byte[] buffer(int size) {
    byte[] b = free.poll();
    return b != null && b.length >= size ? b : new byte[Math.max(CHUNK, size)];
  }

  private void put(Chunk c) throws InterruptedException {
    while (!aborted) {
      if (queue.offer(c, 100, TimeUnit.MILLISECONDS)) {
        return;
      }
    }
  }

  /** Consumer side: one COPY's share of the stream. */
  interface Sink {
    void write(byte[] data, int length) throws Exception;
  }

  /**
   * Feeds chunks to {@code sink} until the stream ends; several consumers may call this at once.
   *
   * @throws IOException when the producer failed (the archive could not be read)
   */
  void consume(Sink sink) throws Exception {
    java.util.List<Chunk> group = new java.util.ArrayList<>(1);
    while (true) {
      boolean end = false;
      // Take one whole row group under the lock, but send it outside: a slow server must not
      // stall the other consumers.
      takeLock.lockInterruptibly();
      try {
        Chunk c;
        do {
          c = queue.take();
          if (c == END) {
            queue.put(END);
            end = true;
            break;
          }
          group.add(c);
        } while (!c.endsRow());
      } finally {
        takeLock.unlock();
      }
      for (Chunk c : group) {
        sink.write(c.data(), c.length());
        free.offer(c.data());
      }
      group.clear();
      if (end) {
        checkFailure();
        if (aborted) {
          // Never end a COPY normally on a cut-short stream: that would commit part of the table.
          throw new Cancelled();
        }
        return;
      }
    }
  }

  private void checkFailure() throws IOException {
    Throwable f = failure;
    if (f != null) {
      throw f instanceof IOException io ? io : new IOException(f.getMessage(), f);
    }
  }

  /** A consumer's COPY was stopped because another part of the restore failed. */
  static final class Cancelled extends IOException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled because another part of the restore failed");
    }
  }

  /** Stops the producer (a consumer failed) and frees the queued chunks. */
  void abort() {
    aborted = true;
    queue.clear();
    queue.offer(END);
  }
}
