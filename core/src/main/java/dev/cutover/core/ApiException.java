package dev.cutover.core;

import java.util.Optional;

/** An HTTP API (Heroku Platform API, Aptible API) answered with an error. */
public class ApiException extends MigrationException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String errorId;
  private final String requestId;
  private final String method;
  private final String path;

  /**
   * @param status HTTP status, or 0 when no response arrived (connection failure)
   * @param errorId the API's error id (Heroku's {@code id} field, e.g. {@code not_found}), or null
   * @param requestId the request id the server answered with, or null
   */
  public ApiException(String step, String message, int status, String errorId, String requestId,
      String method, String path, boolean retryable, Throwable cause) {
    super(step, message, retryable, cause);
    this.status = status;
    this.errorId = errorId;
    this.requestId = requestId;
    this.method = method;
    this.path = path;
  }

  /** HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** Heroku's error id (e.g. {@code rate_limit}), when the response had one. */
  public Optional<String> errorId() {
    return Optional.ofNullable(errorId);
  }

  /** The {@code Request-Id} response header, for support tickets. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The HTTP method of the failed request. */
  public String method() {
    return method;
  }

  /** The request path (no query string, no secrets). */
  public String path() {
    return path;
  }
}
