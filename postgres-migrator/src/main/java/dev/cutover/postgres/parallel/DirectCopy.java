package dev.cutover.postgres.parallel;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.PrivateFiles;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SDK's own engine straight from the source database ({@code RestoreStrategy.DIRECT}): no backup, no
 * file. One source connection exports a snapshot, {@code pg_dump} reads the schema in it
 * ({@code --section=pre-data --section=post-data}), and {@code jobs} more read-only source connections join
 * it, so every table is read as of the same instant. The target is then built as by {@link ParallelRestore}
 * (same planning and scheduling: pre-data on one connection, then data and post-data on {@code jobs}
 * connections, each index as soon as its table is in), with each table's rows streamed from a
 * {@code COPY ... TO STDOUT} on a source connection into a {@code COPY ... FROM STDIN} on a target
 * connection: in binary when every column has a built-in type, as text otherwise.
 *
 * <pre>{@code
 * DirectCopy direct = DirectCopy.builder().jobs(2).pgDump(Path.of("/usr/lib/postgresql/17/bin/pg_dump"))
 *     .listener(listener).build();
 * try (DirectCopy.Snapshot snapshot = direct.open(source)) {   // blocks while pg_dump reads the schema
 *   RestoreResult result = snapshot.copyTo(target, journal);
 * }
 * }</pre>
 *
 * <p>The source is only read: every source session is read-only ({@code default_transaction_read_only} and
 * a {@code READ ONLY} transaction) and so is {@code pg_dump}'s. It takes {@code jobs + 2} source
 * connections while it runs. Large objects, sequence values, comments and materialized views are carried
 * as {@code pg_restore --no-owner --no-acl} carries them; owners and privileges are not. A
 * {@link CopyJournal} makes the copy resumable: what an interrupted attempt finished (the schema, each
 * table, each index) is checked and skipped by the next one. Memory is a few MiB per connection.
 *
 * <p>Immutable and thread-safe; each {@link #open} is independent.
 */
public final class DirectCopy {
  private static final Logger log = LoggerFactory.getLogger(DirectCopy.class);
  private static final String STEP = RestoreEngine.STEP;

  private final ParallelRestore engine;
  private final Path pgDump;
  private final ProcessRunner runner;
  private final Redactor redactor;
  private final MigrationListener listener;
  private final Duration schemaTimeout;

  private DirectCopy(Builder b, ParallelRestore engine) {
    this.redactor = b.redactor;
    this.listener = MigrationListener.safe(b.listener);
    this.engine = engine;
    this.pgDump = b.pgDump;
    this.runner = b.processRunner == null ? ProcessRunner.create(b.redactor) : b.processRunner;
    this.schemaTimeout = b.schemaTimeout;
  }

  /**
   * A builder with the defaults: 2 jobs, {@code pg_dump} from the {@code PATH}, no listener, a fresh redactor.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Exports a snapshot of {@code source}, reads its schema with {@code pg_dump} and its catalogue in that
   * snapshot, and opens the read-only sessions that will read the tables. Blocks for about as long as
   * {@code pg_dump --schema-only} takes. The caller closes the returned snapshot, which holds the source
   * connections (and the snapshot) until then.
   *
   * @param source the database to copy (only read)
   * @return the open snapshot, ready to copy
   * @throws PgToolException when the source cannot be reached or read, or {@code pg_dump} fails (too old for
   *     the source server: the message says which version is needed)
   * @throws MigrationCancelledException when the calling thread is interrupted
   */
  public Snapshot open(PgConnection source) {
    Objects.requireNonNull(source, "source");
    redactor.register(source.password());
    Instant start = Instant.now();
    Path dir = privateDirectory();
    ExecutorService opener = Executors.newCachedThreadPool(RestoreEngine.daemon("cutover-direct-open"));
    SourceSession coordinator = null;
    List<Future<SourceSession>> joining = new ArrayList<>();
    try {
      coordinator = SourceSession.exporting(source);
      String snapshot = coordinator.snapshot();
      log.debug("snapshot {} exported: {} ms", snapshot, Duration.between(start, Instant.now()).toMillis());
      Future<ArchiveToc> schema = opener.submit(() -> dumpSchema(source, snapshot, dir.resolve("schema.dump")));
      for (int i = 0; i < engine.jobs(); i++) {
        joining.add(opener.submit(() -> SourceSession.joining(source, snapshot)));
      }
      SourceCatalog catalog = SourceCatalog.read(coordinator);
      lock(coordinator, catalog);
      log.debug("catalogue read, {} tables locked: {} ms", catalog.tables().size(),
          Duration.between(start, Instant.now()).toMillis());
      ArchiveToc dumped = RestoreEngine.await(schema);
      log.debug("schema dumped: {} ms", Duration.between(start, Instant.now()).toMillis());
      Map<Long, String[]> sequences = SourceCatalog.sequenceValues(coordinator, DirectToc.sequences(dumped));
      Map<Long, String> largeObjects = DirectToc.needsLargeObjects(dumped) ? SourceCatalog.largeObjects(coordinator)
          : Map.of();
      DirectToc toc = DirectToc.of(dumped, catalog, sequences, largeObjects);
      List<SourceSession> sessions = new ArrayList<>();
      for (Future<SourceSession> f : joining) {
        sessions.add(RestoreEngine.await(f));
      }
      log.debug("source snapshot {} open: {} tables, schema by pg_dump, in {} ms", snapshot, toc.tables().size(),
          Duration.between(start, Instant.now()).toMillis());
      Snapshot opened = new Snapshot(this, source, coordinator, sessions, toc, dumped, catalog.serverVersion(), dir);
      coordinator = null;
      joining.clear();
      return opened;
    } catch (SQLException e) {
      throw new PgToolException(STEP, redactor.redact(STEP + ": cannot read the source " + source + " ("
          + e.getMessage() + (e.getSQLState() == null ? "" : ", SQLSTATE " + e.getSQLState()) + ")"), true, e);
    } finally {
      opener.shutdownNow();
      for (Future<SourceSession> f : joining) {
        closeWhenOpen(f);
      }
      if (coordinator != null) {
        coordinator.close();
        deleteQuietly(dir);
      }
    }
  }

  /**
   * {@link #open} {@code source}, {@link Snapshot#copyTo} {@code target}, close. Blocks until done.
   *
   * @param source the database to copy (only read)
   * @param target the database to copy into
   * @param journal where finished work is recorded, and read back on a re-run
   * @return what was copied
   * @see Snapshot#copyTo
   */
  public RestoreResult copy(PgConnection source, PgConnection target, CopyJournal journal) {
    try (Snapshot snapshot = open(source)) {
      return snapshot.copyTo(target, journal);
    }
  }

  /**
   * Locks every table it may read in the snapshot's transaction, as pg_dump does: nothing can drop or alter
   * one until the end. (One it may not read fails the copy, loudly, if it has data to copy.)
   */
  private static void lock(SourceSession coordinator, SourceCatalog catalog) throws SQLException {
    List<String> readable = catalog.tables().values().stream().filter(SourceCatalog.Table::readable)
        .map(t -> "ONLY " + t.qualified()).toList();
    if (!readable.isEmpty()) {
      coordinator.execute("LOCK TABLE " + String.join(", ", readable) + " IN ACCESS SHARE MODE");
    }
  }

  /** {@code pg_dump -Fc --section=pre-data --section=post-data --snapshot=...} into {@code file}, read back. */
  private ArchiveToc dumpSchema(PgConnection source, String snapshot, Path file) {
    Command command = Command.builder(pgDump.toString(), "-Fc", "-Z", "0", "--section=pre-data",
            "--section=post-data", "--snapshot=" + snapshot, "--no-password", "-f", file.toString(), "-h",
            source.host(), "-p", Integer.toString(source.port()), "-U", source.user(), "-d", source.database())
        .secretEnv("PGPASSWORD", source.password()).env("PGSSLMODE", source.sslMode()).env("PGCONNECT_TIMEOUT", "30")
        .env("PGOPTIONS", "-c default_transaction_read_only=on").env("PGAPPNAME", "cutover-direct-schema")
        .unsetEnv("PGSERVICE").unsetEnv("PGPASSFILE").timeout(schemaTimeout).build();
    try {
      runner.run(command, line -> listener.output(new MigrationEvent.Output(STEP, Instant.now(), "pg_dump",
          line.line())));
    } catch (CommandFailedException e) {
      String tail = String.join("\n  ", e.outputTail());
      String hint = tail.contains("server version mismatch")
          ? "; pg_dump must be at least the source server's major version: install newer client tools and pass "
              + "pgDump(path), or restore a backup archive with PARALLEL"
          : "";
      throw new PgToolException(STEP, redactor.redact(STEP + ": pg_dump could not read the source's schema (exit "
          + e.exitCode() + "):\n  " + tail + hint), false, e);
    }
    return ArchiveReader.readToc(file);
  }

  private static void closeWhenOpen(Future<SourceSession> f) {
    boolean interrupted = Thread.interrupted();
    try {
      f.get(30, TimeUnit.SECONDS).close();
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException | java.util.concurrent.TimeoutException | java.util.concurrent.CancellationException e) {
      // it never opened
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Path privateDirectory() {
    try {
      return PrivateFiles.createTempDirectory("cutover-direct-");
    } catch (IOException e) {
      throw new PgToolException(STEP, STEP + ": cannot create a private temporary directory (" + e.getMessage()
          + "); set java.io.tmpdir to a writable directory", false, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", dir, e.getMessage());
    }
  }

  @Override
  public String toString() {
    return "DirectCopy[jobs " + engine.jobs() + ", pg_dump " + pgDump + ", freeze " + engine.freeze() + "]";
  }

  /**
   * An open snapshot of the source: its schema, read by {@code pg_dump}, and the read-only sessions that
   * copy the tables. Not thread-safe. {@link #close()} ends the source transactions; it is idempotent and
   * throws nothing.
   */
  public static final class Snapshot implements AutoCloseable {
    private final DirectCopy owner;
    private final PgConnection source;
    private final SourceSession coordinator;
    private final List<SourceSession> sessions;
    private final DirectToc toc;
    private final ArchiveToc schema;
    private final int serverVersion;
    private final Path dir;
    private boolean used;
    private boolean closed;

    private Snapshot(DirectCopy owner, PgConnection source, SourceSession coordinator, List<SourceSession> sessions,
        DirectToc toc, ArchiveToc schema, int serverVersion, Path dir) {
      this.owner = owner;
      this.source = source;
      this.coordinator = coordinator;
      this.sessions = sessions;
      this.toc = toc;
      this.schema = schema;
      this.serverVersion = serverVersion;
      this.dir = dir;
    }

    /**
     * The source's schema as {@code pg_dump} wrote it (pre-data and post-data, ACLs included), as an archive's
     * table of contents: what the target will be given, for checks around the copy.
     *
     * @return the dump's table of contents
     */
    public ArchiveToc schema() {
      return schema;
    }

    /**
     * The snapshot's id ({@code pg_export_snapshot()}), which another session may join while this is open.
     *
     * @return the id
     */
    public String id() {
      return coordinator.snapshot();
    }

    /**
     * Copies the snapshot into {@code target}. Blocks until done; opens and closes {@code jobs} target
     * connections. {@code target} must be empty, unless {@code journal} holds the progress of an earlier,
     * interrupted copy into it (then what that attempt finished is checked and skipped). Can be called once.
     *
     * @param target the database to copy into
     * @param journal receives an entry as each piece of work commits on the target; read back on a re-run
     *     ({@link CopyJournal#inMemory()} when no resume is wanted)
     * @return rows per table (those a resumed copy skipped included), warnings
     * @throws PgToolException when a statement fails (the message names the object), or the journal does not
     *     match the target (a finished table no longer holds its rows, the source schema changed)
     * @throws MigrationCancelledException when the calling thread is interrupted (the work in flight is
     *     cancelled; what finished is in the journal)
     * @throws IllegalStateException when called twice, or after {@link #close()}
     */
    public RestoreResult copyTo(PgConnection target, CopyJournal journal) {
      return copyTo(target, journal, toc -> RestoreHooks.NONE);
    }

    /**
     * As {@link #copyTo(PgConnection, CopyJournal)}, with statements run at fixed points of the copy
     * ({@link RestoreHooks}), made from the table of contents the copy restores (its pre-data as
     * {@code pg_dump} wrote it, and a {@code TABLE DATA} entry with its COPY column list per table).
     *
     * @param target the database to copy into
     * @param journal as for {@link #copyTo(PgConnection, CopyJournal)}
     * @param hooks the statements, from the copy's table of contents
     * @return rows per table, warnings
     */
    public RestoreResult copyTo(PgConnection target, CopyJournal journal,
        java.util.function.Function<ArchiveToc, RestoreHooks> hooks) {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(journal, "journal");
      Objects.requireNonNull(hooks, "hooks");
      if (used || closed) {
        throw new IllegalStateException("a snapshot is copied once; open another");
      }
      used = true;
      owner.redactor.register(target.password());
      SourceData data = new SourceData(toc, sessions, serverVersion, owner.engine.splitThresholdBytes());
      try (data) {
        return new RestoreEngine(owner.engine.withHooks(hooks.apply(toc.toc())), toc.toc(), data, target,
            new JournalCheckpoint(journal, toc.toc()), RestoreStrategy.DIRECT).run();
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (!used) {
        sessions.forEach(SourceSession::close);
      }
      coordinator.close();
      deleteQuietly(dir);
    }

    @Override
    public String toString() {
      return "DirectCopy.Snapshot[" + source + ", " + toc.tables().size() + " tables" + (closed ? ", closed" : "") + "]";
    }
  }

  /** Options for {@link DirectCopy}. Not thread-safe; {@link #build()} validates and copies. */
  public static final class Builder {
    private int jobs = 2;
    private Redactor redactor = Redactor.create();
    private MigrationListener listener = MigrationListener.NONE;
    private Path pgDump = Path.of("pg_dump");
    private ProcessRunner processRunner;
    private long splitThresholdBytes = Long.MAX_VALUE;
    private boolean freeze = true;
    private int maintenanceWorkMemMb = 64;
    private Duration schemaTimeout = Duration.ofHours(1);

    private Builder() {}

    /**
     * Connection pairs (a source and a target connection each) working at once (1 to 64; default 2). Match
     * the target server's cores: each pair keeps about one core of each server busy.
     */
    public Builder jobs(int jobs) {
      this.jobs = jobs;
      return this;
    }

    /** The redactor that masks secrets in messages (both passwords are registered with it). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /**
     * Receives progress: bytes read from the source and rows loaded ({@code MigrationEvent.Progress}), a line
     * per finished table with its rows and bytes and pg_dump's output ({@code MigrationEvent.Output}). Called
     * from the copy's threads.
     */
    public Builder listener(MigrationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The {@code pg_dump} to read the schema with (default {@code pg_dump} on the {@code PATH}); at least the source's major version. */
    public Builder pgDump(Path executable) {
      this.pgDump = Objects.requireNonNull(executable, "executable");
      return this;
    }

    /** How {@code pg_dump} is run (default: {@link ProcessRunner#create} with the redactor). */
    public Builder processRunner(ProcessRunner processRunner) {
      this.processRunner = Objects.requireNonNull(processRunner, "processRunner");
      return this;
    }

    /**
     * Tables larger than this on the source (bytes, TOAST included) are read in {@code ctid} ranges over
     * several connection pairs at once (sources of PostgreSQL 14 and later). Default: never. Loaded by one
     * connection, a table gets {@code COPY FREEZE}, and its index builds then need not set hint bits; on the
     * benchmark machine (2 cores) that is worth more than a second connection.
     */
    public Builder splitTablesLargerThan(long bytes) {
      this.splitThresholdBytes = bytes;
      return this;
    }

    /** Whether a table loaded by one connection is truncated and loaded with {@code COPY ... FREEZE} (default true). */
    public Builder freeze(boolean freeze) {
      this.freeze = freeze;
      return this;
    }

    /** {@code maintenance_work_mem} for index builds on each target connection, in MB (default 64). */
    public Builder maintenanceWorkMemMb(int mb) {
      this.maintenanceWorkMemMb = mb;
      return this;
    }

    /** How long {@code pg_dump} may take to read the schema (default 1 hour). */
    public Builder schemaTimeout(Duration timeout) {
      this.schemaTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Validates the options.
     *
     * @return the configured copier
     * @throws ValidationException listing every out-of-range option
     */
    public DirectCopy build() {
      ValidationException.Collector problems = ValidationException.collector("restore");
      ParallelRestore engine = null;
      try {
        // The engine's options are the engine's to check.
        engine = ParallelRestore.builder().jobs(jobs).redactor(redactor).listener(listener)
            .splitTablesLargerThan(splitThresholdBytes).freeze(freeze).maintenanceWorkMemMb(maintenanceWorkMemMb).build();
      } catch (ValidationException e) {
        problems.addAll(e);
      }
      if (schemaTimeout.isNegative() || schemaTimeout.isZero()) {
        problems.add("schemaTimeout", schemaTimeout, "must be positive", "e.g. Duration.ofHours(1)");
      }
      problems.throwIfAny();
      return new DirectCopy(this, engine);
    }
  }
}
