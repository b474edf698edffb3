package dev.cutover.postgres;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Runs one PostgreSQL client program for a step, forwarding its stderr to the listener. */
final class ToolRun {
  private ToolRun() {}

  /**
   * Runs {@code command}; stderr lines go to {@code listener} as output of {@code source}, stdout lines to
   * {@code stdout}.
   *
   * @throws PgToolException when it exits with a code not in the command's success codes, times out or cannot start
   */
  static CommandResult run(ProcessRunner runner, String step, String source, Command command,
      MigrationListener listener, Consumer<String> stdout) {
    Consumer<OutputLine> sink = line -> {
      if (line.stream() == OutputLine.Stream.STDERR) {
        listener.output(new MigrationEvent.Output(step, Instant.now(), source, line.line()));
      } else {
        stdout.accept(line.line());
      }
    };
    try {
      return runner.run(command, sink);
    } catch (CommandFailedException e) {
      String tail = String.join("\n  ", e.outputTail().subList(Math.max(0, e.outputTail().size() - 15),
          e.outputTail().size()));
      throw new PgToolException(step, step + ": " + source + " failed (" + (e.timedOut() ? "timed out after "
          + e.duration() : "exit " + e.exitCode()) + ")" + (tail.isEmpty() ? "" : ":\n  " + tail), e.retryable(), e);
    }
  }

  /** A new 0700 directory under {@code parent} (the system temp directory when absent) for private files. */
  static Path privateDirectory(Path parent, String prefix) {
    try {
      Path base = parent == null ? Path.of(System.getProperty("java.io.tmpdir")) : parent;
      if (base.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        return Files.createTempDirectory(base, prefix,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      return Files.createTempDirectory(base, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code file} empty with mode 0600 (its directory 0700 if it has to be created), unless it exists. */
  static void createPrivateFile(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.isDirectory(dir)) {
      if (posix) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    }
    try {
      if (posix) {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(file);
      }
    } catch (FileAlreadyExistsException e) {
      if (posix) {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      }
    }
  }

  /** Deletes {@code dir} and everything in it; failures are ignored (it is a temp directory). */
  static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: a leftover temp directory is not worth failing a finished restore for
    }
  }
}
