package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ApiException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Sleeper;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.core.spi.DownloadedBackup;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.heroku.HerokuCli;
import dev.cutover.testkit.heroku.RecordedCall;
import dev.cutover.testkit.process.ProcessLeakCheck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture and download through the real CLI 11.10.0 against the strict FakeHeroku, as Heroku
 * misbehaves: a database billed to another app, 429 and 503 answers, a backup that outlasts the
 * timeout, a failed backup whose logs cannot be read, a rejected token. Waits between retries go
 * through a fake clock; the CLI runs for real.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HerokuCaptureTest {
  private HerokuCli cli;
  private FakeHeroku fake;
  private TestSupport.Db db;
  private FakeTime time;
  private final List<MigrationEvent> events = new CopyOnWriteArrayList<>();
  private final MigrationListener recorder = new MigrationListener() {
    @Override
    public void output(MigrationEvent.Output e) {
      events.add(e);
    }

    @Override
    public void warning(MigrationEvent.Warning e) {
      events.add(e);
    }

    @Override
    public void progress(MigrationEvent.Progress e) {
      events.add(e);
    }
  };
  private ProcessLeakCheck leaks;

  @BeforeAll
  void start() {
    cli = TestSupport.cliOrSkip();
    db = TestSupport.Db.create("create table items (id int primary key, name text)",
        "insert into items select g, 'item ' || g from generate_series(1, 2000) g");
    fake = FakeHeroku.start();
  }

  @AfterAll
  void stop() {
    if (fake != null) {
      fake.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @BeforeEach
  void reset() {
    fake.clearFaults().clearRequests();
    time = new FakeTime();
    events.clear();
    leaks = ProcessLeakCheck.start();
  }

  @AfterEach
  void noCliLeftRunning() {
    leaks.assertNoLeaks();
  }

  private HerokuClient client(Clock clock, Sleeper sleeper, Duration backupTimeout) {
    return HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl()).dataApiHost(fake.dataApiHost())
        .extraCaCertificate(fake.caCertificatePem()).cliCommand(cli.command()).clock(clock).sleeper(sleeper)
        .backupTimeout(backupTimeout).build();
  }

  private HerokuClient client() {
    return client(time, time, Duration.ofMinutes(10));
  }

  private static Path privateDir(Path parent) throws Exception {
    return Files.createDirectory(parent.resolve("dumps"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  private List<String> outputLines() {
    return events.stream().filter(e -> e instanceof MigrationEvent.Output).map(e -> ((MigrationEvent.Output) e).line())
        .toList();
  }

  private List<String> warnings() {
    return events.stream().filter(e -> e instanceof MigrationEvent.Warning)
        .map(e -> ((MigrationEvent.Warning) e).message()).toList();
  }

  @Test
  void captureAndDownload_databaseAttachedFromAnotherApp_backupFoundOnTheOwner(@TempDir Path tmp) throws Exception {
    fake.app("billing-app").postgres(db.connection);
    fake.app("shop-app").attach("DATABASE", fake.app("billing-app"), "DATABASE");

    try (HerokuClient heroku = client()) {
      BackupRef ref = heroku.app("shop-app").captureBackup("DATABASE", recorder);

      assertThat(ref.app()).isEqualTo("billing-app");
      assertThat(ref.id()).isEqualTo("b001");
      assertThat(outputLines()).anySatisfy(l -> assertThat(l).contains("HINT: You are running this command with a "
          + "non-billing application"));
      assertThat(fake.app("billing-app").transfers()).hasSize(1);
      assertThat(fake.app("shop-app").transfers()).isEmpty();

      DownloadedBackup file = heroku.app("shop-app").download(ref, privateDir(tmp), MigrationListener.NONE);

      byte[] head = Files.readAllBytes(file.file());
      assertThat(new String(head, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("PGDMP");
      assertThat(file.file().getFileName().toString()).isEqualTo("shop-app-b001.dump");
    }
    assertThat(fake.requests("POST", "/client/v11/apps/billing-app/transfers/1/actions/public-url")).hasSize(1);
    assertThat(fake.requests("GET", "/client/v11/apps/shop-app/transfers.*")).isEmpty();
  }

  @Test
  void captureBackup_503WhenTheBackupIsCreated_runAgainAfterBackoffAndSucceeds() {
    fake.app("flaky-app").postgres(db.connection);
    fake.fault(Fault.on("POST", "/client/v11/databases/[^/]+/backups").status(503).times(1));

    try (HerokuClient heroku = client()) {
      BackupRef ref = heroku.app("flaky-app").captureBackup("DATABASE", recorder);

      assertThat(ref.id()).isEqualTo("b001");
    }
    assertThat(fake.requests("POST", "/client/v11/databases/[^/]+/backups")).extracting(RecordedCall::status)
        .containsExactly(503, 200);
    assertThat(fake.app("flaky-app").transfers()).hasSize(1);
    assertThat(time.sleeps).contains(Duration.ofSeconds(5));
    assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("SERVER").contains("before any backup started"));
  }

  @Test
  void captureBackup_429OnTheCliPreCheck_waitsAMinuteAndSucceeds() {
    fake.app("busy-app").postgres(db.connection);
    fake.fault(Fault.on("GET", "/client/v11/databases/[^/]+").rateLimited(Duration.ofSeconds(30)).times(1));

    try (HerokuClient heroku = client()) {
      assertThat(heroku.app("busy-app").captureBackup("DATABASE", recorder).id()).isEqualTo("b001");
    }
    assertThat(time.sleeps).contains(Duration.ofMinutes(1));
    assertThat(fake.app("busy-app").transfers()).hasSize(1);
  }

  @Test
  void captureBackup_serverErrorEveryTime_failsAfterFourRunsSayingItWasTheServer() {
    fake.app("down-app").postgres(db.connection);
    fake.fault(Fault.on("POST", "/client/v11/databases/[^/]+/backups").status(503));

    try (HerokuClient heroku = client()) {
      assertThatThrownBy(() -> heroku.app("down-app").captureBackup("DATABASE", recorder))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.getMessage()).contains("server error").contains("service_unavailable")
                .contains("after 4 attempts").contains("status.heroku.com");
            assertThat(e.retryable()).isTrue();
          });
    }
    assertThat(fake.requests("POST", "/client/v11/databases/[^/]+/backups")).hasSize(4);
    assertThat(time.sleeps).containsSubsequence(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertThat(fake.app("down-app").transfers()).isEmpty();
  }

  @Test
  void captureBackup_tokenRejectedByTheCli_saysSoAndDoesNotRetry() {
    fake.app("auth-app").postgres(db.connection);
    fake.fault(Fault.on("GET", "/client/v11/databases/[^/]+").status(401));

    try (HerokuClient heroku = client()) {
      assertThatThrownBy(() -> heroku.app("auth-app").captureBackup("DATABASE", recorder))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.getMessage()).contains("token was rejected").contains("HEROKU_API_KEY")
                .doesNotContain("server error").doesNotContain("rate limit");
            assertThat(e.retryable()).isFalse();
          });
    }
    assertThat(fake.requests("GET", "/client/v11/databases/[^/]+")).hasSize(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void captureBackup_outlastsTheTimeout_namesTheRunningBackupAndNeverStartsASecond() {
    fake.app("slow-app").postgres(db.connection).backupDuration(Duration.ofSeconds(12));

    try (HerokuClient impatient = client(Clock.systemUTC(), Sleeper.SYSTEM, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> impatient.app("slow-app").captureBackup("DATABASE", recorder))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e.getMessage()).contains("backup b001").contains("still running")
                .contains("no second backup").contains("heroku pg:backups:info b001 -a slow-app");
            assertThat(e.retryable()).isFalse();
          });
      // Asked again while it runs: it waits for b001 (and times out again) instead of starting b002.
      assertThatThrownBy(() -> impatient.app("slow-app").captureBackup("DATABASE", recorder))
          .hasMessageContaining("backup b001").hasMessageContaining("still running");
      assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("b001").contains("already running"));
      // waiting on it, the capture reports the bytes the backup processed so far (its total unknown)
      assertThat(events).filteredOn(e -> e instanceof MigrationEvent.Progress).isNotEmpty()
          .allSatisfy(e -> assertThat((MigrationEvent.Progress) e).returns("heroku.capture", MigrationEvent.Progress::step)
              .returns("bytes", MigrationEvent.Progress::unit).returns(-1L, MigrationEvent.Progress::total));
    }
    try (HerokuClient patient = client(Clock.systemUTC(), Sleeper.SYSTEM, Duration.ofMinutes(2))) {
      assertThat(patient.app("slow-app").captureBackup("DATABASE", recorder).id()).isEqualTo("b001");
    }
    assertThat(fake.app("slow-app").transfers()).hasSize(1);
    assertThat(fake.requests("POST", "/client/v11/databases/[^/]+/backups")).hasSize(1);
  }

  @Test
  void captureBackup_failsAndItsLogsAnswer503_reportedAsAFailedBackupNotAServerHiccup() {
    fake.app("broken-app").postgres(db.connection).failNextBackup("pg_dump: error: connection to server was lost");
    fake.fault(Fault.on("GET", "/client/v11/apps/broken-app/transfers/[^/]+").query(".*verbose=true.*").status(503));

    try (HerokuClient heroku = client()) {
      assertThatThrownBy(() -> heroku.app("broken-app").captureBackup("DATABASE", recorder))
          .isInstanceOfSatisfying(MigrationException.class, e -> {
            assertThat(e).isNotInstanceOf(ApiException.class);
            assertThat(e.getMessage()).contains("backup b001").contains("failed")
                .contains("its logs could not be read").contains("503")
                .contains("heroku pg:backups:info b001 -a broken-app");
          });
    }
    assertThat(fake.app("broken-app").transfers()).hasSize(1);
  }

  @Test
  void download_503FromPublicUrlOnce_runAgainAndStreamed(@TempDir Path tmp) throws Exception {
    fake.app("url-app").postgres(db.connection);
    try (HerokuClient heroku = client()) {
      BackupRef ref = heroku.app("url-app").captureBackup("DATABASE", recorder);
      fake.fault(Fault.on("POST", "/client/v11/apps/url-app/transfers/[^/]+/actions/public-url").status(503).times(1));

      DownloadedBackup file = heroku.app("url-app").download(ref, privateDir(tmp), MigrationListener.NONE);

      assertThat(file.sizeBytes()).isPositive();
    }
    assertThat(fake.requests("POST", "/client/v11/apps/url-app/transfers/[^/]+/actions/public-url"))
        .extracting(RecordedCall::status).containsExactly(503, 200);
    assertThat(time.sleeps).contains(Duration.ofSeconds(5));
  }
}
