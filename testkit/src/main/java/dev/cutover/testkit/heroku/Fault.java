package dev.cutover.testkit.heroku;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A scripted misbehaviour of {@link FakeHeroku} for requests whose method and path match: an error
 * status with a Heroku error body, a 429 with rate-limit headers, or a delay before the normal
 * answer. Applies to the API and the download server. Immutable; each wither returns a copy.
 *
 * <pre>{@code
 * fake.fault(Fault.on("GET", "/apps/[^/]+/config-vars").status(500).times(3));
 * fake.fault(Fault.on("GET", ".*").rateLimited(Duration.ofSeconds(7)).times(1));
 * fake.fault(Fault.on("*", "/apps/.*").delay(Duration.ofMillis(300)));
 * fake.fault(Fault.on("GET", "/client/v11/apps/[^/]+/transfers/\\d+").query("verbose=true").status(503));
 * }</pre>
 *
 * @param method the HTTP method, or {@code *} for any
 * @param path a regular expression the whole request path (no query) must match
 * @param status the status to answer with, or 0 to answer normally (after {@link #delay})
 * @param errorId the Heroku error id in the body
 * @param message the error message in the body
 * @param retryAfter the {@code Retry-After} to send with a 429, or zero for none
 * @param delay how long to wait before answering
 * @param times how many matching requests it applies to ({@link Integer#MAX_VALUE}: all)
 * @param query a regular expression the whole raw query (empty when none) must match
 */
public record Fault(String method, String path, int status, String errorId, String message, Duration retryAfter,
    Duration delay, int times, String query) {
  /**
   * Validates the components.
   *
   * @throws NullPointerException on a null component
   * @throws IllegalArgumentException when {@code times} is below 1 or a pattern does not compile
   */
  public Fault {
    Objects.requireNonNull(method, "method");
    Pattern.compile(Objects.requireNonNull(path, "path"));
    Pattern.compile(Objects.requireNonNull(query, "query"));
    Objects.requireNonNull(errorId, "errorId");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(retryAfter, "retryAfter");
    Objects.requireNonNull(delay, "delay");
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1: " + times);
    }
  }

  /** A fault for {@code method} ({@code *} for any) on paths matching {@code pathRegex}; set what it does next. */
  public static Fault on(String method, String pathRegex) {
    return new Fault(method, pathRegex, 0, "", "", Duration.ZERO, Duration.ZERO, Integer.MAX_VALUE, ".*");
  }

  /** Answers {@code status} with the usual Heroku error id for it. */
  public Fault status(int code) {
    return status(code, defaultId(code), defaultMessage(code));
  }

  /** Answers {@code status} with body {@code {"id": errorId, "message": message}}. */
  public Fault status(int code, String id, String text) {
    return new Fault(method, path, code, id, text, retryAfter, delay, times, query);
  }

  /** Answers 429 {@code rate_limit} with {@code Retry-After} and {@code RateLimit-Remaining: 0}. */
  public Fault rateLimited(Duration wait) {
    return new Fault(method, path, 429, "rate_limit", "Your account reached the API rate limit", wait, delay, times,
        query);
  }

  /** Waits {@code d} before answering (normally, or with the status set). */
  public Fault delay(Duration d) {
    return new Fault(method, path, status, errorId, message, retryAfter, d, times, query);
  }

  /** Applies to the next {@code n} matching requests only. */
  public Fault times(int n) {
    return new Fault(method, path, status, errorId, message, retryAfter, delay, n, query);
  }

  /** Applies only to requests whose raw query (e.g. {@code verbose=true}) matches {@code queryRegex}. */
  public Fault query(String queryRegex) {
    return new Fault(method, path, status, errorId, message, retryAfter, delay, times, queryRegex);
  }

  boolean matches(String requestMethod, String requestPath, String requestQuery) {
    return (method.equals("*") || method.equalsIgnoreCase(requestMethod)) && requestPath.matches(path)
        && requestQuery.matches(query);
  }

  private static String defaultId(int code) {
    return switch (code) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 402 -> "delinquent";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 409 -> "conflict";
      case 422 -> "invalid_params";
      case 429 -> "rate_limit";
      case 503 -> "service_unavailable";
      default -> code >= 500 ? "internal_server_error" : "error";
    };
  }

  private static String defaultMessage(int code) {
    return switch (code) {
      case 401 -> "Invalid credentials provided.";
      case 403 -> "You do not have access to this resource.";
      case 404 -> "Couldn't find that app.";
      case 429 -> "Your account reached the API rate limit";
      case 503 -> "The service is temporarily unavailable; please try again.";
      default -> code >= 500 ? "Internal server error." : "Request failed.";
    };
  }
}
