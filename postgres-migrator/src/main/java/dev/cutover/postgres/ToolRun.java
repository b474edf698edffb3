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

  /**
   * A new 0700 directory for private files under {@code parent}, or under the system temp directory
   * when {@code parent} is not writable.
   *
   * @throws PgToolException when neither works
   */
  static Path privateDirectory(Path parent, String prefix) {
    try {
      return createPrivateDirectory(parent, prefix);
    } catch (IOException first) {
      try {
        return createPrivateDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
      } catch (IOException e) {
        e.addSuppressed(first);
        throw new PgToolException("restore", "restore: cannot create a private working directory next to the archive ("
            + parent + ") or in the temp directory: " + e.getMessage(), false, e);
      }
    }
  }

  private static Path createPrivateDirectory(Path base, String prefix) throws IOException {
    return dev.cutover.core.PrivateFiles.createTempDirectory(base, prefix);
  }

  /** Creates {@code file} empty with mode 0600 (its directory 0700 if it has to be created), unless it exists. */
  static void createPrivateFile(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      dev.cutover.core.PrivateFiles.createDirectory(dir);
    }
    try {
      dev.cutover.core.PrivateFiles.createFile(file);
    } catch (FileAlreadyExistsException e) {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
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
