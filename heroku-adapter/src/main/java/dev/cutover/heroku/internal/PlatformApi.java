package dev.cutover.heroku.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.ApiException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON over HTTP to the Heroku Platform API (and the Postgres data API, which takes the same
 * token): the standard headers, Range pagination, rate-limit pacing and retries. Thread-safe.
 */
public final class PlatformApi {
  private static final Logger LOG = LoggerFactory.getLogger(PlatformApi.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  /** The pool refills at about 75 tokens a minute: one token every 800 ms. */
  private static final Duration TOKEN_REFILL = Duration.ofMillis(800);
  private static final int LOW_WATERMARK = 10;
  private static final int MAX_RATE_LIMIT_RETRIES = 6;
  private static final int MAX_ATTEMPTS = 4;
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_WAIT = Duration.ofMinutes(5);
  private static final int MAX_PAGES = 10_000;
  /** The first {@code Range} of a list read whole: Heroku's largest page, as the CLI asks for domains. */
  public static final String FULL_PAGES = "id ..; max=1000;";

  static final ObjectMapper MAPPER = new ObjectMapper();

  private final OkHttpClient http;
  private final HttpUrl base;
  private final Secret token;
  private final String userAgent;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Redactor redactor;
  private volatile int lastRemaining = Integer.MAX_VALUE;

  /** @param base the API root, e.g. {@code https://api.heroku.com} */
  public PlatformApi(OkHttpClient http, HttpUrl base, Secret token, String userAgent, Clock clock, Sleeper sleeper,
      Redactor redactor) {
    this.http = Objects.requireNonNull(http, "http");
    this.base = Objects.requireNonNull(base, "base");
    this.token = Objects.requireNonNull(token, "token");
    this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  /** The same API settings against another root (the data API). */
  public PlatformApi withBase(HttpUrl otherBase) {
    return new PlatformApi(http, otherBase, token, userAgent, clock, sleeper, redactor);
  }

  /** What a call is about, for error messages: the operation and the app (may be empty). */
  public record Context(String step, String app) {
    public Context {
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(app, "app");
    }
  }

  /** GET of one JSON document. */
  public JsonNode get(Context ctx, String path, Map<String, String> headers) {
    return call(ctx, "GET", path, null, true, headers).body();
  }

  /** GET of a whole list in pages of 1000 ({@link #FULL_PAGES}), following {@code Next-Range} while the answer is 206. */
  public List<JsonNode> list(Context ctx, String path, Map<String, String> headers) {
    return list(ctx, path, headers, FULL_PAGES);
  }

  /**
   * GET of the first page of a list only, e.g. the newest releases with
   * {@code version ..; max=10, order=desc}: one request however long the list is.
   */
  public List<JsonNode> page(Context ctx, String path, Map<String, String> headers, String range) {
    Map<String, String> pageHeaders = new java.util.LinkedHashMap<>(headers);
    pageHeaders.put("Range", range);
    Reply reply = call(ctx, "GET", path, null, true, pageHeaders);
    if (!reply.body().isArray()) {
      throw new ApiException(ctx.step(), ctx.step() + ": expected a JSON list from GET " + path
          + " (status " + reply.status() + ")", reply.status(), null, reply.requestId(), "GET", path, false, null);
    }
    List<JsonNode> out = new ArrayList<>();
    reply.body().forEach(out::add);
    return out;
  }

  /**
   * GET of a list, following {@code Next-Range} while the answer is 206.
   *
   * @param firstRange the {@code Range} of the first request, or null for none (a list Heroku never pages)
   */
  public List<JsonNode> list(Context ctx, String path, Map<String, String> headers, String firstRange) {
    List<JsonNode> all = new ArrayList<>();
    Set<String> rangesSent = new HashSet<>();
    String range = firstRange;
    for (int page = 0; page < MAX_PAGES; page++) {
      Map<String, String> pageHeaders = new java.util.LinkedHashMap<>(headers);
      if (range != null) {
        pageHeaders.put("Range", range);
        rangesSent.add(range);
      }
      Reply reply = call(ctx, "GET", path, null, true, pageHeaders);
      if (!reply.body().isArray()) {
        throw new ApiException(ctx.step(), ctx.step() + ": expected a JSON list from GET " + path
            + " (status " + reply.status() + ")", reply.status(), null, reply.requestId(), "GET", path, false, null);
      }
      reply.body().forEach(all::add);
      String next = reply.nextRange();
      if (reply.status() != 206 || next == null || next.isBlank()) {
        return all;
      }
      if (rangesSent.contains(next)) {
        throw new ApiException(ctx.step(), ctx.step() + ": the API's Next-Range did not advance (GET " + path
            + ", Next-Range '" + next + "' was already requested); stopping instead of looping forever",
            reply.status(), null, reply.requestId(), "GET", path, false, null);
      }
      range = next;
    }
    throw new ApiException(ctx.step(), ctx.step() + ": more than " + MAX_PAGES + " pages from GET " + path,
        206, null, null, "GET", path, false, null);
  }

  /** A request with a JSON body; retried on 5xx and connection failures only when {@code idempotent}. */
  public JsonNode send(Context ctx, String method, String path, Object body, boolean idempotent) {
    return send(ctx, method, path, body, idempotent, Map.of());
  }

  /** {@link #send(Context, String, String, Object, boolean)} with extra headers (e.g. {@code Accept-Inclusion}). */
  public JsonNode send(Context ctx, String method, String path, Object body, boolean idempotent,
      Map<String, String> headers) {
    return call(ctx, method, path, body, idempotent, headers).body();
  }

  /** The last {@code RateLimit-Remaining} the API reported, or empty before any answer. */
  public java.util.OptionalInt lastRateLimitRemaining() {
    int r = lastRemaining;
    return r == Integer.MAX_VALUE ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(r);
  }

  record Reply(int status, JsonNode body, String nextRange, String requestId) {}

  private Reply call(Context ctx, String method, String relativePath, Object body, boolean idempotent,
      Map<String, String> headers) {
    HttpUrl url = resolve(relativePath);
    String path = url.encodedPath();
    int failures = 0;
    int rateLimited = 0;
    while (true) {
      paceForRateLimit();
      Request request = buildRequest(method, url, body, headers);
      String sentId = request.header("Request-Id");
      try (Response response = http.newCall(request).execute()) {
        noteRemaining(response);
        String requestId = firstNonNull(response.header("Request-Id"), sentId);
        int status = response.code();
        String text = response.body().string();
        if (status == 429 && rateLimited < MAX_RATE_LIMIT_RETRIES) {
          Duration wait = retryAfter(response).orElse(backoff(rateLimited));
          if (wait.compareTo(MAX_WAIT) > 0) {
            throw error(ctx, method, path, status, text, requestId, ", Retry-After " + wait.toSeconds() + " s");
          }
          rateLimited++;
          LOG.info("{}: rate limited on {} {}; waiting {} as Retry-After asks", ctx.step(), method, path, wait);
          sleep(ctx, wait);
          // The wait refilled the pool; the next answer says how much is left.
          lastRemaining = Integer.MAX_VALUE;
          continue;
        }
        if (status >= 500 && idempotent && ++failures < MAX_ATTEMPTS) {
          Duration wait = backoff(failures - 1);
          LOG.info("{}: {} {} answered {}; retrying in {}", ctx.step(), method, path, status, wait);
          sleep(ctx, wait);
          continue;
        }
        if (status >= 400) {
          throw error(ctx, method, path, status, text, requestId, "");
        }
        JsonNode json = text.isBlank() ? MAPPER.nullNode() : parse(ctx, method, path, status, text, requestId);
        return new Reply(status, json, response.header("Next-Range"), requestId);
      } catch (InterruptedIOException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw MigrationCancelledException.interrupted(ctx.step(), new InterruptedException(e.getMessage()));
        }
        failures = connectionFailure(ctx, method, path, idempotent, failures, e);
      } catch (IOException e) {
        failures = connectionFailure(ctx, method, path, idempotent, failures, e);
      }
    }
  }

  private int connectionFailure(Context ctx, String method, String path, boolean idempotent, int failures,
      IOException e) {
    int next = failures + 1;
    if (!idempotent || next >= MAX_ATTEMPTS) {
      throw new ApiException(ctx.step(), ctx.step() + ": " + method + " " + path + " failed: "
          + redactor.redact(String.valueOf(e.getMessage())) + " (no answer from " + base.host()
          + (idempotent ? " after " + next + " attempts" : "; not retried because the request is not idempotent")
          + "). Check the network and the API URL.", 0, null, null, method, path, true, e);
    }
    Duration wait = backoff(next - 1);
    LOG.info("{}: {} {} failed ({}); retrying in {}", ctx.step(), method, path, e.getClass().getSimpleName(), wait);
    sleep(ctx, wait);
    return next;
  }

  private Request buildRequest(String method, HttpUrl url, Object body, Map<String, String> headers) {
    Request.Builder b = new Request.Builder().url(url)
        .header("Accept", "application/vnd.heroku+json; version=3")
        .header("Authorization", "Bearer " + token.reveal())
        .header("User-Agent", userAgent)
        .header("Request-Id", UUID.randomUUID().toString());
    headers.forEach(b::header);
    RequestBody requestBody = null;
    if (body != null) {
      try {
        requestBody = RequestBody.create(MAPPER.writeValueAsBytes(body), JSON);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalArgumentException("request body is not serialisable", e);
      }
    } else if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("DELETE")) {
      requestBody = RequestBody.create(new byte[0], JSON);
    }
    return b.method(method, requestBody).build();
  }

  private HttpUrl resolve(String path) {
    HttpUrl url = base.resolve(path);
    if (url == null) {
      throw new IllegalArgumentException("bad API path: " + path);
    }
    return url;
  }

  private JsonNode parse(Context ctx, String method, String path, int status, String text, String requestId) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new ApiException(ctx.step(), ctx.step() + ": " + method + " " + path + " answered " + status
          + " with a body that is not JSON", status, null, requestId, method, path, false, null);
    }
  }

  private ApiException error(Context ctx, String method, String path, int status, String text, String requestId,
      String moreFacts) {
    String id = null;
    String message = null;
    try {
      JsonNode json = MAPPER.readTree(text);
      if (json != null && json.isObject()) {
        id = json.path("id").isTextual() ? json.get("id").asText() : null;
        message = json.path("message").isTextual() ? json.get("message").asText() : null;
      }
    } catch (IOException notJson) {
      message = null;
    }
    String facts = "(" + status + (id == null ? "" : " " + id) + ", " + method + " " + path
        + (requestId == null ? "" : ", request id " + requestId) + moreFacts + ")";
    String what = message == null ? "Heroku API error" : redactor.redact(message);
    String fix;
    if (status == 401) {
      fix = "The Heroku API token was rejected. Create a new one with `heroku authorizations:create` (or copy it "
          + "from `heroku auth:token`) and pass it as HEROKU_API_KEY or HerokuClient.builder().apiKey(...).";
    } else if (status == 404 && !ctx.app().isEmpty() && path.equals("/apps/" + ctx.app())) {
      fix = "Heroku app '" + ctx.app() + "' was not found. Check the name with `heroku apps` and that this "
          + "token's account can see the app.";
    } else if (status == 404) {
      fix = "Heroku has no such resource" + (ctx.app().isEmpty() ? "" : " for app '" + ctx.app() + "'")
          + " (it may still be provisioning, or be gone).";
    } else if (status == 403) {
      fix = "This token's account lacks access; use a token of an owner or collaborator of the app.";
    } else if (status == 429) {
      fix = "The account's API rate limit is exhausted; wait a few minutes and try again.";
    } else if (status >= 500) {
      fix = "Heroku had a server error; try again later (https://status.heroku.com).";
    } else {
      fix = "";
    }
    String msg = ctx.step() + ": " + what + " " + facts + (fix.isEmpty() ? "" : ". " + fix);
    return new ApiException(ctx.step(), msg, status, id, requestId, method, path, status == 429 || status >= 500,
        null);
  }

  private void noteRemaining(Response response) {
    String remaining = response.header("RateLimit-Remaining");
    if (remaining != null) {
      try {
        lastRemaining = Integer.parseInt(remaining.trim());
      } catch (NumberFormatException ignored) {
        LOG.debug("unparseable RateLimit-Remaining: {}", remaining);
      }
    }
  }

  /** Slows down before the pool runs dry: the fewer tokens left, the longer the pause. */
  private void paceForRateLimit() {
    int remaining = lastRemaining;
    if (remaining < LOW_WATERMARK) {
      Duration pause = TOKEN_REFILL.multipliedBy(LOW_WATERMARK - Math.max(0, remaining));
      LOG.debug("RateLimit-Remaining is {}; pausing {}", remaining, pause);
      sleep(new Context("heroku.api", ""), pause);
    }
  }

  private java.util.Optional<Duration> retryAfter(Response response) {
    String value = response.header("Retry-After");
    if (value == null || value.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(clock.instant(), at.toInstant());
        return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e) {
        return java.util.Optional.empty();
      }
    }
  }

  private static Duration backoff(int attempt) {
    Duration d = FIRST_BACKOFF.multipliedBy(1L << Math.min(attempt, 5));
    return d.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : d;
  }

  private void sleep(Context ctx, Duration d) {
    if (d.isZero() || d.isNegative()) {
      return;
    }
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      throw MigrationCancelledException.interrupted(ctx.step(), e);
    }
  }

  private static String firstNonNull(String a, String b) {
    return a != null ? a : b;
  }

  @Override
  public String toString() {
    return "PlatformApi[" + base + "]";
  }
}
