package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.ApiException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.heroku.internal.PlatformApi;
import java.time.Duration;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Wire-level behaviour of the Platform API client against MockWebServer. */
class PlatformApiTest {
  private static final PlatformApi.Context CTX = new PlatformApi.Context("heroku.test", "example-app");
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime();
  private PlatformApi api;

  @BeforeEach
  void start() throws Exception {
    server.start();
    api = new PlatformApi(new OkHttpClient(), server.url("/"), Secret.of("token-abc-123"), "cutover/1.2.3", time, time,
        Redactor.create());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  @Test
  void get_anyRequest_sendsHerokuHeaders() throws Exception {
    server.enqueue(json(200, "{\"name\":\"example-app\"}"));

    api.get(CTX, "apps/example-app", Map.of());

    RecordedRequest r = server.takeRequest();
    assertThat(r.getHeaders().get("Accept")).isEqualTo("application/vnd.heroku+json; version=3");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer token-abc-123");
    assertThat(r.getHeaders().get("User-Agent")).isEqualTo("cutover/1.2.3");
    assertThat(r.getHeaders().get("Request-Id")).matches("[0-9a-f-]{36}");
  }

  @Test
  void list_nextRangeThatDoesNotAdvance_failsInsteadOfLooping() {
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(206).addHeader("Content-Type", "application/json")
          .addHeader("Next-Range", "id ]abc..; max=1").body("[{\"id\":\"abc\"}]").build());
    }

    assertThatThrownBy(() -> api.list(CTX, "apps/example-app/domains", Map.of(), null))
        .isInstanceOf(ApiException.class).hasMessageContaining("Next-Range did not advance");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void list_206WithNextRange_followsItVerbatim() throws Exception {
    server.enqueue(new MockResponse.Builder().code(206).addHeader("Content-Type", "application/json")
        .addHeader("Next-Range", "id ]a..; max=1").body("[{\"id\":\"a\"}]").build());
    server.enqueue(json(200, "[{\"id\":\"b\"}]"));

    assertThat(api.list(CTX, "apps/example-app/domains", Map.of(), null)).hasSize(2);
    server.takeRequest();
    assertThat(server.takeRequest().getHeaders().get("Range")).isEqualTo("id ]a..; max=1");
  }

  @Test
  void send_nonIdempotentPostAnswered500_isNotRetried() {
    server.enqueue(json(500, "{\"id\":\"internal_server_error\",\"message\":\"boom\"}"));
    server.enqueue(json(200, "{}"));

    assertThatThrownBy(() -> api.send(CTX, "POST", "apps/example-app/things", Map.of("a", 1), false))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(500));
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void get_connectionDroppedOnce_retriesAfterBackoff() {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket(true, false, false)).build());
    server.enqueue(json(200, "{\"ok\":true}"));

    assertThat(api.get(CTX, "apps/example-app", Map.of()).path("ok").asBoolean()).isTrue();
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1));
  }

  @Test
  void get_429WithHttpDateRetryAfter_waitsUntilThatDate() {
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Content-Type", "application/json")
        .addHeader("Retry-After", "Thu, 01 Jan 2026 00:00:30 GMT")
        .body("{\"id\":\"rate_limit\",\"message\":\"Your account reached the API rate limit\"}").build());
    server.enqueue(json(200, "{}"));

    api.get(CTX, "apps/example-app", Map.of());

    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void get_errorWithoutJsonBody_keepsStatusAndRequestId() {
    server.enqueue(new MockResponse.Builder().code(502).addHeader("Request-Id", "req-42").body("<html>bad gateway</html>")
        .build());
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(502).addHeader("Request-Id", "req-42").body("<html/>").build());
    }

    assertThatThrownBy(() -> api.get(CTX, "apps/example-app", Map.of()))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(502);
          assertThat(e.requestId()).contains("req-42");
          assertThat(e.retryable()).isTrue();
        });
  }
}
