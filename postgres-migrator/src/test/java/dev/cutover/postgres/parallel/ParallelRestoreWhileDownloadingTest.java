package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.IncomingArchive;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.testkit.heroku.FakeHeroku;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PARALLEL on a backup while it downloads: a real capture on the fake Heroku (pg_dump written through a
 * pipe, as Heroku's are: no data offsets), downloaded over HTTPS at a fixed rate, restored as it arrives.
 */
@Tag("integration")
class ParallelRestoreWhileDownloadingTest {
  /** About 2 MB in all: a download of about two seconds. */
  private static final long RATE = 1 << 20;
  private static final String SRC = LocalPg.unique("cut_par_dl_src");
  private static final String REF = LocalPg.unique("cut_par_dl_ref");
  private static final String TGT = LocalPg.unique("cut_par_dl_tgt");
  @TempDir static Path dir;
  static FakeHeroku fake;
  static String url;
  static DbSnapshot expected;
  static long archiveSize;

  @BeforeAll
  static void backup() throws Exception {
    LocalPg.assumeAvailable("psql", "pg_dump", "pg_restore", "bash");
    LocalPg.createTrickyDatabase(SRC);
    fake = FakeHeroku.start();
    fake.app("dl-app").postgres(LocalPg.connection(SRC));
    url = FakeBackups.capture(fake, "dl-app");
    Path whole = dir.resolve("whole.dump");
    assertThat(FakeBackups.download(url, fake.caCertificatePem(), whole, IncomingArchive.of(whole))).isPositive();
    archiveSize = Files.size(whole);
    ArchiveToc toc = ArchiveReader.readToc(whole);
    assertThat(toc.entries()).filteredOn(TocEntry::hadData).isNotEmpty().noneMatch(TocEntry::hasDataOffset);
    LocalPg.createDatabase(REF);
    LocalPg.tool("pg_restore", "--no-owner", "--no-acl", "-d", REF, whole.toString());
    expected = DbSnapshot.of(REF);
  }

  @AfterAll
  static void drop() {
    if (fake != null) {
      fake.close();
    }
    for (String db : List.of(SRC, REF, TGT)) {
      LocalPg.dropDatabase(db);
    }
  }

  @Test
  void restore_throttledDownload_startsBeforeItEndsAndEqualsPgRestore() throws Exception {
    LocalPg.createDatabase(TGT);
    fake.clearFaults().downloadRate(RATE);
    Path file = dir.resolve("throttled.dump");
    IncomingArchive incoming = IncomingArchive.of(file);
    AtomicLong firstTableLoaded = new AtomicLong();
    MigrationListener listener = new MigrationListener() {
      @Override
      public void output(MigrationEvent.Output event) {
        firstTableLoaded.compareAndSet(0, System.nanoTime());
      }
    };
    CompletableFuture<Long> download = CompletableFuture.supplyAsync(
        () -> FakeBackups.download(url, fake.caCertificatePem(), file, incoming)).thenApply(n -> {
          assertThat(n).isEqualTo(archiveSize);
          return System.nanoTime();
        });

    RestoreResult result = ParallelRestore.builder().jobs(2).listener(listener).build()
        .restore(incoming, LocalPg.connection(TGT), CopyJournal.inMemory());

    long downloaded = download.join();
    assertThat(DbSnapshot.of(TGT)).isEqualTo(expected);
    assertThat(result.rowsRestored()).containsEntry("app.big", 60_000L);
    assertThat(firstTableLoaded.get()).as("a table was in before the download ended").isPositive()
        .isLessThan(downloaded);
  }

  @Test
  void restore_downloadBrokenOffMidway_stopsCleanlyAndARetryCompletes() throws Exception {
    LocalPg.createDatabase(TGT);
    fake.clearFaults().downloadRate(RATE).cutDownloadsAfter(archiveSize / 2);
    CopyJournal journal = CopyJournal.inMemory();
    Path first = dir.resolve("cut.dump");
    IncomingArchive cut = IncomingArchive.of(first);
    CompletableFuture<Long> download = CompletableFuture.supplyAsync(
        () -> FakeBackups.download(url, fake.caCertificatePem(), first, cut));

    assertThatThrownBy(() -> ParallelRestore.builder().jobs(2).build().restore(cut, LocalPg.connection(TGT), journal))
        .isInstanceOf(PgToolException.class).hasMessageContaining("broke off");
    assertThat(download.join()).isEqualTo(-1);
    assertThat(LocalPg.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + TGT + "'").strip())
        .as("no connection left to the target").isEqualTo("0");
    List<String> finishedFirst = journal.entries().stream().map(CopyJournal.Entry::item).toList();
    assertThat(finishedFirst).contains("pre-data");

    fake.clearFaults().downloadRate(RATE);
    Path second = dir.resolve("retry.dump");
    IncomingArchive retry = IncomingArchive.of(second);
    CompletableFuture.runAsync(() -> FakeBackups.download(url, fake.caCertificatePem(), second, retry));
    RestoreResult result = ParallelRestore.builder().jobs(2).build().restore(retry, LocalPg.connection(TGT), journal);

    assertThat(DbSnapshot.of(TGT)).isEqualTo(expected);
    assertThat(result.warnings()).anyMatch(w -> w.startsWith("resumed: "));
    List<String> again = journal.entries().subList(finishedFirst.size(), journal.entries().size()).stream()
        .map(CopyJournal.Entry::item).toList();
    assertThat(again).doesNotContainAnyElementsOf(finishedFirst);
  }

  @Test
  void restore_downloadFailsBeforeTheTableOfContents_failsNamingTheDownload() throws IOException {
    Path file = dir.resolve("never.dump");
    IncomingArchive incoming = IncomingArchive.of(file);
    incoming.fail(new IOException("HTTP 403 Request has expired"));

    assertThatThrownBy(() -> ParallelRestore.builder().build().restore(incoming, LocalPg.connection(TGT),
        CopyJournal.inMemory())).isInstanceOf(PgToolException.class).hasMessageContaining("Request has expired");
  }
}
