package dev.cutover.postgres.verify;

import dev.cutover.core.MigrationCancelledException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs digest work on several sessions at once, largest first, and adds the pieces of each object up.
 * A failed piece (say, a table the role may not read) is recorded for its object and does not stop
 * the rest: each piece runs in a savepoint, so the session's snapshot transaction survives it.
 */
final class Chunks {
  /** One piece of digest work: a chunk of a table, or a batch of archive rows. */
  interface Piece {
    /** The object this piece belongs to, e.g. {@code public.users}. */
    String key();

    /** How much work it is (for the largest-first order). */
    long weight();

    /** Digests the piece on {@code session}. */
    Digest run(ReadSession session) throws Exception;
  }

  /**
   * What came out for one object.
   *
   * @param digest the sum of its pieces' digests
   * @param time from the start of its first piece to the end of its last
   * @param error the first failure, or null
   */
  record Result(Digest digest, Duration time, String error) {}

  /** The savepoint each piece runs in. */
  static final String SAVEPOINT = "cutover_piece";

  private Chunks() {}

  /**
   * Runs every piece, each on one of {@code sessions} (one thread per session), and returns the
   * result per key. Blocks until all are done.
   *
   * @throws MigrationCancelledException when interrupted (running statements are cancelled)
   */
  static Map<String, Result> run(List<ReadSession> sessions, List<? extends Piece> pieces, String threadName) {
    List<Piece> ordered = new ArrayList<>(pieces);
    ordered.sort(Comparator.comparingLong(Piece::weight).reversed());
    ConcurrentLinkedQueue<Piece> queue = new ConcurrentLinkedQueue<>(ordered);
    Map<String, Acc> acc = new ConcurrentHashMap<>();
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(sessions.size(), r -> {
      Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    List<Future<?>> running = new ArrayList<>();
    try {
      for (ReadSession s : sessions) {
        running.add(pool.submit(() -> drain(s, queue, acc)));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      sessions.forEach(ReadSession::cancel);
      throw MigrationCancelledException.interrupted(ReadSession.STEP, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    Map<String, Result> out = new java.util.TreeMap<>();
    acc.forEach((k, a) -> out.put(k, a.result()));
    return out;
  }

  private static void drain(ReadSession s, ConcurrentLinkedQueue<Piece> queue, Map<String, Acc> acc) {
    for (Piece p = queue.poll(); p != null; p = queue.poll()) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      long start = System.nanoTime();
      Digest d = null;
      String error = null;
      try {
        s.execute("SAVEPOINT " + SAVEPOINT);
        d = p.run(s);
        s.execute("RELEASE SAVEPOINT " + SAVEPOINT);
      } catch (Exception e) {
        error = e instanceof SQLException sql ? sql.getMessage() + " [SQLSTATE " + sql.getSQLState() + "]"
            : e.getClass().getSimpleName() + ": " + e.getMessage();
        try {
          s.execute("ROLLBACK TO SAVEPOINT " + SAVEPOINT);
        } catch (SQLException ignored) {
          // the session is broken: the remaining pieces on it fail and say so
        }
      }
      acc.computeIfAbsent(p.key(), k -> new Acc()).add(d, error, start, System.nanoTime());
    }
  }

  private static final class Acc {
    private Digest digest = Digest.EMPTY;
    private String error;
    private long first = Long.MAX_VALUE;
    private long last = Long.MIN_VALUE;

    synchronized void add(Digest d, String e, long start, long end) {
      if (d != null) {
        digest = digest.plus(d);
      }
      if (error == null) {
        error = e;
      }
      first = Math.min(first, start);
      last = Math.max(last, end);
    }

    synchronized Result result() {
      return new Result(digest, Duration.ofNanos(Math.max(0, last - first)), error);
    }
  }
}
