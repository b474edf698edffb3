package dev.cutover.testkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.core.Secret;
import dev.cutover.testkit.process.ProcessLeakCheck;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class RedisServerTest {
  @BeforeEach
  void requireRedis() {
    boolean present = RedisServer.isAvailable();
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true but redis-server is not on the PATH (.ci/run installs it)");
    }
    assumeTrue(present, "needs redis-server on the PATH");
  }

  @Test
  void start_tlsAndPassword_servesBothPortsWithTheAdvertisedCertificate_andStopsOnClose() throws Exception {
    ProcessLeakCheck leaks = ProcessLeakCheck.start();
    RedisServer server = RedisServer.builder().password(Secret.of("pw-canary-77")).tls().config("maxmemory", "64mb")
        .start();
    try {
      assertThat(server.call("SET", "k", "v")).isEqualTo("OK");
      assertThat(server.call("CONFIG", "GET", "maxmemory")).isEqualTo("maxmemory\n67108864");
      assertThat(server.call("CONFIG", "GET", "save")).isEqualTo("save\n");
      assertThat(ProcessHandle.of(server.pid()).orElseThrow().info().commandLine().orElse(""))
          .doesNotContain("pw-canary-77");
      assertThat(server.tlsConnection().tls()).isTrue();
      assertThat(presentedFingerprint(server.tlsPort())).isEqualTo(server.certificatePin());
      assertThatThrownBy(() -> server.call("NOSUCHCOMMAND")).hasMessageContaining("unknown command");
    } finally {
      server.close();
    }
    assertThat(ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    leaks.assertNoLeaks();
  }

  private static String presentedFingerprint(int port) throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    X509TrustManager capture = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.set(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {capture}, null);
    try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
    }
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(seen.get().getEncoded());
    return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
  }
}
