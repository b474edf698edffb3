package dev.cutover.postgres.parallel;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.archive.internal.BlockReader;
import dev.cutover.postgres.archive.internal.DataBlocks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
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
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run of the PARALLEL restore (see {@link ParallelRestore} and FORMAT.md, "Restore"). */
final class RestoreEngine {
  private static final Logger log = LoggerFactory.getLogger(RestoreEngine.class);
  static final String STEP = "restore";

  private final ParallelRestore config;
  private final MigrationListener listener;
  private final Path archive;
  private final PgConnection target;

  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong rowsDone = new AtomicLong();
  private final Map<String, Integer> expectedErrors = new TreeMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final Map<String, Long> rows = new LinkedHashMap<>();

  private ArchiveToc toc;
  private DataBlocks blocks;
  private String copyEncoding;

  RestoreEngine(ParallelRestore config, Path archive, PgConnection target) {
    this.config = config;
    this.listener = MigrationListener.safe(config.listener());
    this.archive = archive;
    this.target = target;
  }

  private record Done(Item item, Session session, long rows, Exception failure) {}

  RestoreResult run() {
    Instant start = Instant.now();
    toc = ArchiveReader.readToc(archive);
    String encoding = toc.encoding();
    copyEncoding = encoding.equalsIgnoreCase("UTF8") ? null : encoding;
    try {
      blocks = DataBlocks.locate(archive, toc);
    } catch (IOException e) {
      throw new PgToolException(STEP, STEP + ": cannot read the data blocks of " + archive + " (" + e.getMessage()
          + "); the archive is truncated or corrupt", false, e);
    }
    ThreadFactory readers = daemon("cutover-restore-read");
    ExecutorService producers = Executors.newCachedThreadPool(readers);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("cutover-restore-progress"));
    List<Session> sessions = new ArrayList<>();
    List<ExecutorService> workers = new ArrayList<>();
    List<Future<Session>> opening = new ArrayList<>();
    boolean succeeded = false;
    try {
      log.debug("archive read: {} ms", Duration.between(start, Instant.now()).toMillis());
      Session leader = open();
      sessions.add(leader);
      log.debug("connected: {} ms", Duration.between(start, Instant.now()).toMillis());
      // The workers' connections open while the pre-data runs.
      for (int i = 1; i < config.jobs(); i++) {
        opening.add(producers.submit(this::open));
      }
      Plan plan = Plan.of(toc, blocks.length(), leader.serverVersion());
      warnings.addAll(plan.warnings);
      ticker.scheduleAtFixedRate(this::reportBytes, 250, 250, TimeUnit.MILLISECONDS);
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
      runHooks(leader, "before the data", config.hooks().beforeData());
      log.debug("pre-data: {} entries in {} ms", plan.prefork.size(), Duration.between(start, Instant.now()).toMillis());
      Map<String, Map<String, ColumnType>> columnTypes = config.binaryCopy() && copyEncoding == null
          ? columnTypes(leader) : Map.of();
      for (Item item : plan.pending.values()) {
        if (item.kind == Item.Kind.TABLE_DATA) {
          item.binary = binaryCopy(item, columnTypes);
        }
      }
      for (Future<Session> f : opening) {
        sessions.add(await(f));
      }
      for (int i = 0; i < sessions.size(); i++) {
        workers.add(Executors.newSingleThreadExecutor(daemon("cutover-restore-" + (i + 1))));
      }
      schedule(plan, sessions, workers, producers);
      runHooks(leader, "at the end", config.hooks().atEnd());
      reportBytes();
      listener.progress(new MigrationEvent.Progress(STEP, Instant.now(), "rows", rowsDone.get(), rowsDone.get()));
      succeeded = true;
      return new RestoreResult(RestoreStrategy.PARALLEL, Duration.between(start, Instant.now()), rows, expectedErrors,
          warnings);
    } catch (SQLException e) {
      throw new PgToolException(STEP, redact(STEP + ": cannot connect to the target " + target + " (" + e.getMessage()
          + ")"), true, e);
    } finally {
      for (Future<Session> f : opening) {
        closeIfUnused(f, sessions);
      }
      ticker.shutdownNow();
      workers.forEach(ExecutorService::shutdownNow);
      producers.shutdownNow();
      if (!succeeded) {
        sessions.forEach(Session::cancel);
      }
      sessions.forEach(Session::close);
    }
  }

  private static Session await(Future<Session> f) throws SQLException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      throw MigrationCancelledException.interrupted(STEP, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
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
    return Session.open(target, toc, tuning, "cutover-parallel-restore");
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

  private void schedule(Plan plan, List<Session> sessions, List<ExecutorService> workers, ExecutorService producers) {
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
    for (Item item : plan.pending.values()) {
      if (item.kind == Item.Kind.TABLE_DATA) {
        item.parts = parts(item.length, blocks.totalBytes(), sessions.size());
        item.freeze = config.freeze() && item.parts == 1 && copiesIntoOwnTable(item.entry);
        dataLeft++;
      }
      if (item.feedsRefresh()) {
        feedsLeft++;
      }
    }
    for (Item item : plan.pending.values()) {
      if (item.depCount == 0 && !item.postAcl && (!item.afterData || feedsLeft == 0)) {
        ready.add(item);
      }
    }
    ready.sort(priority);
    LinkedBlockingQueue<Done> completions = new LinkedBlockingQueue<>();
    Set<Session> idle = new HashSet<>(sessions);
    Map<Session, Item> running = new LinkedHashMap<>();
    // An entry that fails is recorded and the others go on: everything that does not depend on it is
    // restored, and the failure lists every entry that could not be (see Failures).
    Failures failures = new Failures();
    int usable = sessions.size();
    int remaining = plan.pending.size();
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
          if (next.kind == Item.Kind.TABLE_DATA) {
            if (next.partsStarted++ == 0) {
              startProducer(next, producers);
            }
            if (next.partsStarted < next.parts) {
              running.put(s, next);
            } else {
              ready.remove(next);
            }
          } else {
            ready.remove(next);
          }
          int w = sessions.indexOf(s);
          Item item = next;
          // While tables load, every core is busy with COPY: an index build gets no parallel workers
          // (they would only compete, and each new process costs page faults). Once the data is in,
          // the builds left may use the idle connections' cores.
          int maintenanceWorkers = item.buildsIndex() && dataLeft == 0 ? sessions.size() - 1 : 0;
          workers.get(w).execute(() -> completions.add(execute(s, item, maintenanceWorkers)));
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
        if (item.kind == Item.Kind.TABLE_DATA && ++item.partsDone < item.parts) {
          continue;
        }
        if (failures.hasFailed(item)) {
          item.stream = null;
          continue;
        }
        item.done = true;
        // Drop the finished table's buffers: memory stays a few MiB per table being loaded.
        item.stream = null;
        remaining--;
        if (item.kind == Item.Kind.TABLE_DATA) {
          dataLeft--;
          rows.put(item.entry.qualifiedName(), item.rows);
          listener.progress(new MigrationEvent.Progress(STEP, Instant.now(), "rows", rowsDone.get(), -1));
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
          Done d = execute(s, item, 0);
          if (d.failure() != null) {
            throw failed(item, d.failure());
          }
          item.done = true;
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

  /** The first ready item (by priority) with no lock conflict with a running one (pg_restore's has_lock_conflicts). */
  private static Item pick(List<Item> ready, java.util.Collection<Item> running) {
    for (Item candidate : ready) {
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
    for (Item item : plan.pending.values()) {
      if (item.stream != null) {
        item.stream.abort();
      }
    }
    running.keySet().forEach(Session::cancel);
  }

  private void startProducer(Item item, ExecutorService producers) {
    TableStream stream = new TableStream(item.parts);
    item.stream = stream;
    long position = blocks.start().getOrDefault(item.id(), -1L);
    producers.execute(() -> stream.produce(() -> {
      if (position < 0) {
        throw new IOException("no data block for entry " + item.id() + " in the archive");
      }
      BlockReader reader = BlockReader.open(archive, toc.header(), position, item.id(), bytesRead);
      try {
        return new java.io.FilterInputStream(reader.tableData()) {
          @Override
          public void close() throws IOException {
            try {
              super.close();
            } finally {
              reader.close();
            }
          }
        };
      } catch (IOException | RuntimeException | Error e) {
        reader.close();
        throw e;
      }
    }, item.binary));
  }

  private Done execute(Session s, Item item, int maintenanceWorkers) {
    long t0 = System.nanoTime();
    Done d = executeTimed(s, item, maintenanceWorkers);
    if (log.isDebugEnabled()) {
      log.debug("{} {}: {} ms{}", Thread.currentThread().getName(), item.describe(), (System.nanoTime() - t0) / 1_000_000,
          item.kind == Item.Kind.TABLE_DATA ? ", " + d.rows() + " rows, " + (item.binary != null ? "binary, " : "")
              + (item.freeze ? "freeze, " : "") + item.parts + " part(s)"
              : maintenanceWorkers > 0 ? ", up to " + maintenanceWorkers + " parallel workers" : "");
    }
    return d;
  }

  private Done executeTimed(Session s, Item item, int maintenanceWorkers) {
    try {
      if (item.buildsIndex()) {
        s.maintenanceWorkers(maintenanceWorkers);
      }
      return switch (item.kind) {
        case SQL -> new Done(item, s, 0, runSql(s, item));
        case TABLE_DATA -> new Done(item, s, copy(s, item), null);
        case BLOBS -> new Done(item, s, largeObjects(s, item), null);
      };
    } catch (Exception e) {
      s.rollbackQuietly();
      try {
        s.autoCommit(true);
      } catch (SQLException ignored) {
        // the session is broken; the restore fails anyway
      }
      return new Done(item, s, 0, e);
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
  private static String expected(TocEntry e, SQLException ex) {
    String state = ex.getSQLState() == null ? "" : ex.getSQLState();
    if (e.desc().equals("COMMENT") && e.tag().startsWith("EXTENSION ") && state.equals("42501")) {
      return "must be owner of extension (comment on extension kept as on the target)";
    }
    if (e.desc().equals("SCHEMA") && state.equals("42P06")) {
      return "schema already exists";
    }
    return null;
  }

  private long copy(Session s, Item item) throws Exception {
    String sql = copySql(item);
    if (item.freeze) {
      s.autoCommit(false);
      s.execute("TRUNCATE TABLE ONLY " + Sql.qualified(item.entry.namespace(), item.entry.tag()));
    }
    CopyIn in = s.copy().copyIn(sql);
    long n;
    try {
      if (item.binary != null) {
        in.writeToCopy(BinaryCopy.HEADER, 0, BinaryCopy.HEADER.length);
      }
      item.stream.consume((b, len) -> in.writeToCopy(b, 0, len));
      if (item.binary != null) {
        in.writeToCopy(BinaryCopy.TRAILER, 0, BinaryCopy.TRAILER.length);
      }
      n = in.endCopy();
    } catch (Exception e) {
      item.stream.abort();
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
    return n;
  }

  private String copySql(Item item) {
    String stmt = item.sql.strip();
    List<String> options = new ArrayList<>();
    if (item.freeze) {
      options.add("FREEZE");
    }
    if (item.binary != null) {
      options.add("FORMAT binary");
    } else if (copyEncoding != null) {
      options.add("ENCODING '" + copyEncoding + "'");
    }
    String tail = "FROM stdin;";
    if (options.isEmpty() || !stmt.endsWith(tail)) {
      return stmt;
    }
    return stmt.substring(0, stmt.length() - 1) + " WITH (" + String.join(", ", options) + ");";
  }

  /** A column's {@code pg_attribute.atttypid} and {@code atttypmod}. */
  private record ColumnType(int oid, int typmod) {}

  /**
   * The type OID and type modifier of every column of every ordinary or partitioned table on the
   * target, by table (schema, NUL, name) and column name.
   */
  private static Map<String, Map<String, ColumnType>> columnTypes(Session s) throws SQLException {
    Map<String, Map<String, ColumnType>> out = new HashMap<>();
    try (Statement st = s.jdbc().createStatement();
        ResultSet rs = st.executeQuery("SELECT n.nspname, c.relname, a.attname, a.atttypid::int, a.atttypmod"
            + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')"
            + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getString(1) + '\0' + rs.getString(2), k -> new HashMap<>())
            .put(rs.getString(3), new ColumnType(rs.getInt(4), rs.getInt(5)));
      }
    }
    return out;
  }

  /** The binary converter for a table's data, or null to send its text unchanged. */
  private static BinaryCopy binaryCopy(Item item, Map<String, Map<String, ColumnType>> columnTypes) {
    Map<String, ColumnType> types = columnTypes.get(item.entry.namespace() + '\0' + item.entry.tag());
    List<String> columns = types == null ? null
        : BinaryCopy.columns(item.sql, copyPrefix(item.entry));
    if (columns == null) {
      return null;
    }
    int[] oids = new int[columns.size()];
    int[] typmods = new int[columns.size()];
    for (int i = 0; i < oids.length; i++) {
      ColumnType type = types.get(columns.get(i));
      if (type == null) {
        return null;
      }
      oids[i] = type.oid();
      typmods[i] = type.typmod();
    }
    return BinaryCopy.of(item.entry.qualifiedName(), oids, typmods);
  }

  private static boolean copiesIntoOwnTable(TocEntry e) {
    return e.copyStmt().startsWith(copyPrefix(e));
  }

  /** {@code "COPY <table> "} as pg_dump starts the COPY of the entry's own table. */
  private static String copyPrefix(TocEntry e) {
    return "COPY " + Sql.qualified(e.namespace(), e.tag()) + " ";
  }

  private long largeObjects(Session s, Item item) throws Exception {
    long position = blocks.start().getOrDefault(item.id(), -1L);
    if (position < 0) {
      throw new IOException("no data block for entry " + item.id() + " in the archive");
    }
    s.autoCommit(false);
    LargeObjectManager lom = s.pg().getLargeObjectAPI();
    byte[] buf = new byte[1 << 16];
    try (BlockReader reader = BlockReader.open(archive, toc.header(), position, item.id(), bytesRead)) {
      for (long oid = reader.nextLargeObject(); oid >= 0; oid = reader.nextLargeObject()) {
        LargeObject lo = lom.open(oid, LargeObjectManager.WRITE);
        try (InputStream data = reader.largeObjectData()) {
          for (int r = data.read(buf); r >= 0; r = data.read(buf)) {
            lo.write(buf, 0, r);
          }
        } finally {
          lo.close();
        }
      }
    }
    s.commit();
    s.autoCommit(true);
    return 0;
  }

  private void reportBytes() {
    listener.progress(new MigrationEvent.Progress(STEP, Instant.now(), "bytes", bytesRead.get(), blocks.totalBytes()));
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

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
