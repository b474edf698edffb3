package dev.cutover.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.testkit.process.ProcessLeakCheck;
import dev.cutover.testkit.redis.RedisDataset;
import dev.cutover.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance dataset (500,000 keys of every type over three databases, a third with TTLs, a
 * 50 MB key) in one Heroku-like source (TLS, self-signed, password) shared by every test here; each
 * test copies into its own fresh target. The source is never written after it is filled.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisCopyIntegrationTest {
  static final int KEYS = 500_000;

  private RedisServer source;
  private RedisServerInfo sourceInfo;
  private final RedisMigrator redis = RedisMigrator.builder().build();
  private ProcessLeakCheck leaks;

  @BeforeAll
  void fill() {
    source = Servers.source();
    RedisDataset.fill(source, KEYS, 50);
    sourceInfo = redis.describe(source.tlsConnection());
  }

  @AfterAll
  void stop() {
    if (source != null) {
      source.close();
    }
  }

  @BeforeEach
  void snapshot() {
    leaks = ProcessLeakCheck.start();
  }

  @AfterEach
  void noLeaks() {
    leaks.assertNoLeaks();
  }

  @Test
  void describe_tlsSource_pinsItsSelfSignedCertificateAndCountsEveryDatabase() {
    assertThat(sourceInfo.certificatePin()).isEqualTo(source.certificatePin());
    assertThat(sourceInfo.keyspace()).containsOnlyKeys(0, 1, 2);
    assertThat(sourceInfo.keys()).isEqualTo(KEYS + 1);
    assertThat(sourceInfo.keyspace().values().stream().mapToLong(RedisServerInfo.Keyspace::expires).sum())
        .isEqualTo((KEYS + 2) / 3);
    assertThat(sourceInfo.usedMemoryBytes()).isGreaterThan(50L * 1024 * 1024);
    assertThat(sourceInfo.maxmemoryPolicy()).isEqualTo("noeviction");
  }

  @Test
  void copy_everyKeyOfEveryType_reachesAVerifiedTarget() {
    try (RedisServer target = Servers.target()) {
      List<MigrationEvent.Progress> progress = new CopyOnWriteArrayList<>();
      List<RedisCopyState> journal = new CopyOnWriteArrayList<>();
      RedisCopyState copied = redis.copy(pinned(), target.connection(), Optional.empty(), false, journal::add,
          new MigrationListener() {
            @Override
            public void progress(MigrationEvent.Progress event) {
              progress.add(event);
            }
          });

      assertThat(copied.finished()).isTrue();
      assertThat(copied.keys()).isEqualTo(KEYS + 1);
      assertThat(copied.bytes()).isGreaterThan(50L * 1024 * 1024);
      assertThat(copied.certificatePin()).isEqualTo(source.certificatePin());
      assertThat(journal.get(journal.size() - 1)).isEqualTo(copied);
      assertThat(progress).anyMatch(p -> p.unit().equals("keys") && p.done() == KEYS + 1);
      assertThat(target.call("DBSIZE")).isEqualTo(String.valueOf(sourceInfo.keyspace().get(0).keys()));
      assertThat(target.call("STRLEN", RedisDataset.BIG_KEY)).isEqualTo(String.valueOf(50 * 1024 * 1024));
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
      assertThat(report.checks()).filteredOn(c -> c.kind().equals("redis-keys")).hasSize(3)
          .allMatch(c -> Long.parseLong(c.actual()) > KEYS / 4);
    }
  }

  @Test
  void copy_sourceConnectionKilledMidCopy_failsRetryablyThenResumesToAVerifiedTarget() {
    try (RedisServer target = Servers.target()) {
      AtomicReference<RedisCopyState> last = new AtomicReference<>();
      AtomicBoolean killed = new AtomicBoolean();
      MigrationListener killer = new MigrationListener() {
        @Override
        public void progress(MigrationEvent.Progress event) {
          if (event.unit().equals("keys") && event.done() > 100_000 && killed.compareAndSet(false, true)) {
            source.call("CLIENT", "KILL", "TYPE", "normal");
          }
        }
      };
      assertThatThrownBy(() -> redis.copy(pinned(), target.connection(), Optional.empty(), false, last::set, killer))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("lost the connection to the source Redis")
          .hasMessageContaining("127.0.0.1:" + source.tlsPort())
          .hasMessageNotContaining(Servers.SOURCE_PASSWORD.reveal())
          .satisfies(e -> assertThat(((MigrationException) e).retryable()).isTrue());
      RedisCopyState checkpoint = last.get();
      assertThat(checkpoint.finished()).isFalse();
      assertThat(checkpoint.keys()).isBetween(1L, (long) KEYS);

      RedisCopyState copied = redis.copy(pinned(), target.connection(), Optional.of(checkpoint), false, last::set,
          MigrationListener.NONE);
      assertThat(copied.finished()).isTrue();
      assertThat(copied.startedAtEpochMs()).isEqualTo(checkpoint.startedAtEpochMs());
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  @Test
  void copy_targetRunsOutOfMemoryMidCopy_failsNamingTheKeyThenResumesOnceItHasRoom() {
    try (RedisServer target = Servers.target("maxmemory-policy", "noeviction")) {
      AtomicReference<RedisCopyState> last = new AtomicReference<>();
      AtomicBoolean squeezed = new AtomicBoolean();
      MigrationListener squeeze = new MigrationListener() {
        @Override
        public void progress(MigrationEvent.Progress event) {
          if (event.unit().equals("keys") && event.done() > 50_000 && squeezed.compareAndSet(false, true)) {
            target.call("CONFIG", "SET", "maxmemory", "1mb");
          }
        }
      };
      assertThatThrownBy(() -> redis.copy(pinned(), target.connection(), Optional.empty(), false, last::set, squeeze))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("the target Redis (127.0.0.1:" + target.port() + ") refused db")
          .hasMessageContaining("out of memory")
          .hasMessageContaining("larger container size")
          .hasMessageNotContaining(Servers.TARGET_PASSWORD.reveal())
          .satisfies(e -> assertThat(((MigrationException) e).retryable()).isFalse());

      target.call("CONFIG", "SET", "maxmemory", "0");
      RedisCopyState copied = redis.copy(pinned(), target.connection(), Optional.of(last.get()), false, last::set,
          MigrationListener.NONE);
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  @Test
  void copy_targetMaxmemoryBelowTheSourcesData_refusesBeforeWritingAnything() {
    try (RedisServer target = Servers.target("maxmemory", "20mb")) {
      assertThatThrownBy(() -> redis.copy(pinned(), target.connection(), Optional.empty(), false, s -> {},
          MigrationListener.NONE))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("the target's maxmemory (20 MB) is smaller than the memory the source uses");
      assertThat(target.call("DBSIZE")).isEqualTo("0");
    }
  }

  @Test
  void copy_killedMidCopyInAChildJvm_resumesFromItsJournalToAVerifiedTarget(@TempDir Path dir) throws Exception {
    try (RedisServer target = Servers.target()) {
      Path journal = dir.resolve("journal.json");
      ProcessBuilder child = Servers.childJvm("512m", CopyMain.class, String.valueOf(source.tlsPort()),
          sourceInfo.certificatePin(), String.valueOf(target.port()), journal.toString())
          .redirectOutput(dir.resolve("child.log").toFile());
      Process process = child.start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (CopyMain.load(journal).map(RedisCopyState::keys).orElse(0L) < 50_000 && process.isAlive()
            && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      } finally {
        process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no last journal write
      }
      RedisCopyState checkpoint = CopyMain.load(journal).orElseThrow();
      assertThat(checkpoint.finished()).as(Files.readString(dir.resolve("child.log"))).isFalse();
      assertThat(checkpoint.keys()).isPositive();
      assertThat(checkpoint.certificatePin()).isEqualTo(source.certificatePin());
      assertThat(Files.readString(journal)).doesNotContain(Servers.SOURCE_PASSWORD.reveal())
          .doesNotContain(Servers.TARGET_PASSWORD.reveal());

      RedisCopyState copied = redis.copy(source.tlsConnection(), target.connection(), Optional.of(checkpoint), false,
          state -> CopyMain.save(journal, state), MigrationListener.NONE);
      assertThat(copied.finished()).isTrue();
      assertThat(CopyMain.load(journal)).contains(copied);
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  private RedisConnection pinned() {
    return source.tlsConnection().withCertificatePin(sourceInfo.certificatePin());
  }
}
