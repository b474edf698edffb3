package dev.cutover.postgres.parallel;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the SDK's restore engine (see {@link ParallelRestore}, {@link DirectCopy} and FORMAT.md,
 * "Restore"): the pre-data of {@code toc} on one connection, then table data, sequence values, large
 * objects and post-data on {@code jobs} connections in dependency order, the data coming from a
 * {@link RestoreInput}.
 */
final class RestoreEngine {
  private static final Logger log = LoggerFactory.getLogger(RestoreEngine.class);
  static final String STEP = "restore";
  /** Posted to the completions by an input that has more data ready: not an item. */
  private static final Done WAKE = new Done(null, null, 0, 0, null);

  private final ParallelRestore config;
  private final MigrationListener listener;
  private final ArchiveToc toc;
  private final RestoreInput input;
  private final PgConnection target;
  private final Checkpoint checkpoint;
  private final RestoreStrategy strategy;

  private final AtomicLong rowsDone = new AtomicLong();
  private final Map<String, Integer> expectedErrors = new TreeMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Long> rows = new LinkedHashMap<>();
  private final LinkedBlockingQueue<Done> completions = new LinkedBlockingQueue<>();

  RestoreEngine(ParallelRestore config, ArchiveToc toc, RestoreInput input, PgConnection target, Checkpoint checkpoint,
      RestoreStrategy strategy) {
    this.config = config;
    this.listener = MigrationListener.safe(config.listener());
    this.toc = toc;
    this.input = input;
    this.target = target;
    this.checkpoint = checkpoint;
    this.strategy = strategy;
  }

  private record Done(Item item, Session session, long rows, long bytes, Exception failure) {}

  RestoreResult run() {
    Instant start = Instant.now();
    ExecutorService connector = Executors.newCachedThreadPool(daemon("cutover-restore-connect"));
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("cutover-restore-progress"));
    List<Session> sessions = new ArrayList<>();
    List<ExecutorService> workers = new ArrayList<>();
    List<Future<Session>> opening = new ArrayList<>();
    boolean succeeded = false;
    try {
      Session leader = open();
      sessions.add(leader);
      log.debug("connected: {} ms", Duration.between(start, Instant.now()).toMillis());
      // The workers' connections open while the pre-data runs.
      for (int i = 1; i < config.jobs(); i++) {
        opening.add(connector.submit(this::open));
      }
      Plan plan = Plan.of(toc, input.lengths(), leader.serverVersion());
      warnings.addAll(plan.warnings);
      ticker.scheduleAtFixedRate(this::reportBytes, 250, 250, TimeUnit.MILLISECONDS);
      if (checkpoint.preDataDone()) {
        log.debug("pre-data: done by an earlier attempt, {} entries skipped", plan.prefork.size());
      } else {
        for (Item item : plan.prefork) {
          checkInterrupt();
          long t0 = System.nanoTime();
          Exception failure = runSql(leader, item);
          log.debug("pre-data {}: {} ms", item.describe(), (System.nanoTime() - t0) / 1_000_000);
          if (failure != null) {
            throw failed(item, failure);
          }
          runHooks(leader, item.describe(), config.hooks().afterEntry().getOrDefault(item.id(), List.of()));
        }
        checkpoint.preDataDone(plan.prefork);
      }
      runHooks(leader, "before the data", config.hooks().beforeData());
      log.debug("pre-data: {} entries in {} ms", plan.prefork.size(), Duration.between(start, Instant.now()).toMillis());
      input.prepare(leader, plan.pending.values());
      Set<Item> finished = checkpoint.finished(leader, plan.pending.values());
      for (Future<Session> f : opening) {
        sessions.add(await(f));
      }
      for (int i = 0; i < sessions.size(); i++) {
        workers.add(Executors.newSingleThreadExecutor(daemon("cutover-restore-" + (i + 1))));
      }
      input.onReady(() -> completions.add(WAKE));
      schedule(plan, sessions, workers, finished);
      runHooks(leader, "at the end", config.hooks().atEnd());
      reportBytes();
      listener.progress(new MigrationEvent.Progress(STEP, Instant.now(), "rows", rowsDone.get(), rowsDone.get()));
      succeeded = true;
      return new RestoreResult(strategy, Duration.between(start, Instant.now()), rows, expectedErrors, warnings);
    } catch (SQLException e) {
      throw new PgToolException(STEP, redact(STEP + ": cannot connect to the target " + target + " (" + e.getMessage()
          + ")"), true, e);
    } finally {
      for (Future<Session> f : opening) {
        closeIfUnused(f, sessions);
      }
      ticker.shutdownNow();
      workers.forEach(ExecutorService::shutdownNow);
      connector.shutdownNow();
      if (!succeeded) {
        input.abort();
        sessions.forEach(Session::cancel);
      }
      sessions.forEach(Session::close);
    }
  }

  /** The value of {@code f}, its SQL or runtime failure rethrown; an interrupt is a cancellation. */
  static <T> T await(Future<T> f) throws SQLException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      throw MigrationCancelledException.interrupted(STEP, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Closes a worker connection that opened but was never used (failure or cancel before phase 2). */
  private static void closeIfUnused(Future<Session> f, List<Session> used) {
    boolean interrupted = Thread.interrupted();
    try {
      Session s = f.get(30, TimeUnit.SECONDS);
      if (!used.contains(s)) {
        s.close();
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      // it never opened (or hangs in connect and will time out on its own)
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private Session open() throws SQLException {
    List<String> tuning = new ArrayList<>();
    tuning.add("SET synchronous_commit = off");
    tuning.add("SET maintenance_work_mem = '" + config.maintenanceWorkMemMb() + "MB'");
    tuning.add("SET max_parallel_maintenance_workers = 0");
    return Session.open(target, toc, tuning,
        strategy == RestoreStrategy.DIRECT ? "cutover-direct-target" : "cutover-parallel-restore");
  }

  /** Runs hook statements; a failing one fails the restore, naming where it ran. */
  private void runHooks(Session s, String where, List<String> sql) {
    for (String statement : sql) {
      try {
        s.execute(statement);
      } catch (SQLException e) {
        throw new PgToolException(STEP, redact(STEP + ": a statement run " + (where.startsWith("at ")
            || where.startsWith("before ") ? where : "after " + where) + " failed (" + e.getMessage() + "; statement: "
            + abbreviate(statement) + "); the target database is partly restored: drop and recreate it before retrying"),
            false, e);
      }
    }
  }

  private static void checkInterrupt() {
    if (Thread.currentThread().isInterrupted()) {
      throw MigrationCancelledException.interrupted(STEP, new InterruptedException());
    }
  }

  private void schedule(Plan plan, List<Session> sessions, List<ExecutorService> workers, Set<Item> finished) {
    // Largest first (pg_restore's order), except that while a materialized view refresh waits for
    // all the data, data goes first: a small table loaded last would otherwise hold the refresh back
    // until most indexes are built, and it would run alone at the end instead of beside the last
    // large index build.
    boolean refreshes = plan.pending.values().stream().anyMatch(i -> i.afterData);
    Comparator<Item> priority = Comparator.comparingInt((Item i) -> refreshes && i.feedsRefresh() ? 0 : 1)
        .thenComparingLong(i -> -i.length).thenComparingInt(Item::id);
    List<Item> ready = new ArrayList<>();
    boolean postAclPass = false;
    // What materialized view refreshes wait for, and what keeps index builds to one process each.
    int feedsLeft = 0;
    int dataLeft = 0;
    long total = plan.pending.values().stream().filter(i -> i.kind == Item.Kind.TABLE_DATA).mapToLong(i -> i.length)
        .sum();
    for (Item item : plan.pending.values()) {
      if (item.kind == Item.Kind.TABLE_DATA) {
        item.parts = input.splittable(item) ? parts(item.length, total, sessions.size()) : 1;
        item.freeze = config.freeze() && item.parts == 1 && copiesIntoOwnTable(item.entry);
        dataLeft++;
      }
      if (item.feedsRefresh()) {
        feedsLeft++;
      }
    }
    int remaining = plan.pending.size();
    // What an earlier attempt finished counts as done before anything runs.
    for (Item item : finished) {
      item.done = true;
      remaining--;
      if (item.kind == Item.Kind.TABLE_DATA) {
        dataLeft--;
        rows.put(item.entry.qualifiedName(), item.rows);
      }
      if (item.feedsRefresh()) {
        feedsLeft--;
      }
      item.dependents.forEach(d -> d.depCount--);
    }
    if (!finished.isEmpty()) {
      long tables = finished.stream().filter(i -> i.kind == Item.Kind.TABLE_DATA).count();
      warnings.add("resumed: " + finished.size() + " item(s) finished by an earlier attempt were not run again ("
          + tables + " table(s) already loaded and checked)");
    }
    for (Item item : plan.pending.values()) {
      if (!item.done && item.depCount == 0 && !item.postAcl && (!item.afterData || feedsLeft == 0)) {
        ready.add(item);
      }
    }
    ready.sort(priority);
    Set<Session> idle = new HashSet<>(sessions);
    Map<Session, Item> running = new LinkedHashMap<>();
    // An entry that fails is recorded and the others go on: everything that does not depend on it is
    // restored, and the failure lists every entry that could not be (see Failures).
    Failures failures = new Failures();
    int usable = sessions.size();
    try {
      while (true) {
        while (!idle.isEmpty()) {
          Item next = pick(ready, running.values());
          if (next == null) {
            break;
          }
          Session s = idle.iterator().next();
          idle.remove(s);
          running.put(s, next);
          int part = 0;
          if (next.kind == Item.Kind.TABLE_DATA) {
            part = next.partsStarted++;
            if (part == 0) {
              input.start(next);
            }
            if (next.partsStarted >= next.parts) {
              ready.remove(next);
            }
          } else {
            ready.remove(next);
          }
          int w = sessions.indexOf(s);
          Item item = next;
          int itemPart = part;
          // While tables load, every core is busy with COPY: an index build gets no parallel workers
          // (they would only compete, and each new process costs page faults). Once the data is in,
          // the builds left may use the idle connections' cores.
          int maintenanceWorkers = item.buildsIndex() && dataLeft == 0 ? sessions.size() - 1 : 0;
          workers.get(w).execute(() -> completions.add(execute(s, item, itemPart, maintenanceWorkers)));
        }
        if (running.isEmpty()) {
          if (usable == 0) {
            break;
          }
          if (ready.isEmpty() && !postAclPass) {
            postAclPass = true;
            for (Item item : plan.pending.values()) {
              if (item.postAcl && !item.done && item.depCount == 0 && (!item.afterData || feedsLeft == 0)) {
                ready.add(item);
              }
            }
            ready.sort(priority);
            continue;
          }
          if (ready.isEmpty()) {
            break;
          }
        }
        Done d = completions.take();
        if (d == WAKE) {
          continue;
        }
        running.remove(d.session());
        if (d.failure() == null || d.session().usable()) {
          idle.add(d.session());
        } else {
          usable--;
        }
        Item item = d.item();
        if (d.failure() != null) {
          failures.failed(item, d.failure());
        }
        item.rows += d.rows();
        item.bytes += d.bytes();
        if (item.kind == Item.Kind.TABLE_DATA && ++item.partsDone < item.parts) {
          continue;
        }
        if (failures.hasFailed(item)) {
          if (item.kind == Item.Kind.TABLE_DATA) {
            input.done(item);
          }
          continue;
        }
        item.done = true;
        remaining--;
        checkpoint.finished(item, item.rows);
        if (item.kind == Item.Kind.TABLE_DATA) {
          input.done(item);
          dataLeft--;
          rows.put(item.entry.qualifiedName(), item.rows);
          listener.progress(new MigrationEvent.Progress(STEP, Instant.now(), "rows", rowsDone.get(), -1));
          listener.output(new MigrationEvent.Output(STEP, Instant.now(), "restore", String.format(Locale.ROOT,
              "%s: %,d rows, %,d bytes", item.entry.qualifiedName(), item.rows, item.bytes)));
        }
        boolean added = false;
        // Release the refreshes before the dependents below are counted down, so none is added twice.
        if (item.feedsRefresh() && --feedsLeft == 0) {
          for (Item waiting : plan.pending.values()) {
            if (waiting.afterData && !waiting.done && waiting.depCount == 0 && (postAclPass || !waiting.postAcl)) {
              ready.add(waiting);
              added = true;
            }
          }
        }
        for (Item dep : item.dependents) {
          if (--dep.depCount == 0 && !dep.done && (postAclPass || !dep.postAcl) && (!dep.afterData || feedsLeft == 0)) {
            ready.add(dep);
            added = true;
          }
        }
        if (added) {
          ready.sort(priority);
        }
      }
    } catch (InterruptedException e) {
      abort(running, plan);
      throw MigrationCancelledException.interrupted(STEP, e);
    }
    if (!failures.isEmpty() || usable == 0) {
      throw failures.exception(plan, remaining, this::redact);
    }
    if (remaining > 0) {
      // Circular or broken dependencies: pg_restore restores what is left serially, in TOC order.
      Session s = sessions.get(0);
      for (Item item : plan.pending.values()) {
        if (!item.done) {
          if (item.kind == Item.Kind.TABLE_DATA && item.partsStarted == 0) {
            item.parts = 1;
            input.start(item);
          }
          Done d = execute(s, item, 0, 0);
          if (d.failure() != null) {
            throw failed(item, d.failure());
          }
          item.done = true;
          checkpoint.finished(item, d.rows());
        }
      }
    }
  }

  /**
   * How many connections load a table: one, unless the table is larger than the split threshold or
   * dominates the archive (more than its share of the data per connection), as pgbench_accounts does.
   */
  private int parts(long length, long total, int connections) {
    long threshold = config.splitThresholdBytes();
    if (connections == 1 || length < (1 << 20) && length <= threshold) {
      return 1;
    }
    if (length > threshold) {
      return (int) Math.min(connections, (length + threshold - 1) / threshold);
    }
    return length > total / connections ? connections : 1;
  }

  /**
   * The first ready item (by priority) whose data the input can read and that has no lock conflict with a
   * running one (pg_restore's has_lock_conflicts).
   */
  private Item pick(List<Item> ready, Collection<Item> running) {
    for (Item candidate : ready) {
      if (candidate.kind != Item.Kind.SQL && !input.ready(candidate)) {
        continue;
      }
      boolean conflict = false;
      for (Item r : running) {
        if (r == candidate) {
          continue;
        }
        if (intersects(candidate.lockDeps, r.deps) || intersects(r.lockDeps, candidate.deps)) {
          conflict = true;
          break;
        }
      }
      if (!conflict) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean intersects(Set<Integer> a, Set<Integer> b) {
    for (int x : a) {
      if (b.contains(x)) {
        return true;
      }
    }
    return false;
  }

  private void abort(Map<Session, Item> running, Plan plan) {
    input.abort();
    running.keySet().forEach(Session::cancel);
  }

  private Done execute(Session s, Item item, int part, int maintenanceWorkers) {
    long t0 = System.nanoTime();
    Done d = executeTimed(s, item, part, maintenanceWorkers);
    if (log.isDebugEnabled()) {
      log.debug("{} {}: {} ms{}", Thread.currentThread().getName(), item.describe(), (System.nanoTime() - t0) / 1_000_000,
          item.kind == Item.Kind.TABLE_DATA ? ", " + d.rows() + " rows, " + d.bytes() + " bytes, "
              + input.copyOptions(item) + (item.freeze ? ", freeze, " : ", ") + "part " + (part + 1) + " of " + item.parts
              : maintenanceWorkers > 0 ? ", up to " + maintenanceWorkers + " parallel workers" : "");
    }
    return d;
  }

  private Done executeTimed(Session s, Item item, int part, int maintenanceWorkers) {
    try {
      if (item.buildsIndex()) {
        s.maintenanceWorkers(maintenanceWorkers);
      }
      return switch (item.kind) {
        case SQL -> new Done(item, s, 0, 0, runSql(s, item));
        case TABLE_DATA -> copy(s, item, part);
        case BLOBS -> largeObjects(s, item);
      };
    } catch (Exception e) {
      s.rollbackQuietly();
      try {
        s.autoCommit(true);
      } catch (SQLException ignored) {
        // the session is broken; the restore fails anyway
      }
      return new Done(item, s, 0, 0, e);
    }
  }

  /** Runs an entry's SQL; returns the failure unless it is one of the known harmless ones. */
  private Exception runSql(Session s, Item item) {
    try {
      s.executeEntry(item.entry, item.sql);
      return null;
    } catch (SQLException e) {
      String kind = expected(item.entry, e);
      if (kind == null) {
        return e;
      }
      synchronized (expectedErrors) {
        expectedErrors.merge(kind, 1, Integer::sum);
      }
      log.info("Ignored expected error on {}: {}", item.describe(), redact(e.getMessage()));
      return null;
    }
  }

  /** Errors pg_restore would also report but that leave the same database: classified, not fatal. */
  private String expected(TocEntry e, SQLException ex) {
    String state = ex.getSQLState() == null ? "" : ex.getSQLState();
    // An interrupted attempt may have committed this object without recording it: it is ours.
    if (checkpoint.resuming() && e.section() != TocEntry.Section.PRE_DATA
        && (state.equals("42P07") || state.equals("42710") || state.equals("42P16"))) {
      return "already made by the interrupted attempt";
    }
    if (e.desc().equals("COMMENT") && e.tag().startsWith("EXTENSION ") && state.equals("42501")) {
      return "must be owner of extension (comment on extension kept as on the target)";
    }
    if (e.desc().equals("SCHEMA") && state.equals("42P06")) {
      return "schema already exists";
    }
    return null;
  }

  private Done copy(Session s, Item item, int part) throws Exception {
    String sql = copySql(item);
    if (item.freeze) {
      s.autoCommit(false);
      s.execute("TRUNCATE TABLE ONLY " + Sql.qualified(item.entry.namespace(), item.entry.tag()));
    }
    CopyIn in = s.copy().copyIn(sql);
    long n;
    long bytes;
    try {
      byte[] header = input.header(item);
      if (header.length > 0) {
        in.writeToCopy(header, 0, header.length);
      }
      bytes = input.feed(item, part, (b, len) -> in.writeToCopy(b, 0, len));
      byte[] trailer = input.trailer(item);
      if (trailer.length > 0) {
        in.writeToCopy(trailer, 0, trailer.length);
      }
      n = in.endCopy();
    } catch (Exception e) {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException ignored) {
          // the original failure is what matters
        }
      }
      throw e;
    }
    if (item.freeze) {
      s.commit();
      s.autoCommit(true);
    }
    rowsDone.addAndGet(n);
    return new Done(item, s, n, bytes, null);
  }

  private String copySql(Item item) {
    String stmt = item.sql.strip();
    List<String> options = new ArrayList<>();
    if (item.freeze) {
      options.add("FREEZE");
    }
    options.addAll(input.copyOptions(item));
    String tail = "FROM stdin;";
    if (options.isEmpty() || !stmt.endsWith(tail)) {
      return stmt;
    }
    return stmt.substring(0, stmt.length() - 1) + " WITH (" + String.join(", ", options) + ");";
  }

  private static boolean copiesIntoOwnTable(TocEntry e) {
    return e.copyStmt().startsWith(copyPrefix(e));
  }

  /** {@code "COPY <table> "} as pg_dump starts the COPY of the entry's own table. */
  static String copyPrefix(TocEntry e) {
    return "COPY " + Sql.qualified(e.namespace(), e.tag()) + " ";
  }

  /** The large objects of a BLOBS entry, in one transaction. */
  private Done largeObjects(Session s, Item item) throws Exception {
    s.autoCommit(false);
    input.largeObjects(s, item);
    s.commit();
    s.autoCommit(true);
    return new Done(item, s, 0, 0, null);
  }

  private void reportBytes() {
    listener.progress(new MigrationEvent.Progress(STEP, Instant.now(), "bytes", input.bytesRead(), input.totalBytes()));
  }

  private PgToolException failed(Item item, Exception e) {
    if (e instanceof PgToolException p) {
      return p;
    }
    String detail = e instanceof SQLException sql
        ? e.getMessage() + (sql.getSQLState() == null ? "" : " [SQLSTATE " + sql.getSQLState() + "]")
        : e.getClass().getSimpleName() + ": " + e.getMessage();
    String sql = item.kind == Item.Kind.SQL ? "; statement: " + abbreviate(item.sql) : "";
    return new PgToolException(STEP, redact(STEP + ": " + item.describe() + " failed (" + detail + sql
        + "); the target database is partly restored: drop and recreate it before retrying"), false, e);
  }

  static String abbreviate(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  private String redact(String s) {
    return config.redactor().redact(s);
  }

  static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
