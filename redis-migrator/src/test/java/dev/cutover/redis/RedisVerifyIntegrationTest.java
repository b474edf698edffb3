package dev.cutover.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.testkit.process.ProcessLeakCheck;
import dev.cutover.testkit.redis.RedisDataset;
import dev.cutover.testkit.redis.RedisServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Verification's failures and TLS trust, on small datasets (each test fills its own source). */
@Tag("integration")
class RedisVerifyIntegrationTest {
  private final RedisMigrator redis = RedisMigrator.builder().connections(2).batchKeys(100).build();
  private ProcessLeakCheck leaks;

  @BeforeEach
  void snapshot() {
    leaks = ProcessLeakCheck.start();
  }

  @AfterEach
  void noLeaks() {
    leaks.assertNoLeaks();
  }

  @Test
  void verify_keysChangedAfterTheFence_failsNamingEachKeyAndDatabase_thenARecopyVerifies() {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      RedisDataset.fill(source, 3000, 0);
      RedisCopyState copied = copy(source, target);
      source.call("SET", RedisDataset.key(0), "changed after the fence");                 // db0, a string
      source.call("DEL", RedisDataset.key(1));                                            // db0, a list
      source.call("SADD", RedisDataset.key(2), "new member");                            // db0, a set
      source.call("PERSIST", RedisDataset.key(3));                                        // db0, a zset with a TTL
      source.call("SET", "written:after:fence", "x");                                // only on the source

      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);

      assertThat(report.passed()).isFalse();
      assertThat(report.mismatches()).extracting(VerificationReport.Check::name).contains(
          "db0 \"string:0\"", "db0 \"list:1\"", "db0 \"set:2\"", "db0 \"zset:3\"", "db0 \"written:after:fence\"");
      assertThat(report.describeMismatches())
          .contains("value differs")
          .contains("only on the target")
          .contains("TTL none on the source")
          .contains("missing on the target");
      assertThat(report.mismatches()).noneMatch(c -> c.name().startsWith("db1") || c.name().startsWith("db2"));

      RedisCopyState again = redis.copy(source.tlsConnection(), target.connection(), Optional.empty(), true, s -> {},
          MigrationListener.NONE);
      VerificationReport after = redis.verify(source.tlsConnection(), target.connection(), again);
      assertThat(after.passed()).as(after.describeMismatches()).isTrue();
    }
  }

  @Test
  void copy_resumingAfterTheSourceRestarted_copiesEverythingAgainWithAWarning() {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      RedisDataset.fill(source, 3000, 0);
      RedisCopyState first = copy(source, target);
      RedisCopyState.Database db1 = first.database(1).orElseThrow();
      // as journalled mid-copy by a server process that has since restarted: its cursors mean nothing now
      RedisCopyState stale = new RedisCopyState("a-previous-run-id", first.targetRunId(), first.certificatePin(),
          first.startedAtEpochMs(), 0, List.of(new RedisCopyState.Database(0, "0", true, 1000, 1, 0),
              new RedisCopyState.Database(1, "1234", false, 10, 1, 0), db1));
      List<String> warnings = new ArrayList<>();
      RedisCopyState resumed = redis.copy(source.tlsConnection(), target.connection(), Optional.of(stale), false,
          s -> {}, new MigrationListener() {
            @Override
            public void warning(MigrationEvent.Warning event) {
              warnings.add(event.message());
            }
          });
      assertThat(warnings).singleElement().asString().contains("run_id changed").contains("from the start");
      assertThat(resumed.keys()).isEqualTo(first.keys());
      assertThat(resumed.sourceRunId()).isEqualTo(first.sourceRunId());
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), resumed);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  /**
   * A 160 MB key copied and verified in a JVM whose heap (288 MB) could not hold its payload twice:
   * the copy streams it in chunks and verification digests its DUMP payload as it arrives.
   */
  @Test
  void copyAndVerify_aKeyLargerThanHalfTheHeap_succeedWithoutHoldingItTwice(@TempDir Path dir) throws Exception {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      RedisDataset.fill(source, 1000, 160);
      ProcessBuilder child = Servers.childJvm("288m", CopyMain.class, String.valueOf(source.tlsPort()),
          source.certificatePin(), String.valueOf(target.port()), dir.resolve("journal.json").toString(), "verify")
          .redirectOutput(dir.resolve("child.log").toFile());
      Process process = child.start();
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(dir.resolve("child.log"))).isZero();
      assertThat(target.call("STRLEN", RedisDataset.BIG_KEY)).isEqualTo(String.valueOf(160 * 1024 * 1024));
    }
  }

  /**
   * Strings of a chunk or more are streamed ({@code GETRANGE} into {@code SETRANGE}, the last chunk
   * first): each lands whole, its bytes in place, with its TTL.
   */
  @Test
  void copy_stringsOfAChunkOrMore_streamedInChunks_arriveWholeWithTheirTtl() {
    int chunk = dev.cutover.redis.internal.CopyWorker.CHUNK_BYTES;
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      RedisDataset.fill(source, 100, 0);
      source.call("SET", "blob:ttl", blocks(2 * chunk + 1), "PX", "3600000");   // three chunks, the last 1 byte
      source.call("SET", "blob:exact", blocks(chunk));                         // one chunk
      RedisCopyState copied = copy(source, target);

      assertThat(target.call("INFO", "commandstats")).contains("cmdstat_setrange:calls=4,");
      assertThat(target.call("STRLEN", "blob:ttl")).isEqualTo(String.valueOf(2 * chunk + 1));
      assertThat(target.call("GETRANGE", "blob:ttl", String.valueOf(chunk - 2), String.valueOf(chunk + 1)))
          .isEqualTo(source.call("GETRANGE", "blob:ttl", String.valueOf(chunk - 2), String.valueOf(chunk + 1)));
      assertThat(Long.parseLong(target.call("PTTL", "blob:ttl"))).isBetween(3_500_000L, 3_600_000L);
      assertThat(target.call("PTTL", "blob:exact")).isEqualTo("-1");
      assertThat(copied.bytes()).isGreaterThan(3L * chunk);
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  @Test
  void copy_intoANonEmptyTarget_refusesUnlessAskedToReplace() {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      RedisDataset.fill(source, 100, 0);
      target.call("SET", "already", "here");
      assertThatThrownBy(() -> copy(source, target))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("the target Redis is not empty (1 keys in [db0])");
      assertThat(target.call("GET", "already")).isEqualTo("here");
    }
  }

  @Test
  void verify_equalValuesEncodedDifferently_passesByLogicalDigest_andAChangedMemberFails() {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      String[] members = new String[600];
      for (int i = 0; i < members.length; i++) {
        members[i] = String.valueOf(i);
      }
      source.call(concat("SADD", "shrunk", members));      // a hashtable set (over 512 integers) ...
      for (int i = 3; i < members.length; i++) {
        source.call("SREM", "shrunk", members[i]);         // ... left with 3: restored as an intset
      }
      source.call(concat("HSET", "wide", pairs(2000)));    // a hashtable hash: iteration order differs
      RedisCopyState copied = copy(source, target);
      assertThat(source.call("OBJECT", "ENCODING", "shrunk")).isEqualTo("hashtable");
      assertThat(target.call("OBJECT", "ENCODING", "shrunk")).isEqualTo("intset");

      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();

      target.call("HSET", "wide", "f1999", "changed on the target");
      VerificationReport changed = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(changed.mismatches()).filteredOn(c -> c.kind().equals("redis-key"))
          .extracting(VerificationReport.Check::name).containsExactly("db0 \"wide\"");
      assertThat(changed.mismatches()).extracting(VerificationReport.Check::kind).containsOnly("redis-keys", "redis-key");
    }
  }

  @Test
  void copy_keysExpiringDuringTheCopy_areNotResurrected() throws InterruptedException {
    try (RedisServer source = Servers.source(); RedisServer target = Servers.target()) {
      for (int i = 0; i < 2000; i++) {
        source.call("SET", "short:" + i, "v", "PX", String.valueOf(1 + i % 400));
      }
      RedisDataset.fill(source, 2000, 0);
      RedisCopyState copied = redis.copy(source.tlsConnection(), target.connection(), Optional.empty(), false, s -> {},
          MigrationListener.NONE);
      Thread.sleep(500);
      assertThat(target.call("KEYS", "short:*")).isEmpty();
      assertThat(copied.databases().stream().mapToLong(RedisCopyState.Database::expired).sum()
          + copied.keys()).isGreaterThanOrEqualTo(2000);
      VerificationReport report = redis.verify(source.tlsConnection(), target.connection(), copied);
      assertThat(report.passed()).as(report.describeMismatches()).isTrue();
    }
  }

  @Test
  void copy_sourceShowingAnotherCertificateThanThePinned_refusesToConnect() {
    try (RedisServer source = Servers.source(); RedisServer other = Servers.source();
        RedisServer target = Servers.target()) {
      RedisDataset.fill(source, 10, 0);
      assertThatThrownBy(() -> redis.copy(source.tlsConnection().withCertificatePin(other.certificatePin()),
          target.connection(), Optional.empty(), false, s -> {}, MigrationListener.NONE))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("cannot connect to the source Redis (127.0.0.1:" + source.tlsPort())
          .hasMessageContaining("is not the pinned one (SHA-256 " + other.certificatePin() + ")")
          .hasMessageNotContaining(Servers.SOURCE_PASSWORD.reveal());
      assertThat(target.call("DBSIZE")).isEqualTo("0");
    }
  }

  @Test
  void describe_pinsTheCertificateForItsOwnConnectionsOnly_theJvmStillRejectsIt() throws Exception {
    try (RedisServer source = Servers.source()) {
      assertThat(redis.describe(source.tlsConnection()).certificatePin()).isEqualTo(source.certificatePin());
      try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory()
          .createSocket("127.0.0.1", source.tlsPort())) {
        assertThatThrownBy(socket::startHandshake).isInstanceOf(SSLHandshakeException.class);
      }
    }
  }

  @Test
  void describe_urlWithAUserTheServerLacks_authenticatesWithThePasswordAlone() {
    try (RedisServer source = Servers.source()) {
      RedisConnection legacy = RedisConnection.parse(Secret.of("rediss://h:" + Servers.SOURCE_PASSWORD.reveal()
          + "@127.0.0.1:" + source.tlsPort()));
      assertThat(redis.describe(legacy).version()).isNotEmpty();
      RedisConnection wrong = RedisConnection.parse(Secret.of("rediss://h:wrong@127.0.0.1:" + source.tlsPort()));
      assertThatThrownBy(() -> redis.describe(wrong)).isInstanceOf(MigrationException.class)
          .hasMessageContaining("WRONGPASS").hasMessageContaining("Check the URL's password");
    }
  }

  private RedisCopyState copy(RedisServer source, RedisServer target) {
    return redis.copy(source.tlsConnection(), target.connection(), Optional.empty(), false, s -> {},
        MigrationListener.NONE);
  }

  private static String[] concat(String command, String key, String... rest) {
    String[] all = new String[rest.length + 2];
    all[0] = command;
    all[1] = key;
    System.arraycopy(rest, 0, all, 2, rest.length);
    return all;
  }

  /** {@code n} bytes of 1000-byte runs of one letter each, so a chunk written at the wrong offset shows. */
  private static String blocks(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + (i / 1000) % 26));
    }
    return sb.toString();
  }

  private static String[] pairs(int n) {
    String[] p = new String[2 * n];
    for (int i = 0; i < n; i++) {
      p[2 * i] = "f" + i;
      p[2 * i + 1] = "v" + i;
    }
    return p;
  }
}
