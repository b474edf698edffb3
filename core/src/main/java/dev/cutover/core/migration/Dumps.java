package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dump files of a migration: a private directory ({@code <work>/dumps}, 0700), one private file
 * (0600) per captured backup, its SHA-256 journalled so a later attempt can tell it is still the
 * one it downloaded; captured again when it is gone or changed; deleted after success unless kept.
 */
final class Dumps {
  private static final Logger log = LoggerFactory.getLogger(Dumps.class);

  private final Path directory;

  Dumps(Path workDirectory) {
    this.directory = workDirectory.resolve("dumps");
  }

  /** Captures a fresh backup of {@code move}'s source, downloads it, checks it can be restored, and journals it. */
  String capture(StepContext ctx, PostgresMove move) {
    Journal.MoveState state = ctx.move(move);
    boolean again = canDownloadAgain(state);
    BackupRef ref = backup(ctx, move);
    Path dir = directory();
    removePartialDownloads(dir, ctx);
    DownloadedBackup dl;
    try {
      dl = ctx.source().download(ref, dir, ctx.listener());
    } catch (MigrationException e) {
      downloadFailed(ctx, state, again);
      throw e;
    }
    downloaded(ctx, state, dl);
    ArchiveSummary archive = inspected(ctx, state, dl.file());
    ctx.mover().checkCanRestore(archive, move.strategy());
    return "backup " + ref.id() + (ref.app().isEmpty() ? "" : " (listed on " + ref.app() + ")") + " of " + move.id()
        + (again ? " downloaded again (" : " downloaded (") + dl.sizeBytes() + " bytes, SHA-256 " + dl.sha256()
        + "); " + archive;
  }

  /**
   * Whether {@code state}'s backup, captured behind the write fence by an earlier attempt whose download did
   * not finish, is downloaded again (from the app whose list holds it, the database's owner) rather than a
   * new one captured.
   */
  static boolean canDownloadAgain(Journal.MoveState state) {
    return state.backupId != null && state.dumpFile == null && state.backupApp != null;
  }

  /**
   * The backup of {@code move} to download, journalled: the one an earlier attempt captured when
   * {@link #canDownloadAgain}, else a fresh capture (which makes what was restored from the last one stale).
   */
  BackupRef backup(StepContext ctx, PostgresMove move) {
    Journal.MoveState state = ctx.move(move);
    boolean again = canDownloadAgain(state);
    BackupRef ref = again ? new BackupRef(state.backupId, state.backupNum, -1, state.backupApp)
        : ctx.source().captureBackup(move.source().attachmentName(), ctx.listener());
    state.backupId = ref.id();
    state.backupNum = ref.num();
    state.backupApp = ref.app();
    state.dumpFile = null;
    state.dumpSha256 = null;
    if (!again) {
      state.restoredAt = null;
      state.verifiedAt = null;
    }
    ctx.save();
    return ref;
  }

  /** After a failed download of {@code state}'s backup: a backup downloaded {@code again} may be gone on the platform, so the next attempt captures a new one. */
  static void downloadFailed(StepContext ctx, Journal.MoveState state, boolean again) {
    if (again) {
      state.backupId = null;
      ctx.save();
    }
  }

  /** Journals a finished, checked download as the move's dump (private, its SHA-256 kept). */
  static void downloaded(StepContext ctx, Journal.MoveState state, DownloadedBackup dl) {
    makePrivate(dl.file(), "rw-------");
    state.dumpFile = dl.file().toAbsolutePath().toString();
    state.dumpSha256 = dl.sha256();
    state.dumpSizeBytes = dl.sizeBytes();
    // a new dump makes what was restored from the last one stale
    state.restoredAt = null;
    state.verifiedAt = null;
    ctx.save();
  }

  /** Reads the dump's header into the journal. */
  static ArchiveSummary inspected(StepContext ctx, Journal.MoveState state, Path dump) {
    ArchiveSummary archive = ctx.mover().inspect(dump);
    state.archiveVersion = archive.archiveVersion();
    state.archivePgDumpVersion = archive.pgDumpVersion();
    state.archiveServerVersion = archive.serverVersion();
    ctx.save();
    return archive;
  }

  /** Whether {@code state}'s journalled dump is still there, unchanged. */
  static boolean intact(Journal.MoveState state) {
    return state.dumpFile != null && Files.isRegularFile(Path.of(state.dumpFile))
        && sha256(Path.of(state.dumpFile)).equals(state.dumpSha256);
  }

  /** Where a restore while downloading has {@code backup} of {@code move} written: named by this SDK, so it knows the file before the first byte. */
  Path inPlaceFile(PostgresMove move, BackupRef backup) {
    return directory().resolve(move.id().toLowerCase(java.util.Locale.ROOT) + "-" + backup.id() + ".dump");
  }

  /** Deletes what an earlier, unfinished download left: {@code .<name>.part} files and {@code file} itself. */
  void removePartialDownloads(StepContext ctx, Path file) {
    removePartialDownloads(directory(), ctx);
    try {
      if (Files.deleteIfExists(file)) {
        ctx.warning(MigrationStep.RESTORE, "removed the partial download " + file.getFileName()
            + " of an earlier attempt that did not finish");
      }
    } catch (IOException e) {
      throw new MigrationException("restore", "restore: cannot remove the partial download " + file + " ("
          + e.getMessage() + "); remove it by hand", false, e);
    }
  }

  /** {@code move}'s journalled dump, or a fresh capture (journalled, with a warning) when it is gone or changed. */
  Path ensure(StepContext ctx, PostgresMove move) {
    Journal.MoveState state = ctx.move(move);
    if (intact(state)) {
      return Path.of(state.dumpFile);
    }
    warnGone(ctx, state);
    recaptured(ctx, state, capture(ctx, move));
    return Path.of(state.dumpFile);
  }

  /** Counts and warns when {@code state}'s journalled dump is gone or changed (a fresh backup is captured). */
  static void warnGone(StepContext ctx, Journal.MoveState state) {
    if (state.dumpFile != null) {
      Path file = Path.of(state.dumpFile);
      state.recaptures++;
      String why = Files.exists(file) ? "changed since it was downloaded" : "gone (deleted after the failure)";
      ctx.warning(MigrationStep.RESTORE, "the dump " + file.getFileName() + " is " + why
          + "; capturing a fresh backup (maintenance is still on)");
    }
  }

  /** Notes in the capture step's summary that the restore step captured again. */
  static void recaptured(StepContext ctx, Journal.MoveState state, String summary) {
    Journal.StepState cap = ctx.journal().step(MigrationStep.CAPTURE);
    cap.summary = ctx.redactor().redact("captured again for the restore (" + state.recaptures + "): " + summary);
    ctx.save();
  }

  /** Deletes every move's dump unless {@code keep}. Never throws. */
  void deleteAll(Journal journal, boolean keep) {
    if (keep) {
      return;
    }
    journal.moves.values().stream().filter(m -> m.dumpFile != null).forEach(m -> {
      try {
        Files.deleteIfExists(Path.of(m.dumpFile));
      } catch (IOException e) {
        log.warn("Could not delete the dump {}: {}", m.dumpFile, e.getMessage());
      }
    });
  }

  /** The dumps directory, created 0700 in one call so it is never readable by others, not even empty. */
  Path directory() {
    try {
      dev.cutover.core.PrivateFiles.createDirectory(directory);
    } catch (IOException e) {
      throw new MigrationException("preflight", "preflight: cannot create " + directory + " (" + e.getMessage()
          + "); pass a writable workDirectory", false, e);
    }
    makePrivate(directory, "rwx------");
    return directory;
  }

  /** Partial downloads ({@code .<name>.part}) a run killed mid-download left behind: never resumable, only in the way. */
  private static void removePartialDownloads(Path dir, StepContext ctx) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(".")
          && f.getFileName().toString().endsWith(".part")).toList()) {
        Files.deleteIfExists(f);
        ctx.warning(MigrationStep.CAPTURE, "removed the partial download " + f.getFileName()
            + " of an earlier run that did not finish");
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
}
