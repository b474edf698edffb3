package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DatabaseTunnel;
import dev.cutover.core.spi.DownloadedBackup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Executes a {@link MigrationPlan} step by step, journalling every change. One instance per run, one thread. */
final class Pipeline {
  private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

  private final MigrationPlan plan;
  private final Settings s;
  private final MigrationListener listener;
  private final Redactor redactor;
  private final Path journalFile;
  private final boolean hasDatabase;
  private Journal journal;
  private DatabaseTunnel tunnel;

  Pipeline(MigrationPlan plan) {
    this.plan = plan;
    this.s = plan.settings();
    this.listener = MigrationListener.safe(s.listener);
    this.redactor = s.redactor;
    this.journalFile = plan.journal();
    this.hasDatabase = plan.databaseHandle().isPresent();
  }

  MigrationReport run(boolean resume) {
    if (Journal.exists(journalFile)) {
      journal = Journal.load(journalFile);
      checkBelongs();
    } else if (resume) {
      throw Journal.problem(journalFile, "does not exist: there is nothing to resume",
          "start the migration with run(), or pass the journal it wrote");
    } else {
      journal = newJournal();
      save();
    }
    try {
      for (MigrationStep step : MigrationStep.values()) {
        Journal.StepState st = journal.step(step);
        if (st.status == StepStatus.DONE || st.status == StepStatus.SKIPPED) {
          continue;
        }
        if (!hasDatabase && step.isDataStep()) {
          st.status = StepStatus.SKIPPED;
          st.summary = "the source has no database";
          save();
          continue;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new MigrationCancelledException(step.id(), step.id()
              + ": cancelled (thread interrupted) before the step started; resume() continues here", null);
        }
        execute(step);
      }
    } catch (MigrationException e) {
      afterFailure(e);
      throw e;
    } finally {
      closeTunnel();
    }
    MigrationReport report = report(MigrationReport.Outcome.COMPLETED, "Migrated and verified. " + s.source.name()
        + " stays in maintenance mode: switch DNS, check the app, then delete the Heroku app.");
    report.write(reportJson(), reportMarkdown());
    return report;
  }

  MigrationReport rollback() {
    if (!Journal.exists(journalFile)) {
      throw Journal.problem(journalFile, "does not exist: there is nothing to roll back",
          "pass the journal the migration wrote");
    }
    journal = Journal.load(journalFile);
    checkBelongs();
    Instant start = s.clock.instant();
    listener.stepStarted(new MigrationEvent.StepStarted("rollback", start,
        "turn maintenance off on " + s.source.name() + "; target resources stay"));
    Journal.StepState maintenance = journal.step(MigrationStep.MAINTENANCE_ON);
    boolean maybeOn = journal.maintenanceOnAt != null || maintenance.attempts > 0;
    try {
      if (maybeOn && journal.maintenanceOffAt == null) {
        s.source.maintenance(false);
        journal.maintenanceOffAt = s.clock.instant().toString();
      }
    } catch (MigrationException e) {
      listener.stepFailed(new MigrationEvent.StepFailed("rollback", s.clock.instant(),
          Duration.between(start, s.clock.instant()), redactor.redact(e.getMessage())));
      throw e;
    }
    journal.rolledBackAt = s.clock.instant().toString();
    for (MigrationStep step : MigrationStep.values()) {
      Journal.StepState st = journal.step(step);
      if (step.compareTo(MigrationStep.MAINTENANCE_ON) >= 0
          && (st.status == StepStatus.DONE || st.status == StepStatus.FAILED || st.status == StepStatus.RUNNING)) {
        st.status = StepStatus.REVERTED;
        st.summary = "undone by the rollback (the source takes writes again); runs again on resume";
      }
    }
    deleteDump();
    save();
    listener.stepFinished(new MigrationEvent.StepFinished("rollback", s.clock.instant(),
        Duration.between(start, s.clock.instant()), "maintenance off; " + s.source.name() + " is primary again"));
    MigrationReport report = report(MigrationReport.Outcome.ROLLED_BACK, "Rolled back: maintenance is off on "
        + s.source.name() + ", which is primary again. Target resources are left in place (listed below).");
    report.write(reportJson(), reportMarkdown());
    return report;
  }

  private void execute(MigrationStep step) {
    Journal.StepState st = journal.step(step);
    Instant start = s.clock.instant();
    st.status = StepStatus.RUNNING;
    st.attempts++;
    st.startedAt = start.toString();
    st.finishedAt = null;
    save();
    log.info("Step {} started", step);
    listener.stepStarted(new MigrationEvent.StepStarted(step.id(), start, step.description()));
    String summary;
    try {
      summary = redactor.redact(perform(step, st));
    } catch (MigrationCancelledException | VerificationFailedException e) {
      failed(step, st, start, e.getMessage());
      throw e;
    } catch (MigrationException e) {
      failed(step, st, start, e.getMessage());
      throw stepFailed(step, e);
    } catch (RuntimeException e) {
      MigrationException wrapped = new MigrationException(step.id(), redactor.redact(step.id() + ": "
          + e.getClass().getSimpleName() + ": " + e.getMessage()), false, e);
      failed(step, st, start, wrapped.getMessage());
      throw wrapped;
    }
    Instant end = s.clock.instant();
    st.status = StepStatus.DONE;
    st.finishedAt = end.toString();
    st.durationMillis = Duration.between(start, end).toMillis();
    st.summary = summary;
    save();
    log.info("Step {} done: {}", step, summary);
    listener.stepFinished(new MigrationEvent.StepFinished(step.id(), end, Duration.between(start, end), summary));
  }

  /**
   * An adapter's failure restated for the caller: which step of the migration failed, its cause's
   * words, and what to do next. Keeps the cause (and whether retrying can help).
   */
  private MigrationException stepFailed(MigrationStep step, MigrationException cause) {
    String message = cause.getMessage();
    String prefix = step.id() + ": ";
    return new MigrationException(step.id(), redactor.redact((message.startsWith(prefix) ? "" : prefix) + message
        + " [step " + step.number() + ", " + step.description() + ", failed]. Fix the cause, then resume: it continues at "
        + step.id() + " (MigrationPlan.resume(), or `cutover resume --journal " + plan.journal() + "`); or roll back"
        + " (maintenance off, the source is primary again)."),
        cause.retryable(), cause);
  }

  private void failed(MigrationStep step, Journal.StepState st, Instant start, String message) {
    Instant end = s.clock.instant();
    st.status = StepStatus.FAILED;
    st.finishedAt = end.toString();
    st.durationMillis = Duration.between(start, end).toMillis();
    st.summary = redactor.redact(String.valueOf(message));
    save();
    log.warn("Step {} failed: {}", step, st.summary);
    listener.stepFailed(new MigrationEvent.StepFailed(step.id(), end, Duration.between(start, end), st.summary));
  }

  private String perform(MigrationStep step, Journal.StepState st) {
    return switch (step) {
      case INVENTORY -> plan.inventory().toString();
      case PREFLIGHT -> preflight();
      case PREPARE_REPO -> prepareRepo();
      case CREATE_APP -> {
        s.target.ensureApp();
        yield "app " + plan.target() + " ready";
      }
      case CREATE_DATABASE -> {
        s.target.ensureDatabase(plan.databaseHandle().orElseThrow(), plan.database().orElseThrow());
        yield "database " + plan.databaseHandle().orElseThrow() + " (" + plan.database().orElseThrow().type() + " "
            + plan.database().orElseThrow().version() + ") ready";
      }
      case MAINTENANCE_ON -> {
        s.source.maintenance(true);
        Instant now = s.clock.instant();
        if (journal.maintenanceOnAt == null || journal.maintenanceOffAt != null) {
          journal.maintenanceOnAt = now.toString();
        }
        journal.maintenanceOffAt = null;
        journal.rolledBackAt = null;
        yield "maintenance on since " + journal.maintenanceOnAt + "; downtime started";
      }
      case CAPTURE -> capture();
      case TUNNEL -> {
        DatabaseTunnel t = tunnel();
        yield "tunnel to " + plan.databaseHandle().orElseThrow() + " open at " + t.connection().host() + ":"
            + t.connection().port();
      }
      case RESTORE -> restore(st);
      case VERIFY -> verify();
      case CONFIGURE -> configure();
      case DEPLOY -> {
        requireVerified(step);
        s.target.deploy(s.deploy, listener);
        journal.deployedAt = s.clock.instant().toString();
        yield Planner.describe(s.deploy) + ": deployed";
      }
      case SCALE -> scale();
      case REPORT -> {
        deleteDump();
        yield "report written to " + reportJson() + " and " + reportMarkdown();
      }
    };
  }

  private String preflight() {
    Path work = plan.workDirectory();
    Path dumps = dumpsDirectory();
    StringBuilder out = new StringBuilder("work directory " + work + " ready");
    if (hasDatabase) {
      PostgresInfo db = plan.inventory().primaryDatabase().orElseThrow();
      long free;
      try {
        free = Files.getFileStore(dumps).getUsableSpace();
      } catch (IOException e) {
        throw new MigrationException("preflight", "preflight: cannot read the free space of " + dumps + " ("
            + e.getMessage() + ")", false, e);
      }
      if (db.dataSizeBytes() > 0 && free < db.dataSizeBytes()) {
        throw new MigrationException("preflight", "preflight: not enough disk space for the dump in " + dumps
            + " (free " + free + " bytes, the database holds " + db.dataSizeBytes()
            + " bytes); free space or pass another workDirectory", false, null);
      }
      s.dataMover.checkCanRestore(expectedArchive(db), s.restore);
      out.append(", ").append(free / (1024 * 1024)).append(" MB free; ").append(s.restore)
          .append(" can restore PostgreSQL ").append(db.version());
    }
    return out.toString();
  }

  /** What the capture will produce, as far as it is known before it exists: pg_dump matches the server's major version. */
  private static ArchiveSummary expectedArchive(PostgresInfo db) {
    int major = db.majorVersion();
    String format = major >= 17 ? "1.16" : major == 16 ? "1.15" : major >= 12 ? "1.14" : "1.13";
    return new ArchiveSummary(format, "gzip", db.version(), db.version(), "unknown", Math.max(0, db.dataSizeBytes()),
        List.of(), List.of(), List.of(), 0, 0);
  }

  private String prepareRepo() {
    List<RepoPreparation.Change> changes = s.repoPreparation.apply(s.deploy, plan.inventory());
    journal.repoChanges = new ArrayList<>(journal.repoChanges);
    changes.forEach(c -> {
      if (!journal.repoChanges.contains(c.path())) {
        journal.repoChanges.add(c.path());
      }
    });
    return changes.isEmpty() ? "repository ready, nothing written"
        : "wrote " + changes.stream().map(c -> c.path() + " (" + c.why() + ")").reduce((a, b) -> a + ", " + b).orElse("");
  }

  private String capture() {
    PostgresInfo db = plan.inventory().primaryDatabase().orElseThrow();
    BackupRef ref = s.source.captureBackup(db.attachmentName(), listener);
    removePartialDownloads(dumpsDirectory());
    DownloadedBackup dl = s.source.download(ref, dumpsDirectory(), listener);
    makePrivate(dl.file(), "rw-------");
    journal.backupId = ref.id();
    journal.backupNum = ref.num();
    journal.dumpFile = dl.file().toAbsolutePath().toString();
    journal.dumpSha256 = dl.sha256();
    journal.dumpSizeBytes = dl.sizeBytes();
    save();
    ArchiveSummary archive = s.dataMover.inspect(dl.file());
    journal.archiveVersion = archive.archiveVersion();
    journal.archivePgDumpVersion = archive.pgDumpVersion();
    journal.archiveServerVersion = archive.serverVersion();
    s.dataMover.checkCanRestore(archive, s.restore);
    return "backup " + ref.id() + " downloaded (" + dl.sizeBytes() + " bytes, SHA-256 " + dl.sha256() + "); " + archive;
  }

  /** The journalled dump, or a fresh capture when it was deleted or changed since. */
  private Path ensureDump() {
    if (journal.dumpFile != null) {
      Path file = Path.of(journal.dumpFile);
      if (Files.isRegularFile(file) && sha256(file).equals(journal.dumpSha256)) {
        return file;
      }
      journal.recaptures++;
      String why = Files.exists(file) ? "changed since it was downloaded" : "gone (deleted after the failure)";
      listener.warning(new MigrationEvent.Warning(MigrationStep.RESTORE.id(), s.clock.instant(),
          "the dump " + file.getFileName() + " is " + why + "; capturing a fresh backup (maintenance is still on)"));
    }
    String summary = capture();
    Journal.StepState cap = journal.step(MigrationStep.CAPTURE);
    cap.summary = redactor.redact("captured again for the restore (" + journal.recaptures + "): " + summary);
    save();
    return Path.of(journal.dumpFile);
  }

  private String restore(Journal.StepState st) {
    Path dump = ensureDump();
    // a restore this migration started before may have left part of the data: replacing it is ours to do
    boolean replace = s.replaceExisting || st.attempts > 1;
    RestoreResult result = s.dataMover.restore(dump, tunnel().connection(), s.restore, replace, listener);
    journal.rowsRestored = new LinkedHashMap<>(result.rowsRestored());
    journal.restoreExpectedErrors = new LinkedHashMap<>(result.expectedErrors());
    journal.restoreWarnings = new ArrayList<>(result.warnings().stream().map(redactor::redact).toList());
    journal.restoreMillis = result.duration().toMillis();
    return result.totalRows() + " rows in " + result.rowsRestored().size() + " tables restored with " + result.strategy()
        + (replace ? " (replacing what an earlier attempt wrote)" : "") + " in " + result.duration().toMillis() + " ms";
  }

  private String verify() {
    PostgresInfo db = plan.inventory().primaryDatabase().orElseThrow();
    Optional<PgConnection> source = s.source.databaseUrl(db.attachmentName()).flatMap(url -> {
      redactor.register(url);
      try {
        return Optional.of(PgConnection.parse(url));
      } catch (IllegalArgumentException e) {
        listener.warning(new MigrationEvent.Warning(MigrationStep.VERIFY.id(), s.clock.instant(),
            "the source database URL cannot be used (" + e.getMessage() + "); verifying against the restore's counts"));
        return Optional.empty();
      }
    });
    RestoreResult restored = new RestoreResult(s.restore, Duration.ofMillis(journal.restoreMillis), journal.rowsRestored,
        journal.restoreExpectedErrors, journal.restoreWarnings);
    // The archive does not carry ALTER DATABASE … SET: take them from the source when it is reachable
    // (replacing what the restore derived), so verification compares like with like.
    int settings = source.map(src -> s.dataMover.copyDatabaseSettings(src, tunnel().connection()).size()).orElse(0);
    VerificationReport v = s.dataMover.verify(tunnel().connection(), source, restored);
    journal.verification(v);
    save();
    if (!v.passed()) {
      throw new VerificationFailedException(v);
    }
    closeTunnel();
    return "all " + v.checks().size() + " checks passed against the " + v.against()
        + (source.isPresent() ? "; " + settings + " database settings copied from the source" : "");
  }

  private void requireVerified(MigrationStep step) {
    if (hasDatabase && journal.step(MigrationStep.VERIFY).status != StepStatus.DONE) {
      throw new MigrationException(step.id(), step.id() + ": refused: the restored data has not passed verification (verify is "
          + journal.step(MigrationStep.VERIFY).status + "); cutover steps run only after it passes", false, null);
    }
  }

  private String configure() {
    requireVerified(MigrationStep.CONFIGURE);
    Map<String, Secret> vars = new LinkedHashMap<>();
    for (ConfigDecision c : plan.config()) {
      if (c.action() == ConfigDecision.Action.COPY || c.action() == ConfigDecision.Action.COPY_FLAGGED) {
        plan.inventory().configVar(c.name()).ifPresent(v -> vars.put(c.name(), v.value()));
      }
    }
    if (hasDatabase) {
      vars.put("DATABASE_URL", redactor.register(s.target.databaseUrl(plan.databaseHandle().orElseThrow())));
    }
    int port = s.port != 0 ? s.port : Planner.exposedPort(s.deploy).orElse(plan.port());
    vars.put("PORT", Secret.of(Integer.toString(port)));
    s.target.setConfig(vars);
    journal.configCopied = new ArrayList<>(vars.keySet().stream().sorted().toList());
    return vars.size() + " config vars set (" + String.join(", ", journal.configCopied) + "), PORT=" + port;
  }

  private String scale() {
    requireVerified(MigrationStep.SCALE);
    StringBuilder out = new StringBuilder();
    for (MigrationPlan.ServicePlan sp : plan.services()) {
      s.target.scale(sp.service(), sp.count(), sp.containerSizeMb());
      out.append(sp.service()).append('=').append(sp.count()).append('x').append(sp.containerSizeMb()).append("MB ");
    }
    for (MigrationPlan.EndpointPlan ep : plan.endpoints()) {
      String dns = s.target.ensureHttpsEndpoint(ep.service(), ep.domains());
      journal.endpoints.put(ep.service(), dns);
      out.append("; endpoint ").append(ep.service()).append(" -> ").append(dns);
    }
    return out.length() == 0 ? "no services to scale" : out.toString().trim();
  }

  private DatabaseTunnel tunnel() {
    if (tunnel != null && tunnel.isAlive()) {
      return tunnel;
    }
    closeTunnel();
    tunnel = s.target.openTunnel(plan.databaseHandle().orElseThrow());
    redactor.register(tunnel.connection().password());
    return tunnel;
  }

  private void closeTunnel() {
    if (tunnel != null) {
      try {
        tunnel.close();
      } catch (RuntimeException e) {
        log.warn("Closing the tunnel failed: {}", redactor.redact(String.valueOf(e.getMessage())));
      }
      tunnel = null;
    }
  }

  private void afterFailure(MigrationException e) {
    closeTunnel();
    deleteDump();
    try {
      save();
      MigrationStep at = journal.firstUnfinished().orElse(MigrationStep.REPORT);
      report(MigrationReport.Outcome.FAILED, "Failed at step " + at + ": " + redactor.redact(firstLine(e.getMessage()))
          + ". Fix the cause, then resume (or roll back).").write(reportJson(), reportMarkdown());
    } catch (RuntimeException secondary) {
      log.warn("Could not write the failure report: {}", redactor.redact(String.valueOf(secondary.getMessage())));
    }
  }

  private void deleteDump() {
    if (s.keepDump || journal.dumpFile == null) {
      return;
    }
    try {
      Files.deleteIfExists(Path.of(journal.dumpFile));
    } catch (IOException e) {
      log.warn("Could not delete the dump {}: {}", journal.dumpFile, e.getMessage());
    }
  }

  private Path dumpsDirectory() {
    Path dir = plan.workDirectory().resolve("dumps");
    try {
      Files.createDirectories(dir.toAbsolutePath().getParent());
      if (!Files.isDirectory(dir)) {
        // Created 0700 in one call, so the directory is never readable by others, not even empty.
        try {
          Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
              java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
          Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // another run made it; makePrivate below still applies
        }
      }
    } catch (IOException e) {
      throw new MigrationException("preflight", "preflight: cannot create " + dir + " (" + e.getMessage()
          + "); pass a writable workDirectory", false, e);
    }
    makePrivate(dir, "rwx------");
    return dir;
  }

  /** Partial downloads ({@code .<name>.part}) a run killed mid-download left behind: never resumable, only in the way. */
  private void removePartialDownloads(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".")
          && f.getFileName().toString().endsWith(".part")).toList()) {
        Files.deleteIfExists(f);
        listener.warning(new MigrationEvent.Warning(MigrationStep.CAPTURE.id(), s.clock.instant(),
            "removed the partial download " + f.getFileName() + " of an earlier run that did not finish"));
      }
    } catch (IOException e) {
      throw new MigrationException("capture", "capture: cannot clean " + dir + " (" + e.getMessage()
          + "); remove partial downloads (.*.part) by hand", false, e);
    }
  }

  private static void makePrivate(Path path, String perms) {
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(perms));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the platform's defaults apply
    } catch (IOException e) {
      throw new MigrationException("capture", "capture: cannot make " + path + " private (" + e.getMessage() + ")",
          false, e);
    }
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      return "unreadable";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private void checkBelongs() {
    if (!plan.fingerprint().equals(journal.fingerprint)) {
      throw Journal.problem(journalFile, "belongs to another migration (" + journal.source + " -> "
          + journal.targetEnvironment + "/" + journal.targetApp + ", database " + journal.databaseHandle + ")",
          "pass the journal of " + plan.source() + " -> " + plan.target() + ", or another journal path");
    }
  }

  private Journal newJournal() {
    Journal j = new Journal();
    j.migrationId = UUID.randomUUID().toString();
    j.fingerprint = plan.fingerprint();
    j.source = plan.source();
    j.targetEnvironment = s.target.environment();
    j.targetApp = s.target.handle();
    j.databaseHandle = plan.databaseHandle().orElse(null);
    j.createdAt = s.clock.instant().toString();
    Journal.Options o = j.options;
    o.restoreStrategy = s.restore.name();
    if (s.deploy instanceof Deploy.Git g) {
      o.deployKind = "git";
      o.deployRepo = g.repo().toAbsolutePath().toString();
      o.deployBranch = g.branch();
      o.deploySshKey = g.sshKey().map(p -> p.toAbsolutePath().toString()).orElse(null);
    } else if (s.deploy instanceof Deploy.DockerImage d) {
      o.deployKind = "docker-image";
      o.deployImage = d.image();
    }
    plan.database().ifPresent(db -> {
      o.databaseType = db.type();
      o.databaseVersion = db.version();
      o.databaseDiskGb = db.diskSizeGb();
      o.databaseContainerMb = db.containerSizeMb();
    });
    o.workDirectory = plan.workDirectory().toString();
    o.keepDump = s.keepDump;
    o.replaceExisting = s.replaceExisting;
    o.containerSizeOverrides = new LinkedHashMap<>(s.containerSizeOverrides);
    o.port = s.port;
    Journal.StepState inv = j.step(MigrationStep.INVENTORY);
    inv.status = StepStatus.DONE;
    inv.attempts = 1;
    inv.startedAt = plan.inventory().takenAt().toString();
    inv.finishedAt = s.clock.instant().toString();
    inv.summary = plan.inventory().toString();
    for (MigrationStep step : MigrationStep.values()) {
      j.step(step);
    }
    return j;
  }

  private void save() {
    journal.updatedAt = s.clock.instant().toString();
    journal.save(journalFile);
  }

  private Path reportJson() {
    return plan.workDirectory().resolve("report.json");
  }

  private Path reportMarkdown() {
    return plan.workDirectory().resolve("report.md");
  }

  private MigrationReport report(MigrationReport.Outcome outcome, String summary) {
    MigrationReport.Builder b = MigrationReport.builder()
        .migrationId(journal.migrationId)
        .source(plan.source())
        .target(plan.target())
        .outcome(outcome, redactor.redact(summary))
        .sourceInMaintenance(journal.maintenanceOnAt != null && journal.maintenanceOffAt == null)
        .generatedAt(s.clock.instant());
    for (MigrationStep step : MigrationStep.values()) {
      Journal.StepState st = journal.step(step);
      b.step(new MigrationReport.StepOutcome(step.number(), step.id(), st.status, Duration.ofMillis(st.durationMillis),
          st.attempts, redactor.redact(st.summary)));
    }
    Optional<Instant> start = Optional.ofNullable(journal.maintenanceOnAt).map(Instant::parse);
    Optional<Instant> end = Optional.ofNullable(journal.deployedAt).map(Instant::parse);
    if (outcome == MigrationReport.Outcome.ROLLED_BACK || journal.maintenanceOffAt != null) {
      end = Optional.ofNullable(journal.maintenanceOffAt).map(Instant::parse);
    }
    b.downtime(start, start.isPresent() ? end : Optional.empty());
    journal.verification().ifPresent(b::verification);
    b.configCopied(journal.configCopied);
    List<MigrationReport.ConfigEntry> flagged = new ArrayList<>();
    List<MigrationReport.ConfigEntry> skipped = new ArrayList<>();
    for (ConfigDecision c : plan.config()) {
      if (c.action() == ConfigDecision.Action.COPY_FLAGGED) {
        flagged.add(new MigrationReport.ConfigEntry(c.name(), c.reason()));
      } else if (c.action() == ConfigDecision.Action.SKIP) {
        skipped.add(new MigrationReport.ConfigEntry(c.name(), c.reason()));
      }
    }
    b.configFlagged(flagged).configSkipped(skipped);
    plan.addons().stream().filter(a -> !a.migrated()).forEach(a ->
        b.addonNotMigrated(new MigrationReport.AddonEntry(a.name(), a.service(), a.plan(), a.action())));
    for (MigrationPlan.EndpointPlan ep : plan.endpoints()) {
      String dns = journal.endpoints.get(ep.service());
      if (dns != null) {
        ep.domains().forEach(d -> b.dnsRecord(new MigrationReport.DnsRecord(d, "CNAME", dns)));
      }
    }
    followUps(outcome, b);
    b.toolVersion("cutover", Optional.ofNullable(Pipeline.class.getPackage().getImplementationVersion()).orElse("development"));
    b.toolVersion("java", System.getProperty("java.version"));
    b.toolVersion("restore strategy", s.restore.name());
    plan.inventory().primaryDatabase().ifPresent(db -> b.toolVersion("source postgresql", db.version()));
    if (s.dataMover != null) {
      b.toolVersion("data mover", s.dataMover.getClass().getSimpleName());
    }
    if (journal.archivePgDumpVersion != null) {
      b.toolVersion("pg_dump (archive)", journal.archivePgDumpVersion);
      b.toolVersion("archive format", journal.archiveVersion);
      b.toolVersion("source server (archive)", journal.archiveServerVersion);
    }
    plan.database().ifPresent(db -> b.toolVersion("target postgresql", db.version()));
    s.toolVersions.forEach(b::toolVersion);
    if (journal.dumpSha256 != null) {
      b.dumpSha256(journal.dumpSha256);
    }
    if (journal.step(MigrationStep.CREATE_APP).attempts > 0) {
      b.targetResource("app " + plan.target());
    }
    if (hasDatabase && journal.step(MigrationStep.CREATE_DATABASE).attempts > 0) {
      b.targetResource("database " + plan.databaseHandle().orElseThrow() + " (" + plan.database().orElseThrow().type()
          + " " + plan.database().orElseThrow().version() + ")");
    }
    journal.endpoints.forEach((service, dns) -> b.targetResource("HTTPS endpoint for " + service + ": " + dns));
    return b.build();
  }

  private void followUps(MigrationReport.Outcome outcome, MigrationReport.Builder b) {
    String app = plan.source();
    switch (outcome) {
      case COMPLETED -> {
        plan.endpoints().forEach(ep -> {
          String dns = journal.endpoints.getOrDefault(ep.service(), "the endpoint");
          if (!ep.domains().isEmpty()) {
            b.followUp("Change DNS: CNAME " + String.join(", ", ep.domains()) + " to " + dns
                + " (an apex domain needs an ALIAS/ANAME record).");
            b.followUp("Once DNS resolves, run `aptible endpoints:renew " + dns + " --app " + s.target.handle()
                + "` once to activate managed TLS.");
          }
        });
        b.followUp("Check the app on Aptible, then delete the Heroku app " + app
            + " (it stays in maintenance mode until then).");
      }
      case FAILED -> b.followUp("Fix the cause of the failure, then resume (`cutover resume` or plan.resume()); "
          + (journal.maintenanceOnAt != null && journal.maintenanceOffAt == null
          ? app + " is still in maintenance mode: resume soon or roll back." : app + " is not in maintenance mode."));
      case ROLLED_BACK -> b.followUp(app + " is primary again (maintenance off). The target resources listed "
          + "here were left in place: delete them, or resume later (the data is captured and restored again).");
    }
    plan.config().stream().filter(c -> c.action() == ConfigDecision.Action.COPY_FLAGGED)
        .forEach(c -> b.followUp("Review " + c.name() + ": " + c.reason() + "."));
    plan.addons().stream().filter(a -> !a.migrated()).forEach(a -> b.followUp(a.name() + " (" + a.service() + "): "
        + a.action() + "."));
    journal.restoreWarnings.forEach(w -> b.followUp("Restore warning: " + w));
    plan.warnings().forEach(w -> b.followUp("Plan warning: " + w));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
