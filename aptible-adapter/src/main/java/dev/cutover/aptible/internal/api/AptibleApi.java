package dev.cutover.aptible.internal.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.ApiException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Poller;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import dev.cutover.core.WaitTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few Aptible Deploy API calls the SDK makes instead of the CLI, because they carry secrets
 * that the CLI only takes in argv (reference {@code aptible.md} §8): the handle lookup
 * {@code GET /find/app}, {@code POST /apps/{id}/operations} for {@code configure} and
 * {@code deploy}, and {@code GET /operations/{id}} polled every second until the operation ends.
 *
 * <p>HAL+JSON answers, JSON request bodies, {@code Authorization: Bearer} with the CLI's own token.
 * Secret values travel only in request bodies over HTTPS (plain HTTP is refused except to a loopback
 * address, for local fakes); nothing here logs a body. Every failure is an {@link ApiException}
 * whose message names the step, the call and what to do; API messages are redacted. A POST is never
 * retried (it could start a second operation); GETs are retried on 5xx and connection failures.
 * Not API. Thread-safe.
 */
public final class AptibleApi {
  private static final Logger LOG = LoggerFactory.getLogger(AptibleApi.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final String ACCEPT = "application/hal+json, application/json";
  private static final Duration POLL_EVERY = Duration.ofSeconds(1);
  private static final int GET_ATTEMPTS = 3;
  private static final Set<String> RUNNING = Set.of("queued", "running");

  private final OkHttpClient http;
  private final HttpUrl base;
  private final Optional<Secret> token;
  private final Redactor redactor;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration operationTimeout;

  /**
   * @param base the API root, already checked with {@link #checkBaseUrl}
   * @param token the CLI's token; when empty every call fails with advice to log in
   */
  public AptibleApi(OkHttpClient http, HttpUrl base, Optional<Secret> token, Redactor redactor, Clock clock,
      Sleeper sleeper, Duration operationTimeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.base = Objects.requireNonNull(base, "base");
    this.token = Objects.requireNonNull(token, "token");
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.operationTimeout = Objects.requireNonNull(operationTimeout, "operationTimeout");
  }

  /**
   * What is wrong with {@code url} as an API root, or empty when it is usable: it must be an
   * absolute {@code https} URL, or {@code http} to a loopback address (a local fake).
   */
  public static Optional<String> checkBaseUrl(String url) {
    HttpUrl parsed = url == null ? null : HttpUrl.parse(url);
    if (parsed == null) {
      return Optional.of("is not an http(s) URL");
    }
    if (!parsed.isHttps() && !isLoopback(parsed.host())) {
      return Optional.of("is plain http to a non-loopback host; secrets would travel in the clear");
    }
    return Optional.empty();
  }

  /** {@code url} parsed; call {@link #checkBaseUrl} first. */
  public static HttpUrl parseBaseUrl(String url) {
    return Objects.requireNonNull(HttpUrl.parse(url), "url");
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An operation as the API reports it. */
  public record Operation(long id, String type, String status) {}

  /**
   * The id of app {@code handle} in {@code environment} ({@code GET /find/app}).
   *
   * @throws ApiException 404 when there is no such app, or any other API failure
   */
  public long findApp(String step, String handle, String environment) {
    HttpUrl url = base.newBuilder().addPathSegments("find/app").addQueryParameter("handle", handle)
        .addQueryParameter("environment", environment).build();
    JsonNode app = get(step, url, "app " + handle + " in environment " + environment);
    if (!app.path("id").canConvertToLong()) {
      throw new ApiException(step, step + ": GET /find/app answered without an app id (app " + handle
          + " in environment " + environment + ")", 200, null, null, "GET", "/find/app", false, null);
    }
    return app.get("id").asLong();
  }

  /**
   * Sets (or, with an empty value, unsets) {@code env} on app {@code appId} in one
   * {@code configure} operation and waits for it to end. Blocks.
   *
   * @return the succeeded operation
   * @throws ApiException when the API refuses or the operation fails
   * @throws WaitTimeoutException when it does not end within the operation timeout
   */
  public Operation configure(String step, long appId, Map<String, Secret> env) {
    ObjectNode body = MAPPER.createObjectNode().put("type", "configure");
    ObjectNode vars = body.putObject("env");
    env.forEach((k, v) -> vars.put(k, v.reveal()));
    return await(step, post(step, "apps/" + appId + "/operations", body));
  }

  /**
   * Deploys Docker {@code image} on app {@code appId} and waits for it. The body is what CLI 0.26.6
   * sends for {@code aptible deploy --docker-image I --private-registry-username U
   * --private-registry-password P} (read from its {@code subcommands/deploy.rb}):
   * {@code {"type":"deploy","settings":{"APTIBLE_DOCKER_IMAGE":I},"sensitive_settings":
   * {"APTIBLE_PRIVATE_REGISTRY_USERNAME":U,"APTIBLE_PRIVATE_REGISTRY_PASSWORD":P}}}. That the API
   * accepts the same body from other clients is inferred from the CLI, not documented by Aptible.
   * Blocks.
   *
   * @throws ApiException when the API refuses or the operation fails
   * @throws WaitTimeoutException when it does not end within the operation timeout
   */
  public Operation deployImage(String step, long appId, String image, Optional<String> registryUser,
      Optional<Secret> registryPassword) {
    ObjectNode body = MAPPER.createObjectNode().put("type", "deploy");
    body.putObject("settings").put("APTIBLE_DOCKER_IMAGE", image);
    if (registryUser.isPresent() || registryPassword.isPresent()) {
      ObjectNode sensitive = body.putObject("sensitive_settings");
      registryUser.ifPresent(u -> sensitive.put("APTIBLE_PRIVATE_REGISTRY_USERNAME", u));
      registryPassword.ifPresent(p -> sensitive.put("APTIBLE_PRIVATE_REGISTRY_PASSWORD", p.reveal()));
    }
    return await(step, post(step, "apps/" + appId + "/operations", body));
  }

  /** Polls {@code GET /operations/{id}} every second until it is neither queued nor running. */
  Operation await(String step, Operation started) {
    HttpUrl url = base.newBuilder().addPathSegments("operations/" + started.id()).build();
    Operation done = Poller.of(clock, sleeper, POLL_EVERY, operationTimeout).until(
        "Aptible operation #" + started.id() + " (" + started.type() + ")",
        () -> operation(get(step, url, "operation #" + started.id())), o -> !RUNNING.contains(o.status()),
        o -> "status " + o.status());
    if (!done.status().equals("succeeded")) {
      throw new ApiException(step, step + ": Aptible operation #" + done.id() + " (" + done.type() + ") ended "
          + done.status() + " (GET /operations/" + done.id() + "). See its logs with 'aptible operation:logs "
          + done.id() + "', fix the cause, then retry.", 200, "operation_" + done.status(), null, "GET",
          "/operations/" + done.id(), true, null);
    }
    LOG.info("{}: Aptible operation #{} ({}) succeeded", step, done.id(), done.type());
    return done;
  }

  private static Operation operation(JsonNode node) {
    return new Operation(node.path("id").asLong(), node.path("type").asText("?"), node.path("status").asText("?"));
  }

  private Operation post(String step, String path, ObjectNode body) {
    HttpUrl url = base.newBuilder().addPathSegments(path).build();
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("request body is not serialisable", e);
    }
    LOG.debug("{}: POST {} ({} operation)", step, url.encodedPath(), body.path("type").asText());
    Operation op = operation(call(step, "POST", url, RequestBody.create(bytes, JSON), "app #" + path.split("/")[1],
        false));
    if (op.id() <= 0) {
      throw new ApiException(step, step + ": POST " + url.encodedPath() + " answered without an operation id",
          201, null, null, "POST", url.encodedPath(), false, null);
    }
    return op;
  }

  private JsonNode get(String step, HttpUrl url, String what) {
    return call(step, "GET", url, null, what, true);
  }

  private JsonNode call(String step, String method, HttpUrl url, RequestBody body, String what, boolean retry) {
    Secret bearer = token.orElseThrow(() -> new ApiException(step, step + ": no Aptible token for " + method + " "
        + url.encodedPath() + ". Run 'aptible login' or set APTIBLE_ACCESS_TOKEN (or pass "
        + "AptibleClient.builder().accessToken(...)).", 401, "no_token", null, method, url.encodedPath(), false,
        null));
    Request request = new Request.Builder().url(url).method(method, body).header("Accept", ACCEPT)
        .header("Authorization", "Bearer " + bearer.reveal()).header("Prefer", "no_sensitive_extras=true")
        .header("User-Agent", "cutover").build();
    String path = url.encodedPath();
    for (int attempt = 1; ; attempt++) {
      try (Response response = http.newCall(request).execute()) {
        String text = response.body().string();
        int status = response.code();
        if (status >= 500 && retry && attempt < GET_ATTEMPTS) {
          LOG.info("{}: {} {} answered {}; retrying", step, method, path, status);
          pause(step, attempt);
          continue;
        }
        if (status >= 400) {
          throw error(step, method, path, status, text, response.header("X-Request-Id"), what);
        }
        try {
          return text.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
          throw new ApiException(step, step + ": " + method + " " + path + " answered " + status
              + " with a body that is not JSON", status, null, null, method, path, false, null);
        }
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw MigrationCancelledException.interrupted(step, new InterruptedException(e.getMessage()));
        }
        if (!retry || attempt >= GET_ATTEMPTS) {
          throw noAnswer(step, method, path, e, retry);
        }
      } catch (IOException e) {
        if (!retry || attempt >= GET_ATTEMPTS) {
          throw noAnswer(step, method, path, e, retry);
        }
      }
      pause(step, attempt);
    }
  }

  private void pause(String step, int attempt) {
    try {
      sleeper.sleep(Duration.ofSeconds(attempt));
    } catch (InterruptedException e) {
      throw MigrationCancelledException.interrupted(step, e);
    }
  }

  private ApiException noAnswer(String step, String method, String path, IOException e, boolean retried) {
    return new ApiException(step, step + ": " + method + " " + path + " failed: "
        + redactor.redact(String.valueOf(e.getMessage())) + " (no answer from " + base.host()
        + (retried ? " after " + GET_ATTEMPTS + " attempts" : "; not retried, it could start a second operation")
        + "). Check the network and the API URL, then retry.", 0, null, null, method, path, true, e);
  }

  private ApiException error(String step, String method, String path, int status, String text, String requestId,
      String what) {
    String errorId = null;
    String message = null;
    try {
      JsonNode json = MAPPER.readTree(text);
      if (json != null && json.isObject()) {
        errorId = json.path("error").isTextual() ? json.get("error").asText() : null;
        message = json.path("message").isTextual() ? json.get("message").asText() : null;
      }
    } catch (IOException notJson) {
      message = null;
    }
    String fix = switch (status) {
      case 401 -> "The Aptible token was rejected: run 'aptible login' or set APTIBLE_ACCESS_TOKEN to a valid token.";
      case 403 -> "This token's user may not do this in the environment; use an account with deploy rights.";
      case 404 -> "Not found: " + what + ". Check the handle and the environment.";
      default -> status >= 500 ? "Aptible had a server error; retry later (https://status.aptible.com)."
          : "Fix the request as the message says, then retry.";
    };
    String msg = step + ": Aptible API " + (message == null ? "error" : "error: " + redactor.redact(message)) + " ("
        + status + (errorId == null ? "" : " " + errorId) + ", " + method + " " + path
        + (requestId == null ? "" : ", request id " + requestId) + "). " + fix;
    return new ApiException(step, msg, status, errorId, requestId, method, path, status >= 500, null);
  }

  @Override
  public String toString() {
    return "AptibleApi[" + base + "]";
  }
}
