package dev.cutover.core.report.internal;

import dev.cutover.core.MigrationException;
import java.io.IOException;
import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Writes files so that a reader (or a crash) sees either the old content or the new, never half. */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code text} to a temporary file next to {@code file}, forces it to disk, renames it
   * over {@code file}, then forces the directory. The file is private (0600) where POSIX allows.
   *
   * @throws MigrationException when the file cannot be written (the temporary file is removed)
   */
  public static void write(Path file, String text, String step) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(tmp);
      createPrivate(tmp);
      // a FileOutputStream, not a FileChannel: a channel closes itself when the thread is interrupted,
      // and the journal must still be written when a migration is cancelled
      try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.getFD().sync();
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      forceDirectory(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write already failed; that failure is the one to report
      }
      throw new MigrationException(step, step + ": cannot write " + target + " (" + e.getClass().getSimpleName()
          + ": " + e.getMessage() + "); check the directory exists and is writable", false, e);
    }
  }

  /**
   * Reads {@code file} as UTF-8 through a stream that an interrupt does not close (NIO's readers
   * fail on an interrupted thread, and a cancelled run must still read its journal to record it).
   *
   * @throws IOException when it cannot be read
   */
  public static String read(Path file) throws IOException {
    try (java.io.FileInputStream in = new java.io.FileInputStream(file.toFile())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.FileNotFoundException e) {
      throw Files.exists(file) ? e : new java.nio.file.NoSuchFileException(file.toString());
    }
  }

  private static void createPrivate(Path file) throws IOException {
    dev.cutover.core.PrivateFiles.createFile(file);
  }

  private static void forceDirectory(Path dir) {
    // fsync of the directory makes the rename durable; not every platform allows opening one
    if (Thread.currentThread().isInterrupted()) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort: the file itself is already on disk
    }
  }
}
