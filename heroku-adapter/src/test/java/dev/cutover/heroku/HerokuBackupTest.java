package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ApiException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.ValidationException;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.HerokuCli;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.cutover.testkit.process.ProcessLeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture through the real CLI and download through the signed URL, against FakeHeroku whose
 * database is a real one of more than 50 MB. One capture per class; the failure tests reuse it.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerokuBackupTest {
  private static final String APP = "backup-app";
  private static final long MB = 1024 * 1024;

  private FakeHeroku fake;
  private TestSupport.Db db;
  private HerokuClient heroku;
  private BackupRef backup;
  private final List<MigrationEvent.Output> captureOutput = new CopyOnWriteArrayList<>();
  private long databaseBytes;

  @BeforeAll
  void captureOnce() throws Exception {
    HerokuCli cli = TestSupport.cliOrSkip();
    // Random-looking bytes do not compress: the dump stays about as big as the data.
    db = TestSupport.Db.create("create table big (id int primary key, payload bytea)",
        "insert into big select g, decode(md5(g::text) || md5((g * 7)::text), 'hex') from generate_series(1, 1500000) g",
        "create table small (id int primary key, name text)",
        "insert into small values (1, 'one'), (2, 'two')");
    try (var c = java.sql.DriverManager.getConnection(db.connection.jdbcUrl(), "postgres", "");
        var rs = c.createStatement().executeQuery("select pg_database_size(current_database())")) {
      rs.next();
      databaseBytes = rs.getLong(1);
    }
    fake = FakeHeroku.start();
    fake.app(APP).postgres(db.connection);
    heroku = HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl()).dataApiHost(fake.dataApiHost())
        .extraCaCertificate(fake.caCertificatePem()).cliCommand(cli.command()).backupTimeout(Duration.ofMinutes(10))
        .build();
    backup = heroku.app(APP).captureBackup("DATABASE", new MigrationListener() {
      @Override
      public void output(MigrationEvent.Output event) {
        captureOutput.add(event);
      }
    });
  }

  private ProcessLeakCheck leaks;

  @BeforeEach
  void snapshotProcesses() {
    leaks = ProcessLeakCheck.start();
  }

  @AfterEach
  void noCliLeftRunning() {
    leaks.assertNoLeaks();
  }

  @AfterAll
  void stop() {
    if (heroku != null) {
      heroku.close();
    }
    if (fake != null) {
      fake.close();
    }
    if (db != null) {
      db.close();
    }
  }

  private static Path privateDir(Path parent) throws IOException {
    return Files.createDirectory(parent.resolve("dumps"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  @Test
  void captureBackup_realCli_confirmedThroughTheTransfersList() {
    assertThat(databaseBytes).isGreaterThanOrEqualTo(50 * MB);
    assertThat(backup.id()).isEqualTo("b001");
    assertThat(backup.num()).isEqualTo(1);
    assertThat(backup.sizeBytes()).isGreaterThan(40 * MB);
    assertThat(captureOutput).extracting(MigrationEvent.Output::line)
        .anySatisfy(l -> assertThat(l).contains("Backing up DATABASE to b001... done"));
    assertThat(fake.requests("GET", "/client/v11/apps/backup-app/transfers")).isNotEmpty();
    assertThat(heroku.app(APP).backups()).containsExactly(backup);
  }

  @Test
  void download_50MbBackup_pgRestoreAcceptsItAndHeapStaysFlat(@TempDir Path tmp) throws Exception {
    Path dir = privateDir(tmp);
    List<long[]> heapAt = new CopyOnWriteArrayList<>();
    MigrationListener heapProbe = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        heapAt.add(new long[] {event.done(), rt.totalMemory() - rt.freeMemory()});
      }
    };

    DownloadedBackup file = heroku.app(APP).download(backup, dir, heapProbe);

    assertThat(file.file()).isEqualTo(dir.resolve("backup-app-b001.dump"));
    assertThat(file.sizeBytes()).isEqualTo(Files.size(file.file())).isEqualTo(backup.sizeBytes());
    assertThat(Files.getPosixFilePermissions(file.file())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(file.sha256()).isEqualTo(sha256(file.file()));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file.file());
    }
    Process list = new ProcessBuilder("pg_restore", "--list", file.file().toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String toc = new String(list.getInputStream().readAllBytes());
    assertThat(list.waitFor()).isZero();
    assertThat(toc).contains("TABLE DATA public big").contains("TABLE DATA public small");
    // Used heap (after GC) while streaming: from the first progress report to the last, the download
    // grew by ~the whole dump; a client that buffered it would show the same growth on the heap.
    assertThat(heapAt).hasSizeGreaterThan(5);
    long first = heapAt.get(0)[1];
    long max = heapAt.stream().mapToLong(s -> s[1]).max().orElseThrow();
    long streamed = heapAt.get(heapAt.size() - 1)[0] - heapAt.get(0)[0];
    System.out.printf("download: %d MB streamed, used heap after GC first %d KB, max %d KB (growth %d KB)%n",
        streamed / MB, first / 1024, max / 1024, (max - first) / 1024);
    assertThat(streamed).isGreaterThan(35 * MB);
    assertThat(max - first).isLessThan(8 * MB);
  }

  @Test
  void download_cutOffMidStream_failsAndLeavesNoFile(@TempDir Path tmp) throws Exception {
    Path dir = privateDir(tmp);
    fake.cutDownloadsAfter(3 * MB);
    try {
      assertThatThrownBy(() -> heroku.app(APP).download(backup, dir, MigrationListener.NONE))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.getMessage()).contains("broke off").contains("b001").contains("no partial file");
            assertThat(e.retryable()).isTrue();
          });
    } finally {
      fake.cutDownloadsAfter(-1);
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  /** A restore reads the file while it downloads: it grows under its own name (no temporary file), private from the first byte. */
  @Test
  void downloadInPlace_fileGrowsUnderItsOwnName_checkedAndPrivate(@TempDir Path tmp) throws Exception {
    Path dir = privateDir(tmp);
    Path target = dir.resolve("database-b001.dump");
    List<String> seen = new CopyOnWriteArrayList<>();
    MigrationListener probe = new MigrationListener() {
      @Override
      public void progress(MigrationEvent.Progress event) {
        if (event.done() < event.total()) {
          try (var files = Files.list(dir)) {
            seen.add(files.map(f -> f.getFileName().toString()).toList() + " "
                + (Files.size(target) >= event.done()) + " "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
          } catch (IOException e) {
            seen.add(e.toString());
          }
        }
      }
    };

    DownloadedBackup file = heroku.app(APP).downloadInPlace(backup, target, probe);

    assertThat(seen).as("while downloading").isNotEmpty()
        .allSatisfy(s -> assertThat(s).isEqualTo("[database-b001.dump] true rw-------"));
    assertThat(file.file()).isEqualTo(target);
    assertThat(file.sizeBytes()).isEqualTo(Files.size(target)).isEqualTo(backup.sizeBytes());
    assertThat(file.sha256()).isEqualTo(sha256(target));
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void downloadInPlace_cutOffMidStream_failsAndLeavesThePartialFileToTheCaller(@TempDir Path tmp) throws Exception {
    Path dir = privateDir(tmp);
    Path target = dir.resolve("database-b001.dump");
    fake.cutDownloadsAfter(3 * MB);
    try {
      assertThatThrownBy(() -> heroku.app(APP).downloadInPlace(backup, target, MigrationListener.NONE))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.getMessage()).contains("broke off").contains("b001").doesNotContain("no partial file");
            assertThat(e.retryable()).isTrue();
          });
    } finally {
      fake.cutDownloadsAfter(-1);
    }
    assertThat(Files.size(target)).as("what arrived, for the reader to stop on").isPositive().isLessThan(backup.sizeBytes());
  }

  @Test
  void download_expiredUrl_403BodyNeverBecomesADump(@TempDir Path tmp) throws Exception {
    Path dir = privateDir(tmp);
    fake.expireDownloads(true);
    try {
      assertThatThrownBy(() -> heroku.app(APP).download(backup, dir, MigrationListener.NONE))
          .isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(403);
            assertThat(e.getMessage()).contains("expired").doesNotContain("X-Amz-Signature");
          });
    } finally {
      fake.expireDownloads(false);
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void download_directoryOthersCanRead_rejectedBeforeAnyRequest(@TempDir Path tmp) throws Exception {
    Path open = Files.createDirectory(tmp.resolve("open"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    int before = fake.requests().size();

    assertThatThrownBy(() -> heroku.app(APP).download(backup, open, MigrationListener.NONE))
        .isInstanceOf(ValidationException.class).hasMessageContaining("chmod 700");
    assertThat(fake.requests()).hasSize(before);
  }

  @Test
  void captureBackup_backupFailsAtHeroku_throwsWithItsLog() {
    fake.app(APP).failNextBackup("pg_dump: error: connection to server was lost");

    assertThatThrownBy(() -> heroku.app(APP).captureBackup("DATABASE", MigrationListener.NONE))
        .isInstanceOfSatisfying(MigrationException.class, e -> assertThat(e.getMessage())
            .contains("backup b00").contains("failed").contains("connection to server was lost"));
  }

  @Test
  void cliVersion_installedCli_is11() {
    assertThat(heroku.cliVersion()).startsWith("11.");
  }

  private static String sha256(Path file) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        d.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
