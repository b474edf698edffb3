package dev.cutover.redis.internal;

import dev.cutover.core.model.VerificationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a verification found, per logical database: how many source keys are identical on the target,
 * how many target keys the source lacks, and the first few differences by key. Thread-safe.
 */
public final class Findings {
  /** A key about to expire that the target already dropped: neither counted nor a difference. */
  static final String EXPIRING = "expiring";
  private static final int LISTED = 20;

  private final Map<Integer, Db> dbs = new ConcurrentHashMap<>();

  private static final class Db {
    final AtomicLong sourceKeys = new AtomicLong();
    final AtomicLong identical = new AtomicLong();
    final AtomicLong targetOnly = new AtomicLong();
    final List<VerificationReport.Check> listed = new ArrayList<>();
  }

  private Db db(int db) {
    return dbs.computeIfAbsent(db, n -> new Db());
  }

  /** A source key checked against the target: {@code problem} is {@code null} when identical. */
  void sourceKey(int db, byte[] key, String problem) {
    if (problem == EXPIRING) {
      return;
    }
    Db d = db(db);
    d.sourceKeys.incrementAndGet();
    if (problem == null) {
      d.identical.incrementAndGet();
    } else {
      list(d, db, key, problem);
    }
  }

  /** A target key looked up on the source: {@code problem} is {@code null} when the source has it. */
  void targetKey(int db, byte[] key, String problem) {
    if (problem != null) {
      Db d = db(db);
      d.targetOnly.incrementAndGet();
      list(d, db, key, problem);
    }
  }

  private static void list(Db d, int db, byte[] key, String problem) {
    synchronized (d.listed) {
      if (d.listed.size() < LISTED) {
        d.listed.add(new VerificationReport.Check("redis-key", Keys.show(db, key), "identical", problem));
      }
    }
  }

  /** Two checks per database (source keys identical on the target; keys only on the target), then the listed differences. */
  public List<VerificationReport.Check> checks(Iterable<Integer> databases) {
    List<VerificationReport.Check> checks = new ArrayList<>();
    List<VerificationReport.Check> details = new ArrayList<>();
    for (int n : databases) {
      Db d = db(n);
      long differing = d.sourceKeys.get() - d.identical.get();
      checks.add(new VerificationReport.Check("redis-keys", "db" + n + " source keys identical on the target"
          + (differing == 0 ? "" : " (" + differing + " differ)"), String.valueOf(d.sourceKeys.get()),
          String.valueOf(d.identical.get())));
      checks.add(new VerificationReport.Check("redis-extra", "db" + n + " keys only on the target", "0",
          String.valueOf(d.targetOnly.get())));
      synchronized (d.listed) {
        details.addAll(d.listed);
      }
    }
    checks.addAll(details);
    return checks;
  }
}
