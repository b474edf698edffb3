package dev.cutover.postgres;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.WriteCounters;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.IncomingArchive;
import dev.cutover.postgres.parallel.DirectCopy;
import dev.cutover.postgres.parallel.ParallelRestore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a PostgreSQL database: dumps it, converts or restores an archive with one of several
 * {@link RestoreStrategy strategies}, inspects archives, carries database-level settings over and
 * verifies the result against the source.
 *
 * <pre>{@code
 * PgMigrator pg = PgMigrator.builder().redactor(redactor).jobs(2).build();
 * ArchiveSummary summary = pg.inspect(dump);                 // "archive 1.14 of d7k2m9x1: 42 tables, ..."
 * pg.checkCanRestore(summary, RestoreStrategy.PG_RESTORE);   // before downtime
 * RestoreResult restored = pg.restore(dump, target, RestoreStrategy.PG_RESTORE, false, listener);
 * pg.copyDatabaseSettings(source, target);                   // when the source is reachable
 * VerificationReport report = pg.verify(target, Optional.of(source), restored);
 *
 * pg.checkCanCopyDirect(source);                             // or no backup at all: DIRECT, before downtime
 * RestoreResult copied = pg.copyDirect(source, target, false, journal, listener);
 * }</pre>
 *
 * <p>Passwords reach the client programs only through {@code PGPASSWORD} in their environment,
 * never in argv. A restore refuses a target that is not empty unless {@code replaceExisting} is
 * given; then the target is emptied first, so a re-run never duplicates rows. Every method blocks
 * until its work is done; the instance is immutable and thread-safe (tool discovery runs once, on
 * first use). Nothing it returns needs closing.
 */
public final class PgMigrator implements DatabaseMover {
  private static final Logger log = LoggerFactory.getLogger(PgMigrator.class);
  private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);

  private final Redactor redactor;
  private final ProcessRunner runner;
  private final Optional<Path> toolsDirectory;
  private final int jobs;
  private final int compressionLevel;
  private final Duration timeout;
  private PgTools tools;

  private PgMigrator(Builder b) {
    this.redactor = b.redactor;
    this.runner = b.processRunner == null ? ProcessRunner.create(redactor) : b.processRunner;
    this.toolsDirectory = Optional.ofNullable(b.toolsDirectory);
    this.jobs = b.jobs;
    this.compressionLevel = b.compressionLevel;
    this.timeout = b.timeout;
  }

  /** A builder with defaults: a fresh {@link Redactor}, the real process runner, 2 jobs, compression level 1, 24 h timeout. */
  public static Builder builder() {
    return new Builder();
  }

  /** The client programs this migrator uses, discovered on first call (blocks for that). */
  public synchronized PgTools tools() {
    if (tools == null) {
      tools = PgTools.discover(runner, toolsDirectory);
      log.debug("PostgreSQL client tools: {}", tools);
    }
    return tools;
  }

  // ---------------------------------------------------------------- dump and convert

  /**
   * Dumps {@code source} to {@code file} with {@code pg_dump -Fc} at the configured compression
   * level. The file is created private (0600; its directory 0700 when created here). Blocks until
   * pg_dump exits; its stderr goes to {@code listener} as output of step {@code pg.dump}. A failed
   * dump leaves no partial file behind.
   *
   * @return {@code file}
   * @throws ValidationException when {@code file} exists and is not empty
   * @throws PgToolException when pg_dump is missing, older than the source server, or fails
   */
  public Path dump(PgConnection source, Path file, MigrationListener listener) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(file, "file");
    MigrationListener events = MigrationListener.safe(listener);
    redactor.register(source.password());
    ValidationException.Collector problems = ValidationException.collector("pg.dump");
    try {
      if (Files.exists(file) && Files.size(file) > 0) {
        problems.add("file", file, "already exists and is not empty", "choose a new file or delete it first");
      }
    } catch (IOException e) {
      problems.add("file", file, "cannot be read: " + e.getMessage(), "choose a file in a writable directory");
    }
    problems.throwIfAny();
    PgTool pgDump = tools().require("pg_dump");
    requireDumpCanRead(pgDump, source, "pg.dump");
    try {
      ToolRun.createPrivateFile(file);
    } catch (IOException e) {
      throw new PgToolException("pg.dump", "pg.dump: cannot create " + file + ": " + e.getMessage(), false, e);
    }
    Command command = PgCli.credentials(Command.builder(pgDump.path().toString(), "-Fc", "-Z",
        Integer.toString(compressionLevel), "--no-password", "-f", file.toString()), source)
        .args(PgCli.serverArgs(source)).arg("-d").arg(source.database()).timeout(timeout).build();
    Instant start = Instant.now();
    try {
      ToolRun.run(runner, "pg.dump", "pg_dump", command, events, line -> {});
    } catch (RuntimeException e) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    log.info("dumped {} to {} in {}", source, file, Duration.between(start, Instant.now()));
    return file;
  }

  /**
   * Converts {@code archive} to a plain SQL script, as the guide's {@code pg_restore -f} step does,
   * with {@code --no-owner --no-acl}. Blocks until pg_restore exits.
   *
   * @param tables table names to keep ({@code pg_restore -t} semantics: the name matches in any
   *     schema); empty for everything
   * @throws ValidationException when the archive is not a readable custom-format archive
   * @throws PgToolException when pg_restore is missing, too old for the archive, or fails
   */
  public void convert(Path archive, Path sqlOut, List<String> tables) {
    Objects.requireNonNull(sqlOut, "sqlOut");
    Objects.requireNonNull(tables, "tables");
    ValidationException.Collector problems = ValidationException.collector("pg.convert");
    validateArchive(problems, archive);
    for (String t : tables) {
      if (t.isBlank()) {
        problems.add("tables", t, "is blank", "give table names such as users");
      }
    }
    problems.throwIfAny();
    checkCanRestore(inspect(archive), RestoreStrategy.GUIDE_SQL);
    Command.Builder b = Command.builder(tools().require("pg_restore").path().toString(), "--no-owner", "--no-acl",
        "-f", sqlOut.toString());
    tables.forEach(t -> b.arg("-t").arg(t));
    ToolRun.run(runner, "pg.convert", "pg_restore", b.arg(archive.toString()).timeout(timeout).build(),
        MigrationListener.NONE, line -> {});
  }

  // ---------------------------------------------------------------- inspection and checks

  /**
   * Reads {@code archive}'s header and table of contents in Java, streaming (the data is not read).
   *
   * @throws ValidationException when it is missing or not a custom-format archive
   * @throws PgToolException when its table of contents cannot be parsed
   */
  @Override
  public ArchiveSummary inspect(Path archive) {
    ValidationException.Collector problems = ValidationException.collector("pg.inspect");
    validateArchive(problems, archive);
    problems.throwIfAny();
    return ArchiveReader.readToc(archive).summary(size(archive));
  }

  /**
   * Fails, before any downtime, when {@code strategy} cannot restore {@code archive} with the tools
   * found here: a {@code pg_restore} too old for the archive's format version (GUIDE_SQL, PG_RESTORE),
   * {@code psql} missing (GUIDE_SQL), a format newer than the SDK's own reader (PARALLEL), or a
   * {@code pg_dump} older than the source server the archive came from (STREAM). DIRECT restores no
   * archive: it is always refused here (check it with {@link #checkCanCopyDirect}).
   *
   * @throws PgToolException saying which version is needed and which strategy works instead
   */
  @Override
  public void checkCanRestore(ArchiveSummary archive, RestoreStrategy strategy) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(strategy, "strategy");
    if (strategy == RestoreStrategy.DIRECT) {
      throw new PgToolException("restore.check", "restore.check: DIRECT copies from the live source database, not "
          + "from a backup archive: check it with checkCanCopyDirect(source) and run it with copyDirect(...); to restore "
          + "a backup choose PARALLEL", false, null);
    }
    int minor = archiveMinor(archive.archiveVersion());
    String written = "archive " + archive.archiveVersion() + " was written by pg_dump " + firstWord(archive.pgDumpVersion());
    if (strategy == RestoreStrategy.PARALLEL) {
      if (minor > MAX_READER_MINOR) {
        throw new PgToolException("restore.check", "restore.check: " + written + "; the SDK's archive reader knows "
            + "formats up to 1." + MAX_READER_MINOR + ": upgrade cutover", false, null);
      }
      return;
    }
    if (strategy == RestoreStrategy.STREAM) {
      checkCanStream(archive);
      return;
    }
    if (strategy == RestoreStrategy.GUIDE_SQL) {
      tools().require("psql");
    }
    PgTool pgRestore = tools().require("pg_restore");
    if (minor > maxArchiveMinor(pgRestore.major())) {
      throw new PgToolException("restore.check", "restore.check: " + written + "; pg_restore " + pgRestore.shortVersion()
          + " cannot read it: install PostgreSQL " + minimumMajorFor(minor) + "+ client tools (configure "
          + "PgMigrator.builder().toolsDirectory(dir) if they are not on PATH) or use a strategy that does not need "
          + "pg_restore (PARALLEL)", false, null);
    }
  }

  /**
   * STREAM reads no archive: pg_dump must be at least the source server's major version (taken from
   * the summary of a backup of that server), and pg_restore at least pg_dump's.
   */
  private void checkCanStream(ArchiveSummary archive) {
    PgTool pgDump = tools().require("pg_dump");
    PgTool pgRestore = tools().require("pg_restore");
    int serverMajor = leadingNumber(archive.serverVersion());
    if (pgDump.major() < serverMajor) {
      throw new PgToolException("restore.check", "restore.check: the source server is " + firstWord(archive.serverVersion())
          + "; pg_dump " + pgDump.shortVersion() + " cannot dump it: install PostgreSQL " + serverMajor
          + "+ client tools or restore the backup archive with PARALLEL", false, null);
    }
    if (pgRestore.major() < pgDump.major()) {
      throw new PgToolException("restore.check", "restore.check: pg_restore " + pgRestore.shortVersion()
          + " cannot read what pg_dump " + pgDump.shortVersion() + " writes: install pg_restore " + pgDump.major()
          + "+ next to it", false, null);
    }
  }

  private static int leadingNumber(String version) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d+)").matcher(version);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /** The newest archive format minor version (1.x) the SDK's own reader supports. */
  static final int MAX_READER_MINOR = 16;

  /** The newest archive minor version (1.x) a pg_restore of {@code major} reads. */
  static int maxArchiveMinor(int major) {
    if (major >= 17) {
      return 16;
    }
    if (major == 16) {
      return 15;
    }
    if (major >= 12) {
      return 14;
    }
    return major == 11 ? 13 : 12;
  }

  private static int minimumMajorFor(int minor) {
    for (int major = 9; major < 100; major++) {
      if (maxArchiveMinor(major) >= minor) {
        return major;
      }
    }
    return 100;
  }

  private static int archiveMinor(String version) {
    String[] parts = version.split("\\.");
    try {
      return parts.length < 2 ? 0 : Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }

  private static String firstWord(String s) {
    String t = s.strip();
    int sp = t.indexOf(' ');
    return sp < 0 ? t : t.substring(0, sp);
  }

  // ---------------------------------------------------------------- restore

  /**
   * Restores {@code archive} into {@code target} with {@code strategy} (not {@link RestoreStrategy#STREAM},
   * which needs a source: use {@link #stream}). Blocks until done; client output goes to
   * {@code listener} as output of step {@code restore}, warnings as warnings.
   *
   * <p>Before anything else the archive is inspected and {@link #checkCanRestore checked}; a target
   * that is not empty is refused unless {@code replaceExisting}, which empties it first. Schemas that
   * the archive installs extensions into but does not create (a Heroku {@code heroku_ext}) are
   * created first. Afterwards, database-level settings that the archive cannot carry are derived
   * (a {@code search_path} including the schemas extensions live in) and reported as warnings; call
   * {@link #copyDatabaseSettings} when the source is reachable to carry the source's exact settings.
   *
   * @throws ValidationException for a bad archive, a non-empty target without {@code replaceExisting},
   *     or STREAM
   * @throws PgToolException when the tools cannot read the archive or the restore fails; for
   *     GUIDE_SQL, expected role errors are counted in {@link RestoreResult#expectedErrors()} while
   *     any other error fails with its statement and message
   */
  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      MigrationListener listener) {
    return restore(archive, target, strategy, replaceExisting, 0, listener);
  }

  /**
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, MigrationListener)} with {@code jobs}
   * workers (1-64) for PG_RESTORE and PARALLEL instead of the builder's; 0 keeps the builder's.
   */
  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, MigrationListener listener) {
    ValidationException.Collector problems = ValidationException.collector("restore");
    if (jobs < 0 || jobs > 64) {
      problems.add("jobs", jobs, "must be between 1 and 64 (0: the builder's " + this.jobs + ")",
          "use about the number of CPU cores of the target");
    }
    validateArchive(problems, archive);
    if (target == null) {
      problems.add("target", "null", "is missing", "give the target database connection");
    }
    if (strategy == null) {
      problems.add("strategy", "null", "is missing", "choose GUIDE_SQL, PG_RESTORE or PARALLEL");
    } else if (strategy == RestoreStrategy.STREAM) {
      problems.add("strategy", strategy, "streams from the source database, not from an archive",
          "call stream(source, target, replaceExisting, listener), or choose PG_RESTORE or PARALLEL");
    } else if (strategy == RestoreStrategy.DIRECT) {
      problems.add("strategy", strategy, "copies from the source database, not from an archive",
          "call copyDirect(source, target, replaceExisting, journal, listener), or choose PG_RESTORE or PARALLEL");
    }
    problems.throwIfAny();
    redactor.register(target.password());
    MigrationListener events = MigrationListener.safe(listener);
    ArchiveToc toc = ArchiveReader.readToc(archive);
    checkCanRestore(toc.summary(size(archive)), strategy);
    Instant start = Instant.now();
    List<String> warnings = new ArrayList<>();
    // One connection before the restore and one after: through a tunnel each costs a TLS handshake.
    PgCli.withConnection(target, "restore", c -> {
      TargetSteps.prepareTarget(c, target, replaceExisting, warnings);
      TargetSteps.createExtensionSchemas(c, target, ArchivePlan.schemasExtensionsNeed(toc), warnings);
    });
    Restorers restorers = new Restorers(runner, this::tools, jobs == 0 ? this.jobs : jobs, timeout, redactor);
    Restorers.Outcome outcome = switch (strategy) {
      case GUIDE_SQL -> restorers.guideSql(archive, target, events);
      case PG_RESTORE -> restorers.pgRestore(archive, target, events);
      case PARALLEL -> restorers.parallel(archive, target, events);
      case STREAM, DIRECT -> throw new IllegalStateException("rejected above");
    };
    warnings.addAll(outcome.warnings());
    PgCli.withConnection(target, "restore", c -> {
      if (strategy != RestoreStrategy.GUIDE_SQL) {
        TargetSteps.keepRevocationsAndReportOwners(c, target, toc, warnings);
      }
      TargetSteps.deriveSettings(c, target, warnings);
    });
    return finish(strategy, start, target, outcome, warnings, events);
  }

  /**
   * Restores {@code archive} while it downloads. With PARALLEL the SDK's engine starts on the first bytes
   * (see {@link ParallelRestore#restore(IncomingArchive, PgConnection, CopyJournal)}): the target is checked
   * and prepared, and each table loads as its data arrives, so the restore ends shortly after the download.
   * Other strategies need the whole file and wait for it. Around the engine it does what
   * {@link #restore} does (extension schemas first; revocations and derived settings after). Blocks until
   * done; the growing file is looked at every 20 ms, so the downloader need do nothing but complete
   * {@code downloaded}.
   *
   * @param archive the file the downloader writes
   * @param downloaded completes when the download is complete, exceptionally when it broke off (then the
   *     restore stops with that failure; restore a new download of the same backup with the same journal)
   * @param target the database to restore into
   * @param strategy PARALLEL restores while downloading; the others wait for the whole file
   * @param replaceExisting whether a fresh restore may empty a non-empty target first
   * @param journal where finished work is recorded, and read back on a re-run
   * @param listener progress and output
   * @return rows per table, warnings
   * @throws ValidationException for a missing target or journal, or a fresh restore's non-empty target
   *     without {@code replaceExisting}
   * @throws PgToolException when the download breaks off, the archive cannot be read, or a statement fails
   */
  @Override
  public RestoreResult restoreWhileDownloading(Path archive, java.util.concurrent.CompletionStage<?> downloaded,
      PgConnection target, RestoreStrategy strategy, boolean replaceExisting, CopyJournal journal,
      MigrationListener listener) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(downloaded, "downloaded");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(journal, "journal");
    if (strategy != RestoreStrategy.PARALLEL) {
      return DatabaseMover.super.restoreWhileDownloading(archive, downloaded, target, strategy, replaceExisting,
          journal, listener);
    }
    redactor.register(target.password());
    MigrationListener events = MigrationListener.safe(listener);
    IncomingArchive incoming = IncomingArchive.of(archive);
    downloaded.whenComplete((done, failure) -> {
      if (failure != null) {
        incoming.fail(failure instanceof Exception e ? e : new RuntimeException(failure));
      } else {
        try {
          incoming.complete();
        } catch (IOException e) {
          incoming.fail(e);
        }
      }
    });
    Instant start = Instant.now();
    List<String> warnings = new ArrayList<>();
    boolean resuming = ParallelRestore.hasProgress(journal);
    ArchiveToc toc;
    try (InputStream in = new java.io.BufferedInputStream(incoming.open(0), 1 << 16)) {
      toc = ArchiveReader.readToc(in, archive.toString());
    } catch (IOException e) {
      throw new PgToolException("restore", "restore: cannot read the table of contents of " + archive + " ("
          + e.getMessage() + ")", true, e);
    }
    checkCanRestore(toc.summary(archive.toFile().length()), strategy);
    PgCli.withConnection(target, "restore", c -> {
      if (!resuming) {
        TargetSteps.prepareTarget(c, target, replaceExisting, warnings);
      }
      TargetSteps.createExtensionSchemas(c, target, ArchivePlan.schemasExtensionsNeed(toc), warnings);
    });
    RestoreResult restored = ParallelRestore.builder().jobs(jobs).redactor(redactor).listener(events).build()
        .restore(incoming, target, journal);
    warnings.addAll(restored.warnings());
    PgCli.withConnection(target, "restore", c -> {
      TargetSteps.keepRevocationsAndReportOwners(c, target, toc, warnings);
      TargetSteps.deriveSettings(c, target, warnings);
    });
    return finish(strategy, start, target, new Restorers.Outcome(Optional.of(restored.rowsRestored()),
        restored.expectedErrors(), List.of()), warnings, events);
  }

  /**
   * Copies {@code source} into {@code target} with {@code pg_dump | pg_restore --no-owner --no-acl}
   * and no file in between (uncompressed on the local pipe), then carries the source's
   * database-level settings and its revocations of EXECUTE from PUBLIC over. Blocks until done. Needs
   * {@code bash} for the pipe.
   *
   * @throws ValidationException when source and target are the same database, or the target is not
   *     empty and {@code replaceExisting} is false
   * @throws PgToolException when pg_dump is older than the source server or either program fails
   */
  public RestoreResult stream(PgConnection source, PgConnection target, boolean replaceExisting,
      MigrationListener listener) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    requireDistinct(source, target);
    MigrationListener events = MigrationListener.safe(listener);
    PgTool pgDump = tools().require("pg_dump");
    PgTool pgRestore = tools().require("pg_restore");
    requireDumpCanRead(pgDump, source, "restore");
    Instant start = Instant.now();
    List<String> warnings = new ArrayList<>();
    PgCli.withConnection(target, "restore", c -> TargetSteps.prepareTarget(c, target, replaceExisting, warnings));
    Restorers.Outcome outcome = new Restorers(runner, this::tools, jobs, timeout, redactor)
        .stream(pgDump, pgRestore, source, target, events);
    warnings.addAll(outcome.warnings());
    List<String> revocations = TargetSteps.sourceRevocations(source);
    PgCli.withConnection(target, "restore", c -> TargetSteps.keepRevocations(c, target, revocations, warnings));
    Map<String, String> copied = copyDatabaseSettings(source, target);
    if (!copied.isEmpty()) {
      warnings.add("database-level settings copied from the source: " + copied);
    }
    return finish(RestoreStrategy.STREAM, start, target, outcome, warnings, events);
  }

  /**
   * Fails, before any downtime, when DIRECT cannot copy from {@code source}: the source cannot be reached,
   * or the {@code pg_dump} found here (which reads the schema) is older than the source server. Blocks for
   * one connection and the tool discovery.
   *
   * @param source the database DIRECT would copy from
   * @throws PgToolException saying what to install, or that PARALLEL from a backup works instead
   */
  @Override
  public void checkCanCopyDirect(PgConnection source) {
    Objects.requireNonNull(source, "source");
    redactor.register(source.password());
    requireDumpCanRead(tools().require("pg_dump"), source, "restore.check");
  }

  /**
   * Copies {@code source} straight into {@code target} with the SDK's engine ({@link RestoreStrategy#DIRECT},
   * see {@link DirectCopy}): every table from one snapshot of the source, which is only read, over
   * {@code jobs} connection pairs; then the source's revocations of EXECUTE from PUBLIC and its
   * database-level settings are carried over. Blocks until done.
   *
   * <p>When {@code journal} holds the progress of an earlier, interrupted copy into {@code target}, that copy
   * continues: what it finished is checked and skipped ({@code replaceExisting} does not apply). Otherwise
   * the target must be empty, or is emptied first when {@code replaceExisting}.
   *
   * @param source the database to copy, only read
   * @param target the database to copy into
   * @param replaceExisting whether a fresh copy may empty a non-empty target first
   * @param journal receives an entry as each table, index or other piece of work commits on the target;
   *     give the same journal to the re-run after a failure
   * @param listener progress and output, from the copy's threads
   * @return rows per table, warnings (revocations kept, owners, settings copied)
   * @throws ValidationException when source and target are the same database, or a fresh copy's target is
   *     not empty and {@code replaceExisting} is false
   * @throws PgToolException when pg_dump is older than the source server, a statement fails, or the target
   *     no longer holds what the journal says an earlier attempt copied
   */
  @Override
  public RestoreResult copyDirect(PgConnection source, PgConnection target, boolean replaceExisting,
      CopyJournal journal, MigrationListener listener) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(journal, "journal");
    requireDistinct(source, target);
    MigrationListener events = MigrationListener.safe(listener);
    PgTool pgDump = tools().require("pg_dump");
    requireDumpCanRead(pgDump, source, "restore");
    Instant start = Instant.now();
    List<String> warnings = new ArrayList<>();
    boolean resuming = ParallelRestore.hasProgress(journal);
    if (!resuming) {
      PgCli.withConnection(target, "restore", c -> TargetSteps.prepareTarget(c, target, replaceExisting, warnings));
    }
    DirectCopy direct = DirectCopy.builder().jobs(jobs).redactor(redactor).listener(events).pgDump(pgDump.path())
        .processRunner(runner).schemaTimeout(timeout).build();
    RestoreResult copied;
    ArchiveToc schema;
    try (DirectCopy.Snapshot snapshot = direct.open(source)) {
      schema = snapshot.schema();
      if (!resuming) {
        PgCli.withConnection(target, "restore", c -> TargetSteps.createExtensionSchemas(c, target,
            ArchivePlan.schemasExtensionsNeed(snapshot.schema()), warnings));
      }
      copied = snapshot.copyTo(target, journal);
    }
    warnings.addAll(copied.warnings());
    PgCli.withConnection(target, "restore", c -> TargetSteps.keepRevocationsAndReportOwners(c, target, schema, warnings));
    Map<String, String> settings = copyDatabaseSettings(source, target);
    if (!settings.isEmpty()) {
      warnings.add("database-level settings copied from the source: " + settings);
    }
    return finish(RestoreStrategy.DIRECT, start, target, new Restorers.Outcome(Optional.of(copied.rowsRestored()),
        copied.expectedErrors(), List.of()), warnings, events);
  }

  /** Refuses a copy of a database onto itself; registers both passwords with the redactor. */
  private void requireDistinct(PgConnection source, PgConnection target) {
    if (TargetDatabase.sameDatabase(source, target)) {
      throw new ValidationException("restore", List.of(new ValidationException.Problem("target", target.toString(),
          "is the source database", "give a different target database")));
    }
    redactor.register(source.password());
    redactor.register(target.password());
  }

  private RestoreResult finish(RestoreStrategy strategy, Instant start, PgConnection target, Restorers.Outcome outcome,
      List<String> warnings, MigrationListener events) {
    Map<String, Long> rows = outcome.rows().orElseGet(() -> countRows(target));
    for (String w : warnings) {
      events.warning(new MigrationEvent.Warning("restore", Instant.now(), w));
    }
    RestoreResult result = new RestoreResult(strategy, Duration.between(start, Instant.now()), rows,
        outcome.expectedErrors(), warnings);
    log.info("restored {} rows into {} with {} in {}", result.totalRows(), target, strategy, result.duration());
    return result;
  }

  // ---------------------------------------------------------------- settings

  /**
   * Copies the source database's database-level settings ({@code ALTER DATABASE … SET}, for all
   * roles) to the target database, replacing the target's. A dump archive does not carry them.
   * Blocks for a few queries.
   *
   * @return the settings applied, name to value
   * @throws PgToolException when either database cannot be reached or a setting cannot be applied
   */
  @Override
  public Map<String, String> copyDatabaseSettings(PgConnection source, PgConnection target) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Map<String, String> settings;
    try (Connection s = PgCli.open(source, "settings")) {
      settings = TargetDatabase.databaseSettings(s);
    } catch (SQLException e) {
      throw PgCli.failed("settings", "reading database settings", source, e);
    }
    try (Connection t = PgCli.open(target, "settings")) {
      for (Map.Entry<String, String> e : settings.entrySet()) {
        TargetDatabase.applySetting(t, e.getKey(), e.getValue());
      }
    } catch (SQLException e) {
      throw PgCli.failed("settings", "applying database settings " + settings, target, e);
    }
    return settings;
  }

  /**
   * Reads {@code database}'s own write counters (commits, and rows inserted, updated and deleted per
   * table) in one read-only transaction; Cutover's own sessions are left out. Compare two snapshots
   * with {@link WriteCounters#since}. Blocks for a few queries.
   *
   * @return the snapshot (always present)
   * @throws PgToolException when the database cannot be reached
   */
  @Override
  public Optional<WriteCounters> writeCounters(PgConnection database) {
    return Optional.of(WriteCounterQuery.read(Objects.requireNonNull(database, "database")));
  }

  // ---------------------------------------------------------------- verification

  /**
   * Compares {@code target} with {@code source} when given (exact row counts per table, partition
   * and materialized view, sequence values, extensions and their schemas, counts of tables, indexes,
   * constraints, views, materialized views, functions, triggers, sequences and types, and
   * database-level settings); else with what {@code restored} counted, plus the settings a restore
   * derives (a {@code search_path} that includes every schema holding extensions). Blocks for one
   * {@code count(*)} per table on each side. Never throws on a mismatch: the report says.
   *
   * @throws PgToolException when a database cannot be reached
   */
  @Override
  public VerificationReport verify(PgConnection target, Optional<PgConnection> source, RestoreResult restored) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(restored, "restored");
    Snapshot actual = snapshot(target);
    if (source.isPresent()) {
      return Verifier.compare(snapshot(source.get()), actual);
    }
    List<String> needed;
    try (Connection t = PgCli.open(target, "verify")) {
      needed = TargetSteps.extraExtensionSchemas(t);
    } catch (SQLException e) {
      throw PgCli.failed("verify", "reading extensions", target, e);
    }
    return Verifier.compareWithCounts(restored.rowsRestored(), needed, actual);
  }

  private static Snapshot snapshot(PgConnection c) {
    try (Connection conn = PgCli.open(c, "verify")) {
      return Snapshot.of(conn);
    } catch (SQLException e) {
      throw PgCli.failed("verify", "reading the database's contents", c, e);
    }
  }

  private static Map<String, Long> countRows(PgConnection target) {
    try (Connection conn = PgCli.open(target, "restore")) {
      return Snapshot.rowCounts(conn, false);
    } catch (SQLException e) {
      throw PgCli.failed("restore", "counting restored rows", target, e);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void requireDumpCanRead(PgTool pgDump, PgConnection source, String step) {
    int serverMajor;
    String serverVersion;
    try (Connection c = PgCli.open(source, step)) {
      serverMajor = c.getMetaData().getDatabaseMajorVersion();
      serverVersion = c.getMetaData().getDatabaseProductVersion();
    } catch (SQLException e) {
      throw PgCli.failed(step, "reading the server version", source, e);
    }
    if (pgDump.major() < serverMajor) {
      throw new PgToolException(step, step + ": pg_dump " + pgDump.shortVersion() + " cannot dump server "
          + firstWord(serverVersion) + " (pg_dump must be at least the server's major version): install PostgreSQL "
          + serverMajor + "+ client tools, or restore a backup archive with the PARALLEL strategy", false, null);
    }
  }

  private static long size(Path archive) {
    try {
      return Files.size(archive);
    } catch (IOException e) {
      throw new PgToolException("pg.inspect", "pg.inspect: cannot read " + archive + ": " + e.getMessage(), false, e);
    }
  }

  private static void validateArchive(ValidationException.Collector problems, Path archive) {
    if (archive == null) {
      problems.add("archive", "null", "is missing", "give the path of a pg_dump -Fc archive");
      return;
    }
    if (!Files.isRegularFile(archive) || !Files.isReadable(archive)) {
      problems.add("archive", archive, "is not a readable file", "give the path of a pg_dump -Fc archive");
      return;
    }
    try (InputStream in = Files.newInputStream(archive)) {
      byte[] head = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(head, MAGIC)) {
        problems.add("archive", archive, "is not a custom-format archive (no PGDMP magic)",
            "give a pg_dump -Fc archive (a plain SQL dump is restored with psql)");
      }
    } catch (IOException e) {
      problems.add("archive", archive, "cannot be read: " + e.getMessage(), "check its permissions");
    }
  }

  @Override
  public String toString() {
    return "PgMigrator[jobs " + jobs + ", compression " + compressionLevel + ", tools "
        + toolsDirectory.map(Path::toString).orElse("discovered") + "]";
  }

  /** Builds a {@link PgMigrator}. Not thread-safe. */
  public static final class Builder {
    private Redactor redactor = Redactor.create();
    private ProcessRunner processRunner;
    private Path toolsDirectory;
    private int jobs = 2;
    private int compressionLevel = 1;
    private Duration timeout = Duration.ofHours(24);

    private Builder() {}

    /** The redactor shared by the migration (masks passwords in every line of tool output). */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
    }

    /** How child processes are run (default: {@link ProcessRunner#create} with the redactor). */
    public Builder processRunner(ProcessRunner processRunner) {
      this.processRunner = Objects.requireNonNull(processRunner, "processRunner");
      return this;
    }

    /** A directory holding pg_dump, pg_restore and psql, preferred over what is found elsewhere. */
    public Builder toolsDirectory(Path toolsDirectory) {
      this.toolsDirectory = Objects.requireNonNull(toolsDirectory, "toolsDirectory");
      return this;
    }

    /** Parallel jobs for PG_RESTORE and PARALLEL (1–64, default 2). */
    public Builder jobs(int jobs) {
      this.jobs = jobs;
      return this;
    }

    /** pg_dump's zlib level for {@link #dump} (0–9, default 1: about the size of 6 for a fraction of the CPU). */
    public Builder compressionLevel(int compressionLevel) {
      this.compressionLevel = compressionLevel;
      return this;
    }

    /** How long one client program may run (default 24 hours). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Builds the migrator; no tool is looked for yet.
     *
     * @throws ValidationException listing every bad setting
     */
    public PgMigrator build() {
      ValidationException.Collector problems = ValidationException.collector("pg.migrator");
      if (jobs < 1 || jobs > 64) {
        problems.add("jobs", jobs, "must be between 1 and 64", "use about the number of CPU cores of the target");
      }
      if (compressionLevel < 0 || compressionLevel > 9) {
        problems.add("compressionLevel", compressionLevel, "must be between 0 and 9", "use 1 (fast) or 6 (pg_dump's default)");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        problems.add("timeout", timeout, "must be positive", "use e.g. Duration.ofHours(24)");
      }
      problems.throwIfAny();
      return new PgMigrator(this);
    }
  }
}
