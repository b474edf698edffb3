package dev.cutover.postgres.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncomingArchiveTest {
  @TempDir Path dir;

  private static CompletableFuture<byte[]> readAll(IncomingArchive incoming, long from) {
    return CompletableFuture.supplyAsync(() -> {
      try (InputStream in = incoming.open(from)) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void open_fileWrittenLater_readsEveryByteAndEndsOnlyWhenComplete() throws Exception {
    Path file = dir.resolve("a.dump");
    IncomingArchive incoming = IncomingArchive.of(file);
    CompletableFuture<byte[]> read = readAll(incoming, 2);

    Thread.sleep(50);
    Files.write(file, new byte[] {1, 2, 3});
    incoming.grew();
    Thread.sleep(50);
    assertThat(read).as("no end before complete()").isNotDone();
    Files.write(file, new byte[] {4, 5}, StandardOpenOption.APPEND);
    incoming.complete();

    assertThat(read.get(10, TimeUnit.SECONDS)).containsExactly(3, 4, 5);
    assertThat(incoming.isComplete()).isTrue();
    assertThat(incoming.finalSize()).isEqualTo(5);
  }

  @Test
  void open_downloadFails_waitingReaderFailsWithTheCause() throws Exception {
    Path file = dir.resolve("b.dump");
    Files.write(file, new byte[] {1, 2});
    IncomingArchive incoming = IncomingArchive.of(file);
    CompletableFuture<byte[]> read = readAll(incoming, 0);
    Thread.sleep(50);

    incoming.fail(new IOException("connection reset"));

    assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("connection reset")
        .hasMessageContaining("broke off after 2 bytes");
    incoming.complete();
    assertThat(incoming.isComplete()).as("a failed download stays failed").isFalse();
  }

  @Test
  void complete_existingFile_readsToItsEnd() throws Exception {
    Path file = dir.resolve("c.dump");
    Files.write(file, new byte[] {7, 8, 9});

    try (InputStream in = IncomingArchive.complete(file).open(1)) {
      assertThat(in.readAllBytes()).containsExactly(8, 9);
    }
  }

  @Test
  void open_fileMovedAwayAfterCompletion_failsInsteadOfWaiting() throws Exception {
    Path file = dir.resolve("d.dump");
    Files.write(file, new byte[] {1});
    IncomingArchive incoming = IncomingArchive.of(file);
    incoming.complete();
    Files.move(file, dir.resolve("d.dump.moved"));

    try (InputStream in = incoming.open(0)) {
      assertThatThrownBy(in::read).isInstanceOf(java.nio.file.NoSuchFileException.class)
          .hasMessageContaining("gone after the download completed");
    }
  }
}
