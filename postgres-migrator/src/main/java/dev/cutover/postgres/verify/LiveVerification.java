package dev.cutover.postgres.verify;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationReport.TableCheck;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Verification of a target against the live source: both sides read at the same time, on their own sessions. */
final class LiveVerification {
  private final PgConnection source;
  private final PgConnection target;
  private final List<String> appRoles;
  private final int jobs;

  LiveVerification(PgConnection source, PgConnection target, List<String> appRoles, int jobs) {
    this.source = source;
    this.target = target;
    this.appRoles = appRoles.isEmpty() ? List.of(source.user()) : appRoles;
    this.jobs = jobs;
  }

  VerificationReport run() {
    Instant start = Instant.now();
    Findings findings = new Findings();
    ExecutorService two = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "cutover-verify-side");
      t.setDaemon(true);
      return t;
    });
    try {
      Side[] sides = openBoth(two, () -> Side.source(source, jobs), () -> Side.target(target, jobs));
      try (Side src = sides[0]; Side tgt = sides[1]) {
        Roles sourceRoles = new Roles(appRoles);
        // the app's roles read as the app on the target too: a restore that kept owners and grants
        // (GUIDE_SQL onto a server that has the role) is not a widening
        List<String> onTarget = new java.util.ArrayList<>(appRoles);
        onTarget.add(target.user());
        Roles targetRoles = new Roles(onTarget);
        Future<Side.Facts> sf = two.submit(() -> src.facts(sourceRoles, appRoles.get(0)));
        Future<Side.Facts> tf = two.submit(() -> tgt.facts(targetRoles, target.user()));
        Side.Facts s = get(sf, tf);
        Side.Facts t = get(tf, null);
        Future<Map<String, Chunks.Result>> sd = two.submit(() -> src.digests(s.relations(), "cutover-verify-source"));
        Future<Map<String, Chunks.Result>> td = two.submit(() -> tgt.digests(t.relations(), "cutover-verify-target"));
        Map<String, Chunks.Result> sourceDigests = get(sd, td);
        Map<String, Chunks.Result> targetDigests = get(td, null);
        content(s.relations(), t.relations(), sourceDigests, targetDigests, findings);
        largeObjects(src, tgt, findings);
        findings.compare("sequence", s.sequences(), t.sequences());
        s.catalogue().forEach((kind, objects) -> findings.compare(kind, objects, t.catalogue().get(kind)));
        Privileges.compare(s.privileges(), t.privileges(), t.roles(), findings);
        Settings.compare(s.settings(), t.settings(), appRoles.get(0), target.user(), findings);
        for (String other : appRoles.subList(1, appRoles.size())) {
          findings.loss("settings of " + other + " (an app role besides " + appRoles.get(0) + ") are not carried");
        }
      }
    } finally {
      two.shutdownNow();
    }
    return findings.build(VerificationReport.Evidence.LIVE_SOURCE, Duration.between(start, Instant.now()));
  }

  /** Rows and digest of every relation, on both sides. */
  static void content(List<Relation> sourceRelations, List<Relation> targetRelations,
      Map<String, Chunks.Result> sourceDigests, Map<String, Chunks.Result> targetDigests, Findings findings) {
    Map<String, Relation> expected = byName(sourceRelations);
    Map<String, Relation> actual = byName(targetRelations);
    java.util.TreeSet<String> names = new java.util.TreeSet<>(expected.keySet());
    names.addAll(actual.keySet());
    for (String name : names) {
      Relation e = expected.get(name);
      Relation a = actual.get(name);
      Chunks.Result ed = sourceDigests.get(name);
      Chunks.Result ad = targetDigests.get(name);
      String exp = describe(e, ed);
      String act = describe(a, ad);
      findings.check("rows", name, rowText(e, ed), rowText(a, ad));
      findings.check("content", name, exp, act);
      Duration time = max(ed, ad);
      boolean compared = ed != null && ad != null && ed.error() == null && ad.error() == null;
      VerificationReport.Digest digest = !exp.equals(act) ? VerificationReport.Digest.MISMATCH
          : compared ? VerificationReport.Digest.MATCH : VerificationReport.Digest.NOT_COMPARED;
      findings.table(new TableCheck(name, (e != null ? e : a).kind(), rows(e, ed), rows(a, ad), digest, time));
    }
  }

  private static Map<String, Relation> byName(List<Relation> relations) {
    Map<String, Relation> m = new TreeMap<>();
    relations.forEach(r -> m.put(r.qualified(), r));
    return m;
  }

  private static String describe(Relation r, Chunks.Result d) {
    if (r == null) {
      return Findings.MISSING;
    }
    if (!r.populated()) {
      return "not populated";
    }
    if (d == null) {
      return Digest.EMPTY.toString();
    }
    return d.error() != null ? "could not be read: " + d.error() : d.digest().toString();
  }

  /** The row count as the rows check shows it ({@code 500}, {@code (missing)}, {@code not populated}). */
  static String rowText(Relation r, Chunks.Result d) {
    if (r == null) {
      return Findings.MISSING;
    }
    if (!r.populated()) {
      return "not populated";
    }
    return d == null || d.error() != null ? (d == null ? "0" : "unknown") : Long.toString(d.digest().rows());
  }

  private static long rows(Relation r, Chunks.Result d) {
    if (r == null) {
      return -1;
    }
    return d == null ? 0 : d.digest().rows();
  }

  private static Duration max(Chunks.Result a, Chunks.Result b) {
    Duration x = a == null ? Duration.ZERO : a.time();
    Duration y = b == null ? Duration.ZERO : b.time();
    return x.compareTo(y) >= 0 ? x : y;
  }

  private static void largeObjects(Side src, Side tgt, Findings findings) {
    Instant start = Instant.now();
    try (Statement s = src.first().jdbc().createStatement(); Statement t = tgt.first().jdbc().createStatement()) {
      LargeObjects.compare(LargeObjects.stream(src.first(), s), LargeObjects.stream(tgt.first(), t), findings,
          Duration.between(start, Instant.now()));
    } catch (java.sql.SQLException | IllegalStateException e) {
      findings.check("large objects", "(read)", "readable", "could not be read: " + e.getMessage());
    }
  }

  /**
   * Opens two sides at once (through tunnels each connection costs a handshake); when one fails, the
   * other is closed once it is open, and the failure is thrown.
   */
  static Side[] openBoth(ExecutorService pool, java.util.concurrent.Callable<Side> a,
      java.util.concurrent.Callable<Side> b) {
    Future<Side> fa = pool.submit(a);
    Future<Side> fb = pool.submit(b);
    Side sa = null;
    Side sb = null;
    RuntimeException failure = null;
    try {
      sa = get(fa, null);
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      sb = get(fb, null);
    } catch (RuntimeException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      if (sa != null) {
        sa.close();
      }
      if (sb != null) {
        sb.close();
      }
      throw failure;
    }
    return new Side[] {sa, sb};
  }

  /** Waits for {@code f}; on failure cancels {@code other} too. */
  static <T> T get(Future<T> f, Future<?> other) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      if (other != null) {
        other.cancel(true);
      }
      throw MigrationCancelledException.interrupted(ReadSession.STEP, e);
    } catch (ExecutionException e) {
      if (other != null) {
        other.cancel(true);
      }
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }
}
