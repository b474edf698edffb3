package dev.cutover.heroku.internal;

import dev.cutover.core.ApiException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a signed backup URL into a private file: bounded memory, SHA-256 while streaming, the
 * {@code PGDMP} magic and the announced size checked, and no file left behind on any failure.
 */
public final class BackupDownloader {
  private static final Logger LOG = LoggerFactory.getLogger(BackupDownloader.class);
  private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
  private static final int BUFFER = 64 * 1024;
  private static final long PROGRESS_EVERY = 4L * 1024 * 1024;
  private static final String STEP = "heroku.download";

  private final OkHttpClient http;
  private final Clock clock;
  private final PartOpener opener;

  /** Opens the partial file for writing. */
  interface PartOpener {
    FileChannel open(Path part) throws IOException;
  }

  /** A local write failed (a full disk, a quota, an I/O error): not a network problem, and not retryable as it is. */
  private static final class WriteFailed extends IOException {
    private static final long serialVersionUID = 1L;

    WriteFailed(IOException cause) {
      super(systemMessage(cause), cause);
    }

    /** What the system said: "No space left on device", or the kind of failure when it said nothing more. */
    private static String systemMessage(IOException e) {
      if (e instanceof java.nio.file.FileSystemException fs) {
        return fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
      }
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
  }

  /** @param http a client that adds no credentials (the URL is signed; the Heroku token must not go to storage) */
  public BackupDownloader(OkHttpClient http, Clock clock) {
    this(http, clock, part -> FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING));
  }

  BackupDownloader(OkHttpClient http, Clock clock, PartOpener opener) {
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.opener = Objects.requireNonNull(opener, "opener");
  }

  /**
   * Downloads {@code url} to {@code directory/fileName}, replacing an earlier file of that name only
   * after the new one is complete and checked. Blocks.
   */
  public DownloadedBackup download(Secret url, BackupRef backup, Path directory, String fileName,
      MigrationListener listener) {
    return fetch(url, backup, directory.resolve("." + fileName + ".part"), directory.resolve(fileName), listener);
  }

  /**
   * Downloads {@code url} into {@code file} itself, created new (replacing one of that name), as the bytes
   * arrive, so that a reader can follow it; the same checks as {@link #download}. On failure the partial
   * file is left for the caller, whose reader may still have it open, to delete. Blocks.
   */
  public DownloadedBackup downloadInPlace(Secret url, BackupRef backup, Path file, MigrationListener listener) {
    return fetch(url, backup, file, file, listener);
  }

  /** Streams into {@code part}, then renames it to {@code target} unless they are the same file (in place). */
  private DownloadedBackup fetch(Secret url, BackupRef backup, Path part, Path target, MigrationListener listener) {
    boolean inPlace = part.equals(target);
    Path directory = target.toAbsolutePath().getParent();
    HttpUrl httpUrl = HttpUrl.parse(url.reveal());
    if (httpUrl == null || !(httpUrl.isHttps() || Hosts.isLoopback(httpUrl.host()))) {
      throw new MigrationException(STEP, STEP + ": the backup URL of " + backup.id()
          + " is not an https URL; refusing to download it in the clear");
    }
    MigrationListener safe = MigrationListener.safe(listener);
    boolean done = false;
    try {
      try {
        Files.deleteIfExists(part);
        createPrivateFile(part);
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
      Request request = new Request.Builder().url(httpUrl).header("User-Agent", "cutover").build();
      try (Response response = http.newCall(request).execute()) {
        if (response.code() != 200) {
          throw refused(backup, response);
        }
        long expected = response.body().contentLength();
        DownloadedBackup result = stream(response.body().byteStream(), part, target, backup, expected, safe);
        done = true;
        return result;
      }
    } catch (WriteFailed e) {
      throw new MigrationException(STEP, STEP + ": backup " + backup.id() + " could not be written to " + directory
          + ": " + e.getMessage() + " (the system's message)"
          + (backup.sizeBytes() > 0 ? "; it needs " + backup.sizeBytes() + " bytes" : "")
          + (inPlace ? ". " : ". No partial file was kept; ")
          + "free space there (or choose another directory) and download again.",
          false, e.getCause());
    } catch (InterruptedIOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw MigrationCancelledException.interrupted(STEP, new InterruptedException("download interrupted"));
      }
      throw cutOff(backup, e, inPlace);
    } catch (IOException e) {
      throw cutOff(backup, e, inPlace);
    } finally {
      if (!done && !inPlace) {
        deleteQuietly(part);
      }
    }
  }

  private DownloadedBackup stream(InputStream in, Path part, Path target, BackupRef backup, long expected,
      MigrationListener listener) throws IOException {
    MessageDigest sha = sha256();
    byte[] buffer = new byte[BUFFER];
    byte[] head = new byte[MAGIC.length];
    int headLength = 0;
    long total = 0;
    long nextProgress = PROGRESS_EVERY;
    try (FileChannel channel = openPart(part); OutputStream out = Channels.newOutputStream(channel)) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        if (Thread.currentThread().isInterrupted()) {
          throw MigrationCancelledException.interrupted(STEP, new InterruptedException("download interrupted"));
        }
        if (headLength < MAGIC.length) {
          int take = Math.min(n, MAGIC.length - headLength);
          System.arraycopy(buffer, 0, head, headLength, take);
          headLength += take;
          if (headLength == MAGIC.length && !Arrays.equals(head, MAGIC)) {
            throw notADump(backup);
          }
        }
        sha.update(buffer, 0, n);
        write(out, buffer, n);
        total += n;
        if (total >= nextProgress) {
          listener.progress(new MigrationEvent.Progress(STEP, clock.instant(), "bytes", total, expected));
          nextProgress = total + PROGRESS_EVERY;
        }
      }
      try {
        out.flush();
        channel.force(true);
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
    }
    if (headLength < MAGIC.length) {
      throw notADump(backup);
    }
    if (expected >= 0 && total != expected) {
      throw new MigrationException(STEP, STEP + ": backup " + backup.id() + " ended after " + total + " of "
          + expected + " bytes. Download it again.", true, null);
    }
    if (backup.sizeBytes() > 0 && backup.sizeBytes() != total) {
      listener.warning(new MigrationEvent.Warning(STEP, clock.instant(), "backup " + backup.id() + " is " + total
          + " bytes; Heroku reported " + backup.sizeBytes()));
    }
    listener.progress(new MigrationEvent.Progress(STEP, clock.instant(), "bytes", total, expected < 0 ? total : expected));
    if (!part.equals(target)) {
      try {
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new WriteFailed(e);
      }
    }
    LOG.info("{}: backup {} saved to {} ({} bytes)", STEP, backup.id(), target, total);
    return new DownloadedBackup(target, total, HexFormat.of().formatHex(sha.digest()));
  }

  private FileChannel openPart(Path part) throws WriteFailed {
    try {
      return opener.open(part);
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
  }

  private static void write(OutputStream out, byte[] buffer, int n) throws WriteFailed {
    try {
      out.write(buffer, 0, n);
    } catch (IOException e) {
      throw new WriteFailed(e);
    }
  }

  private static ApiException refused(BackupRef backup, Response response) {
    int status = response.code();
    String hint = status == 403 || status == 400
        ? "The signed URL has probably expired (they last minutes); download again to get a fresh one."
        : "The storage refused the download; try again.";
    String path = response.request().url().encodedPath();
    return new ApiException(STEP, STEP + ": the backup storage answered " + status + " for backup " + backup.id()
        + " (GET " + path + "). " + hint, status, null, response.header("x-amz-request-id"), "GET", path, true, null);
  }

  private static MigrationException notADump(BackupRef backup) {
    return new MigrationException(STEP, STEP + ": backup " + backup.id() + " is not a pg_dump archive (no PGDMP "
        + "header); nothing was kept. Capture a new backup and download again.");
  }

  private static MigrationException cutOff(BackupRef backup, IOException e, boolean inPlace) {
    return new MigrationException(STEP, STEP + ": the download of backup " + backup.id() + " broke off ("
        + e.getClass().getSimpleName() + ")" + (inPlace ? "" : "; no partial file was kept") + ". Download it again.",
        true, e);
  }

  private static void createPrivateFile(Path file) throws IOException {
    dev.cutover.core.PrivateFiles.createFile(file);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("{}: could not delete the partial download {}: {}", STEP, file, e.getMessage());
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
