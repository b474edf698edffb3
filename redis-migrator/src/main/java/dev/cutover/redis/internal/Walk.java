package dev.cutover.redis.internal;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Walks one logical database's keyspace: the calling thread runs {@code SCAN} and hands each reply's
 * keys, as a batch, to one of several workers (each with its own connections), so every key goes to
 * exactly one worker. Batches finish out of order; the walk reports, in order, the cursor before which
 * every batch is finished (the watermark a checkpoint can hold). At most two batches per worker wait in
 * the queue, so memory does not grow with the keyspace.
 *
 * <p>{@code SCAN} is cheap next to the per-key work it feeds ({@code DUMP}/{@code RESTORE}); one
 * scanner keeps the workers busy without splitting the cursor space, which would rest on how one
 * Redis version lays out its hash table.
 */
public final class Walk implements AutoCloseable {
  /** Handles batches on one worker thread; owns its connections. */
  public interface Worker extends AutoCloseable {
    /** Handles the keys of one {@code SCAN} reply from database {@code db}. */
    Tally handle(int db, List<byte[]> keys);

    @Override
    void close();
  }

  /**
   * What batches did.
   *
   * @param keys keys handled (copied, or checked)
   * @param bytes payload bytes
   * @param expired keys gone by the time they were read
   */
  public record Tally(long keys, long bytes, long expired) {
    /** Nothing. */
    public static final Tally ZERO = new Tally(0, 0, 0);

    /** The sum. */
    public Tally plus(Tally other) {
      return new Tally(keys + other.keys, bytes + other.bytes, expired + other.expired);
    }
  }

  /** Called on the walking thread each time the watermark moves. */
  public interface Advance {
    /**
     * @param cursor every key {@code SCAN} returned before this cursor is handled
     * @param done whether the whole database is
     * @param handled what the batches before the cursor did since the walk started
     */
    void advanced(String cursor, boolean done, Tally handled);
  }

  private record Batch(long seq, List<byte[]> keys, String cursorAfter) {}

  private record Finished(long seq, String cursorAfter, Tally tally) {}

  private static final Batch STOP = new Batch(-1, List.of(), "");

  private final String step;
  private final List<Worker> workers;
  private final ExecutorService threads;

  /** Starts one thread per worker; {@link #close()} stops them and closes the workers. */
  public Walk(String step, List<? extends Worker> workers) {
    this.step = step;
    this.workers = List.copyOf(workers);
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(this.workers.size(), r -> {
      Thread t = new Thread(r, "cutover-" + step + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Walks database {@code db} from {@code cursor} with {@code SCAN … COUNT count} on {@code scanner}.
   * Blocks until every batch is handled or one fails.
   *
   * @throws MigrationException the first worker's failure, after the others stopped
   * @throws MigrationCancelledException when the calling thread is interrupted
   */
  public void run(Link scanner, int db, String cursor, int count, Advance advance) {
    BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(workers.size() * 2);
    BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    List<Future<?>> running = new ArrayList<>();
    for (Worker worker : workers) {
      running.add(threads.submit(() -> work(worker, db, queue, finished, failure)));
    }
    Watermark mark = new Watermark(cursor);
    boolean ended = false;
    try {
      scanner.select(db);
      scanner.readSelect();
      long seq = 0;
      String next = cursor;
      boolean first = true;
      while (failure.get() == null && (first || !next.equals("0"))) {
        first = false;
        List<?> reply = (List<?>) scanner.call(Link.Cmd.SCAN, Link.bytes(next), Link.bytes("COUNT"), Link.bytes(count));
        next = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
        @SuppressWarnings("unchecked")
        List<byte[]> keys = (List<byte[]>) reply.get(1);
        Batch batch = new Batch(seq++, keys, next);
        if (keys.isEmpty()) {
          finished.add(new Finished(batch.seq, batch.cursorAfter, Tally.ZERO));
        } else {
          while (failure.get() == null && !queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
            mark.drain(finished, advance, false);
          }
        }
        mark.drain(finished, advance, false);
      }
      stop(queue, running, failure);
      rethrow(failure);
      mark.drain(finished, advance, true);
      if (mark.nextSeq != seq) {
        throw new IllegalStateException("walk ended with unfinished batches: " + mark.nextSeq + " of " + seq);
      }
      ended = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw MigrationCancelledException.interrupted(step, e);
    } finally {
      if (!ended) {
        queue.clear();
        running.forEach(f -> f.cancel(true));
      }
    }
  }

  private static void work(Worker worker, int db, BlockingQueue<Batch> queue, BlockingQueue<Finished> finished,
      AtomicReference<RuntimeException> failure) {
    try {
      while (true) {
        Batch batch = queue.take();
        if (batch == STOP) {
          return;
        }
        if (failure.get() != null) {
          continue; // drain, so that the walking thread can queue STOP
        }
        finished.add(new Finished(batch.seq, batch.cursorAfter, worker.handle(db, batch.keys)));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
    }
  }

  /** Queues one STOP per worker (after a failure, dropping what waits: a failed worker takes nothing more). */
  private void stop(BlockingQueue<Batch> queue, List<Future<?>> running, AtomicReference<RuntimeException> failure)
      throws InterruptedException {
    for (int i = 0; i < running.size(); i++) {
      while (!queue.offer(STOP, 100, TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) {
          queue.removeIf(b -> b != STOP);
        }
      }
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        // work() catches everything it can; an Error ends up here
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  private static void rethrow(AtomicReference<RuntimeException> failure) {
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  /** The cursor after the longest run of finished batches. */
  private static final class Watermark {
    private final TreeMap<Long, Finished> pending = new TreeMap<>();
    private long nextSeq;
    private String cursor;
    private Tally tally = Tally.ZERO;

    Watermark(String cursor) {
      this.cursor = cursor;
    }

    void drain(BlockingQueue<Finished> finished, Advance advance, boolean end) {
      boolean moved = false;
      for (Finished f = finished.poll(); f != null; f = finished.poll()) {
        pending.put(f.seq, f);
      }
      while (!pending.isEmpty() && pending.firstKey() == nextSeq) {
        Finished f = pending.pollFirstEntry().getValue();
        cursor = f.cursorAfter;
        tally = tally.plus(f.tally);
        nextSeq++;
        moved = true;
      }
      if (moved || end) {
        advance.advanced(cursor, end, tally);
      }
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
    workers.forEach(Worker::close);
  }

  @Override
  public String toString() {
    return "Walk[" + step + ", " + workers.size() + " workers]";
  }
}
