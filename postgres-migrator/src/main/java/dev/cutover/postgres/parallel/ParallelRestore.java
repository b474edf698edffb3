package dev.cutover.postgres.parallel;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.postgres.archive.IncomingArchive;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The SDK's own restore engine ({@code RestoreStrategy.PARALLEL}): reads a {@code pg_dump -Fc}
 * archive in Java and restores it over JDBC on several connections, ending with the same database
 * as {@code pg_restore --no-owner --no-acl}. Needs no PostgreSQL client tools.
 *
 * <pre>{@code
 * RestoreResult result = ParallelRestore.builder()
 *     .jobs(4)
 *     .redactor(redactor)
 *     .listener(listener)
 *     .build()
 *     .restore(Path.of("latest.dump"), target);
 * }</pre>
 *
 * <p>What it does: the pre-data SQL in archive order on one connection (with pg_restore's session
 * settings); then table data, sequence values, large objects and post-data (indexes, constraints,
 * triggers, materialized view refreshes) on {@code jobs} connections, in dependency order as
 * {@code pg_restore -j} schedules them, except that materialized views are refreshed as soon as all
 * the data is in rather than after every index. Each table's COPY text is decompressed on its own
 * reader thread and passed to the server unchanged, or converted there to COPY BINARY for tables of
 * simple types (see {@link Builder#binaryCopy}); a large table (see {@link Builder#splitTablesLargerThan})
 * is cut at row boundaries and loaded over several connections at once. Owners and privileges are
 * not restored (every object belongs to the connecting role); comments are. Memory use is constant
 * (a few MiB per connection), whatever the archive's size; nothing is written to disk.
 *
 * <p>Immutable and thread-safe; one instance may run several restores (each call is independent).
 */
public final class ParallelRestore {
  private final int jobs;
  private final Redactor redactor;
  private final MigrationListener listener;
  private final long splitThresholdBytes;
  private final boolean freeze;
  private final int maintenanceWorkMemMb;
  private final boolean binaryCopy;
  private final RestoreHooks hooks;

  private ParallelRestore(Builder b) {
    this.jobs = b.jobs;
    this.redactor = b.redactor;
    this.listener = b.listener;
    this.splitThresholdBytes = b.splitThresholdBytes;
    this.freeze = b.freeze;
    this.maintenanceWorkMemMb = b.maintenanceWorkMemMb;
    this.binaryCopy = b.binaryCopy;
    this.hooks = b.hooks;
  }

  /** A builder with the defaults: 2 jobs, no listener, a fresh redactor. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Restores {@code archive} into {@code target}, which should be an empty database. Blocks until
   * done. Opens and closes its own connections ({@code jobs} of them) and reader threads; the
   * listener is called from those threads.
   *
   * @return what was restored: rows per table (schema-qualified), ignored expected errors, warnings
   * @throws PgToolException when the archive cannot be read, the target cannot be reached, or a
   *     statement fails (the message names the TOC entry; the target is then partly restored)
   * @throws dev.cutover.core.MigrationCancelledException when the calling thread is interrupted
   *     (running statements are cancelled, the interrupt flag is set again)
   */
  public RestoreResult restore(Path archive, PgConnection target) {
    return restore(archive, target, null);
  }

  /**
   * As {@link #restore(Path, PgConnection)}, resumable: as each piece of work commits on the target an entry
   * is appended to {@code journal}, and what an earlier, interrupted restore of the same archive into
   * {@code target} recorded there is checked and skipped (the target is then expected to hold that work).
   *
   * @param archive a {@code pg_dump -Fc} archive
   * @param target the database to restore into
   * @param journal where finished work is recorded, and read back on a re-run
   * @return what was restored
   * @throws PgToolException also when the target no longer holds what the journal says was restored
   */
  public RestoreResult restore(Path archive, PgConnection target, CopyJournal journal) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(target, "target");
    redactor.register(target.password());
    if (!Files.isRegularFile(archive)) {
      throw new PgToolException(RestoreEngine.STEP, RestoreEngine.STEP + ": archive not found or not a file ("
          + archive + ")", false, null);
    }
    ArchiveToc toc = ArchiveReader.readToc(archive);
    try (ArchiveData data = ArchiveData.open(archive, toc, binaryCopy)) {
      return new RestoreEngine(this, toc, data, target, checkpoint(journal, toc), RestoreStrategy.PARALLEL).run();
    }
  }

  /**
   * Restores an archive while it is still being downloaded: starts as soon as its table of contents has
   * arrived, and loads each table as its data arrives (pg_dump writes the tables' data one after another;
   * the indexes of a table are built once its data is in), so the restore ends shortly after the download
   * instead of starting after it. Blocks until done. Tables are not split over connections here.
   *
   * <p>When the download fails ({@link IncomingArchive#fail}), the restore stops with that failure: the
   * loads under way are rolled back, and what committed is in {@code journal}, so restoring a new
   * download of the same backup with the same journal finishes the work without redoing it.
   *
   * @param archive the archive being downloaded
   * @param target the database to restore into
   * @param journal receives an entry as each piece of work commits; read back on a re-run
   *     ({@link CopyJournal#inMemory()} when no resume is wanted)
   * @return what was restored
   * @throws PgToolException when the download fails, the archive cannot be read, or a statement fails
   * @throws dev.cutover.core.MigrationCancelledException when the calling thread is interrupted
   */
  public RestoreResult restore(IncomingArchive archive, PgConnection target, CopyJournal journal) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(journal, "journal");
    redactor.register(target.password());
    ArchiveToc toc;
    try (InputStream in = new BufferedInputStream(archive.open(0), 1 << 16)) {
      toc = ArchiveReader.readToc(in, archive.file().toString());
    } catch (IOException e) {
      throw new PgToolException(RestoreEngine.STEP, RestoreEngine.STEP + ": cannot read the table of contents of "
          + archive.file() + " (" + e.getMessage() + ")", false, e);
    }
    try (ArchiveData data = new ArchiveData(toc, new IncomingBlocks(archive, toc), binaryCopy)) {
      return new RestoreEngine(this, toc, data, target, checkpoint(journal, toc), RestoreStrategy.PARALLEL).run();
    }
  }

  /**
   * Whether {@code journal} holds the progress of an earlier restore or {@link DirectCopy} (its schema at
   * least): then the target holds that work, and a restore or copy with this journal continues it rather
   * than starting on an empty target.
   *
   * @param journal the journal of the earlier attempts
   * @return whether it holds an earlier attempt's schema
   */
  public static boolean hasProgress(CopyJournal journal) {
    return journal.entries().stream().anyMatch(e -> e.item().equals(JournalCheckpoint.PRE_DATA));
  }

  private static Checkpoint checkpoint(CopyJournal journal, ArchiveToc toc) {
    return journal == null ? Checkpoint.NONE : new JournalCheckpoint(journal, toc);
  }

  int jobs() {
    return jobs;
  }

  Redactor redactor() {
    return redactor;
  }

  MigrationListener listener() {
    return listener;
  }

  long splitThresholdBytes() {
    return splitThresholdBytes;
  }

  boolean freeze() {
    return freeze;
  }

  int maintenanceWorkMemMb() {
    return maintenanceWorkMemMb;
  }

  boolean binaryCopy() {
    return binaryCopy;
  }

  RestoreHooks hooks() {
    return hooks;
  }

  /** This configuration with other {@code hooks}. */
  ParallelRestore withHooks(RestoreHooks other) {
    Builder b = new Builder();
    b.jobs = jobs;
    b.redactor = redactor;
    b.listener = listener;
    b.splitThresholdBytes = splitThresholdBytes;
    b.freeze = freeze;
    b.maintenanceWorkMemMb = maintenanceWorkMemMb;
    b.binaryCopy = binaryCopy;
    b.hooks = other;
    return new ParallelRestore(b);
  }

  @Override
  public String toString() {
    return "ParallelRestore[jobs " + jobs + ", split tables over " + splitThresholdBytes + " archive bytes, freeze "
        + freeze + ", maintenance_work_mem " + maintenanceWorkMemMb + "MB, binary COPY " + binaryCopy + "]";
  }

  /** Options for {@link ParallelRestore}. Not thread-safe; {@link #build()} validates and copies. */
  public static final class Builder {
    private int jobs = 2;
    private Redactor redactor = Redactor.create();
    private MigrationListener listener = MigrationListener.NONE;
    private long splitThresholdBytes = 32L << 20;
    private boolean freeze = true;
    private int maintenanceWorkMemMb = 64;
    private boolean binaryCopy = true;
    private RestoreHooks hooks = RestoreHooks.NONE;

    private Builder() {}

    /** Connections to use in parallel (1 to 64; default 2). Match the target server's cores. */
    public Builder jobs(int jobs) {
      this.jobs = jobs;
      return this;
    }

    /** The redactor that masks secrets in messages (the target's password is registered with it). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /** Receives byte and row progress ({@code MigrationEvent.Progress}, units {@code bytes} and {@code rows}). */
    public Builder listener(MigrationListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Tables whose data takes more than this many archive bytes are loaded over several connections
     * at once (default 32 MiB), and so is a table of at least 1 MiB that holds more than
     * {@code 1/jobs} of all the archive's data. Other tables are loaded by one connection each,
     * with {@code COPY FREEZE} (see {@link #freeze}).
     */
    public Builder splitTablesLargerThan(long archiveBytes) {
      this.splitThresholdBytes = archiveBytes;
      return this;
    }

    /**
     * Whether a table loaded by one connection is truncated and loaded with {@code COPY ... FREEZE}
     * in one transaction (default true), as pg_restore's parallel mode truncates: later index builds
     * and queries then need not set hint bits. The table was created by this restore, so nothing is lost.
     */
    public Builder freeze(boolean freeze) {
      this.freeze = freeze;
      return this;
    }

    /**
     * {@code maintenance_work_mem} for index builds on each connection, in MB (default 64, PostgreSQL's
     * own default). More is not faster here: on the benchmark machine a 6 M-row primary key took
     * 2.1–2.9 s with 64 MB and 2.9–4.1 s with 256 MB or 1 GB (the bigger sort memory is page-faulted in
     * by every build and every parallel worker).
     */
    public Builder maintenanceWorkMemMb(int mb) {
      this.maintenanceWorkMemMb = mb;
      return this;
    }

    /**
     * Whether tables whose columns are all integers, {@code oid}, {@code boolean}, {@code text},
     * {@code varchar} or {@code char} are sent as {@code COPY ... (FORMAT binary)}, converted from the
     * archive's text on the reader thread (default true; only for UTF8 archives). The server then does
     * not parse the text: on the benchmark's 6 M-row table the COPY took about 10 % less server time.
     * Other tables always go as text. Turn it off to send every table exactly as pg_restore does.
     */
    public Builder binaryCopy(boolean binaryCopy) {
      this.binaryCopy = binaryCopy;
      return this;
    }

    /**
     * Statements to run at fixed points of the restore (default none): after a pre-data entry on
     * the connection that ran it, before the data, and at the end. A failing one fails the restore.
     *
     * @param hooks the statements
     * @return this builder
     */
    public Builder hooks(RestoreHooks hooks) {
      this.hooks = Objects.requireNonNull(hooks, "hooks");
      return this;
    }

    /**
     * @throws ValidationException listing every out-of-range option
     */
    public ParallelRestore build() {
      ValidationException.Collector problems = ValidationException.collector("restore");
      if (jobs < 1 || jobs > 64) {
        problems.add("jobs", "" + jobs, "must be between 1 and 64", "use the target's core count, e.g. 2 or 4");
      }
      if (splitThresholdBytes < 1) {
        problems.add("splitTablesLargerThan", "" + splitThresholdBytes, "must be positive", "e.g. 33554432 (32 MiB)");
      }
      if (maintenanceWorkMemMb < 1 || maintenanceWorkMemMb > 2_000_000) {
        problems.add("maintenanceWorkMemMb", "" + maintenanceWorkMemMb, "must be between 1 and 2000000",
            "e.g. 64, well below the target's memory divided by jobs");
      }
      problems.throwIfAny();
      return new ParallelRestore(this);
    }
  }
}
