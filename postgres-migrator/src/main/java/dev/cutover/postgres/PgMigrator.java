package dev.cutover.postgres;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.core.model.WriteCounters;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DatabaseProperties;
import dev.cutover.postgres.archive.IncomingArchive;
import dev.cutover.postgres.parallel.DirectCopy;
import dev.cutover.postgres.parallel.ParallelRestore;
import dev.cutover.postgres.parallel.RestoreHooks;
import dev.cutover.postgres.verify.DatabaseVerifier;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * VerificationReport report = pg.verify(VerificationRequest.of(target).source(source).archive(dump));
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

  /** The redactor every password this migrator sees is registered with. */
  public Redactor redactor() {
    return redactor;
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
   * {@link #checkCanRestore(ArchiveSummary, RestoreStrategy)} for the backup a capture of
   * {@code source} will produce, before it exists: its pg_dump matches the server's major version,
   * so the archive has the format that version writes ({@link #maxArchiveMinor}).
   *
   * @throws PgToolException as {@link #checkCanRestore(ArchiveSummary, RestoreStrategy)}
   */
  @Override
  public void checkCanRestore(PostgresInfo source, RestoreStrategy strategy) {
    Objects.requireNonNull(source, "source");
    String format = "1." + maxArchiveMinor(source.majorVersion());
    checkCanRestore(new ArchiveSummary(format, "gzip", source.version(), source.version(), "unknown",
        Math.max(0, source.dataSizeBytes()), List.of(), List.of(), List.of(), 0, 0), strategy);
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
   * Restores {@code archive} into {@code target} with {@code strategy}, as
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, int, PgConnection, MigrationListener)} does
   * with the builder's jobs and without a source: extensions get the target server's default versions.
   */
  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      MigrationListener listener) {
    return restoreArchive(archive, target, strategy, replaceExisting, 0, Optional.empty(), listener);
  }

  /**
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, MigrationListener)} with {@code jobs}
   * workers (1-64) for PG_RESTORE and PARALLEL instead of the builder's; 0 keeps the builder's.
   */
  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, MigrationListener listener) {
    return restoreArchive(archive, target, strategy, replaceExisting, jobs, Optional.empty(), listener);
  }

  /**
   * {@link #restore(Path, PgConnection, RestoreStrategy, boolean, int, PgConnection, MigrationListener)} with the
   * builder's jobs, reading from the live {@code source} what an archive does not carry.
   */
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      PgConnection source, MigrationListener listener) {
    return restore(archive, target, strategy, replaceExisting, 0, source, listener);
  }

  /**
   * Restores {@code archive} into {@code target} with {@code strategy} (not {@link RestoreStrategy#STREAM}
   * or {@link RestoreStrategy#DIRECT}, which read the source: use {@link #stream} or {@link #copyDirect}).
   * Blocks until done; client output goes to {@code listener} as output of step {@code restore},
   * warnings as warnings.
   *
   * <p>Before anything else the archive is inspected and {@link #checkCanRestore checked}; a target
   * that is not empty is refused unless {@code replaceExisting}, which empties it first. Schemas that
   * the archive installs extensions into but does not create (a Heroku {@code heroku_ext}) are
   * created first; with a {@code source}, so are its extensions, at the versions the source has (an
   * archive does not record them, and an extension cannot be downgraded after the fact). What the
   * archive's own SQL restores wrong is fixed on the way ({@link ArchiveFixes}: an inherited table's
   * column order, functions that expressions call and that need the source's {@code search_path}).
   * Afterwards the source's revocations from PUBLIC (with a {@code source}: an archive made without
   * privileges has none) and the database's settings, comment and the app role's settings, which the
   * archive carries but pg_restore applies only when it creates the database, are applied: the
   * database's onto the target, the app role's (the source database's owner, and the source's user)
   * onto the target's user. Privileges are not restored (but revocations from PUBLIC are kept);
   * everything belongs to the target's user. What was done is in {@link RestoreResult#warnings()}.
   *
   * @param archive the {@code pg_dump -Fc} archive
   * @param target the target database
   * @param strategy how to restore
   * @param replaceExisting whether to empty a non-empty target first
   * @param jobs workers (1-64) for PG_RESTORE and PARALLEL; 0 keeps the builder's
   * @param source the live source, read (never written) for what the archive lacks
   * @param listener progress and warnings
   * @return what the restore did
   * @throws ValidationException for a bad archive, {@code jobs} out of range, a non-empty target without
   *     {@code replaceExisting}, or STREAM or DIRECT
   * @throws PgToolException when the tools cannot read the archive or the restore fails; for
   *     GUIDE_SQL, expected role errors are counted in {@link RestoreResult#expectedErrors()} while
   *     any other error fails with its statement and message
   */
  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, PgConnection source, MigrationListener listener) {
    return restoreArchive(archive, target, strategy, replaceExisting, jobs,
        Optional.of(Objects.requireNonNull(source, "source")), listener);
  }

  private RestoreResult restoreArchive(Path archive, PgConnection target, RestoreStrategy strategy,
      boolean replaceExisting, int jobs, Optional<PgConnection> source, MigrationListener listener) {
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
    source.ifPresent(s -> redactor.register(s.password()));
    MigrationListener events = MigrationListener.safe(listener);
    ArchiveToc toc = ArchiveReader.readToc(archive);
    checkCanRestore(toc.summary(size(archive)), strategy);
    Instant start = Instant.now();
    List<String> warnings = new ArrayList<>();
    Set<String> createdFirst = new LinkedHashSet<>();
    // One connection before the restore and one after: through a tunnel each costs a TLS handshake.
    PgCli.withConnection(target, "restore", c -> {
      TargetSteps.prepareTarget(c, target, replaceExisting, warnings);
      TargetSteps.createExtensionSchemas(c, target, ArchivePlan.schemasExtensionsNeed(toc), warnings);
      source.ifPresent(src -> PgCli.withConnection(src, "restore", s -> createdFirst.addAll(
          Fidelity.createExtensionsAsOnSource(c, target, s, ArchivePlan.extensions(toc), ArchivePlan.schemas(toc),
              warnings))));
    });
    int workers = jobs == 0 ? this.jobs : jobs;
    Restorers restorers = new Restorers(runner, this::tools, workers, timeout, redactor, createdFirst);
    RestoreHooks hooks = ArchiveFixes.of(toc, warnings);
    Path workDir = archive.toAbsolutePath().getParent();
    Restorers.Outcome outcome = switch (strategy) {
      case GUIDE_SQL -> hooks.isEmpty() ? restorers.guideSql(archive, target, List.of(), events)
          : PhasedRestore.run(toc, hooks, target, workDir, (list, pre) -> restorers.guideSql(archive, target, list, events));
      case PG_RESTORE -> hooks.isEmpty() ? restorers.pgRestore(archive, target, List.of(), workers, events)
          : PhasedRestore.run(toc, hooks, target, workDir,
              (list, pre) -> restorers.pgRestore(archive, target, list, pre ? 1 : workers, events));
      case PARALLEL -> restorers.parallel(archive, target, hooks, events);
      case STREAM, DIRECT -> throw new IllegalStateException("rejected above");
    };
    warnings.addAll(outcome.warnings());
    afterArchiveRestore(toc, target, strategy != RestoreStrategy.GUIDE_SQL, source, warnings);
    return finish(strategy, start, target, outcome, warnings, events);
  }

  /**
   * What every archive restore does to the target after the data: the source's revocations from PUBLIC
   * (when the source is given), the archive's own (after a {@code --no-acl} restore), and the database's
   * settings, comment and app role settings from the archive (see {@link Fidelity#carryDatabaseProperties}).
   */
  private static void afterArchiveRestore(ArchiveToc toc, PgConnection target, boolean noAcl,
      Optional<PgConnection> source, List<String> warnings) {
    List<String> sourceRevocations = source.map(TargetSteps::sourceRevocations).orElse(List.of());
    PgCli.withConnection(target, "restore", c -> {
      TargetSteps.keepRevocations(c, target, sourceRevocations, warnings);
      if (noAcl) {
        TargetSteps.keepRevocationsAndReportOwners(c, target, toc, warnings);
      }
      Fidelity.carryDatabaseProperties(c, target, toc, source.map(PgConnection::user), warnings);
    });
  }

  /** PARALLEL reads the growing archive ({@link ParallelRestore}); the other strategies need the whole file. */
  @Override
  public boolean restoresWhileDownloading(RestoreStrategy strategy) {
    return strategy == RestoreStrategy.PARALLEL;
  }

  /**
   * Restores {@code archive} while it downloads. With PARALLEL the SDK's engine starts on the first bytes
   * (see {@link ParallelRestore#restore(IncomingArchive, PgConnection, CopyJournal)}): the target is checked
   * and prepared, and each table loads as its data arrives, so the restore ends shortly after the download.
   * Other strategies need the whole file and wait for it. Around the engine it does what
   * {@link #restore} does without a source (extension schemas first, {@link ArchiveFixes} on the way; revocations,
   * the database's settings and comment after). Blocks until
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
    return restoreIncoming(archive, downloaded, target, strategy, replaceExisting, 0, Optional.empty(), journal,
        listener);
  }

  /**
   * {@link #restoreWhileDownloading(Path, java.util.concurrent.CompletionStage, PgConnection, RestoreStrategy,
   * boolean, CopyJournal, MigrationListener)} with {@code jobs} workers (0 keeps the builder's).
   *
   * @throws ValidationException also when {@code jobs} is out of range (1-64, or 0)
   */
  @Override
  public RestoreResult restoreWhileDownloading(Path archive, java.util.concurrent.CompletionStage<?> downloaded,
      PgConnection target, RestoreStrategy strategy, boolean replaceExisting, int jobs, CopyJournal journal,
      MigrationListener listener) {
    return restoreIncoming(archive, downloaded, target, strategy, replaceExisting, jobs, Optional.empty(), journal,
        listener);
  }

  /**
   * {@link #restoreWhileDownloading(Path, java.util.concurrent.CompletionStage, PgConnection, RestoreStrategy,
   * boolean, int, CopyJournal, MigrationListener)} reading from the live {@code source} what the archive lacks,
   * as {@link #restore(Path, PgConnection, RestoreStrategy, boolean, int, PgConnection, MigrationListener)} does:
   * a fresh restore creates the source's extensions at their versions first, and its revocations from PUBLIC are
   * kept after.
   */
  @Override
  public RestoreResult restoreWhileDownloading(Path archive, java.util.concurrent.CompletionStage<?> downloaded,
      PgConnection target, RestoreStrategy strategy, boolean replaceExisting, int jobs, PgConnection source,
      CopyJournal journal, MigrationListener listener) {
    return restoreIncoming(archive, downloaded, target, strategy, replaceExisting, jobs,
        Optional.of(Objects.requireNonNull(source, "source")), journal, listener);
  }

  private RestoreResult restoreIncoming(Path archive, java.util.concurrent.CompletionStage<?> downloaded,
      PgConnection target, RestoreStrategy strategy, boolean replaceExisting, int jobs, Optional<PgConnection> source,
      CopyJournal journal, MigrationListener listener) {
    Objects.requireNonNull(archive, "archive");
    Objects.requireNonNull(downloaded, "downloaded");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(journal, "journal");
    if (jobs < 0 || jobs > 64) {
      ValidationException.collector("restore").add("jobs", jobs, "must be between 1 and 64 (0: the builder's "
          + this.jobs + ")", "use about the number of CPU cores of the target").throwIfAny();
    }
    if (strategy != RestoreStrategy.PARALLEL) {
      return source.isPresent()
          ? DatabaseMover.super.restoreWhileDownloading(archive, downloaded, target, strategy, replaceExisting, jobs,
              source.get(), journal, listener)
          : DatabaseMover.super.restoreWhileDownloading(archive, downloaded, target, strategy, replaceExisting, jobs,
              journal, listener);
    }
    redactor.register(target.password());
    source.ifPresent(s -> redactor.register(s.password()));
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
      if (!resuming) {
        source.ifPresent(src -> PgCli.withConnection(src, "restore", s -> Fidelity.createExtensionsAsOnSource(c,
            target, s, ArchivePlan.extensions(toc), ArchivePlan.schemas(toc), warnings)));
      }
    });
    RestoreResult restored = ParallelRestore.builder().jobs(jobs == 0 ? this.jobs : jobs).redactor(redactor)
        .listener(events).hooks(ArchiveFixes.of(toc, warnings)).build().restore(incoming, target, journal);
    warnings.addAll(restored.warnings());
    afterArchiveRestore(toc, target, true, source, warnings);
    return finish(strategy, start, target, new Restorers.Outcome(Optional.of(restored.rowsRestored()),
        restored.expectedErrors(), List.of()), warnings, events);
  }

  /**
   * Copies {@code source} into {@code target} with {@code pg_dump | pg_restore --no-owner --no-acl}
   * and no file in between (uncompressed on the local pipe), after creating the source's extensions
   * at its versions (and restoring the schema in phases when {@link ArchiveFixes} has something to
   * fix, see {@link StreamPhases}); then carries the source's database settings, comment, the source
   * user's settings (onto the target's user) and its revocations from PUBLIC over. Blocks until done.
   * Needs {@code bash} for the pipe.
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
    Set<String> createdFirst = new LinkedHashSet<>();
    PgCli.withConnection(target, "restore", c -> {
      TargetSteps.prepareTarget(c, target, replaceExisting, warnings);
      createdFirst.addAll(Fidelity.createSourceExtensions(c, source, target, warnings));
    });
    Restorers restorers = new Restorers(runner, this::tools, jobs, timeout, redactor, createdFirst);
    Restorers.Outcome outcome = new StreamPhases(runner, timeout, restorers).run(pgDump, pgRestore, source, target,
        warnings, events);
    warnings.addAll(outcome.warnings());
    Map<String, String> copied = Fidelity.copyFromSource(source, target, warnings);
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
        PgCli.withConnection(target, "restore", c -> {
          TargetSteps.createExtensionSchemas(c, target, ArchivePlan.schemasExtensionsNeed(snapshot.schema()), warnings);
          Fidelity.createSourceExtensions(c, source, target, warnings);
        });
      }
      copied = snapshot.copyTo(target, journal, toc -> ArchiveFixes.of(toc, warnings));
    }
    warnings.addAll(copied.warnings());
    PgCli.withConnection(target, "restore", c -> TargetSteps.keepRevocationsAndReportOwners(c, target, schema, warnings));
    Map<String, String> settings = Fidelity.copyFromSource(source, target, warnings);
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
   * roles), its comment and the source user's settings ({@code ALTER ROLE … [IN DATABASE …] SET},
   * onto the target's user, in the target database) to the target, replacing the target's: a setting
   * the restore applied or derived that the source does not have is removed. The source's revocations
   * from PUBLIC (EXECUTE on routines, USAGE on types) are applied again too: an archive made without
   * privileges, as Heroku's are, does not carry them, and the target must not be more open. A setting
   * the target refuses is logged and skipped (verification then reports it). Blocks for a few queries.
   *
   * @return the database settings applied, name to value
   * @throws PgToolException when either database cannot be reached
   */
  @Override
  public Map<String, String> copyDatabaseSettings(PgConnection source, PgConnection target) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    List<String> warnings = new ArrayList<>();
    Map<String, String> settings = Fidelity.copyFromSource(source, target, warnings);
    warnings.forEach(w -> log.warn("{}: {}", target, w));
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
   * Verifies {@code target} against the live {@code source}: content digests, schema, privileges,
   * settings, as {@link DatabaseVerifier} describes.
   *
   * @throws PgToolException when a database cannot be reached
   */
  @Override
  public VerificationReport verify(PgConnection target, PgConnection source, RestoreResult restored) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(restored, "restored");
    return verify(VerificationRequest.of(target).source(source).restored(restored));
  }

  /**
   * Verifies {@code target} with only what {@code restored} counted: counts only, a report that does
   * not pass (counts prove no content: use {@link #verify(VerificationRequest)} with the archive).
   *
   * @throws PgToolException when the target cannot be reached
   */
  @Override
  public VerificationReport verify(PgConnection target, RestoreResult restored) {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(restored, "restored");
    return verify(VerificationRequest.of(target).restored(restored));
  }

  /**
   * Verifies {@code request.target()} against the live source, or the archive when the source is
   * not given or cannot be reached, with {@link DatabaseVerifier} on {@code jobs} sessions per
   * database. Never throws on a mismatch: the report says, and names its evidence.
   *
   * @throws ValidationException when the request has nothing to compare with
   * @throws PgToolException when the target cannot be read, or the source cannot and there is no archive
   */
  @Override
  public VerificationReport verify(VerificationRequest request) {
    return DatabaseVerifier.builder().jobs(jobs).redactor(redactor).build().verify(request);
  }

  private static Map<String, Long> countRows(PgConnection target) {
    try (Connection conn = PgCli.open(target, "restore")) {
      return TargetDatabase.rowCounts(conn);
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

    /** The run's shared tools: its redactor and process runner (either can still be set on its own after this). */
    public Builder toolkit(dev.cutover.core.Toolkit toolkit) {
      this.redactor = toolkit.redactor();
      this.processRunner = toolkit.processRunner();
      return this;
    }

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
