package dev.cutover.heroku.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.spi.BackupRef;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a download that cannot be written says, against a real full device ({@code /dev/full}: every write fails with ENOSPC). */
class BackupDownloaderTest {
  @Test
  void download_diskFull_saysSoWithTheSystemsMessageAndLeavesNoFile(@TempDir Path dir) throws Exception {
    Path full = Path.of("/dev/full");
    if (!Files.isWritable(full) && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI runs on Linux, which has /dev/full");
    }
    assumeTrue(Files.isWritable(full), "needs Linux's /dev/full");
    byte[] dump = new byte[256 * 1024];
    System.arraycopy("PGDMP".getBytes(), 0, dump, 0, 5);
    try (MockWebServer server = new MockWebServer()) {
      server.enqueue(new MockResponse.Builder().code(200).body(new okio.Buffer().write(dump)).build());
      server.start();
      BackupDownloader downloader = new BackupDownloader(new OkHttpClient(), Clock.systemUTC(),
          part -> FileChannel.open(full, StandardOpenOption.WRITE));

      assertThatThrownBy(() -> downloader.download(Secret.of(server.url("/b001.dump?sig=x").toString()),
          new BackupRef("b001", 1, dump.length, "my-app"), dir, "my-app-b001.dump", MigrationListener.NONE))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.getMessage()).contains("could not be written to " + dir)
                .contains("No space left on device").contains("needs " + dump.length + " bytes")
                .doesNotContain("broke off").doesNotContain("sig=x");
            assertThat(e.retryable()).isFalse();
          });
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
