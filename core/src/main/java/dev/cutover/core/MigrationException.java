package dev.cutover.core;

import java.util.Optional;

/**
 * The root of every exception the SDK throws. Unchecked.
 *
 * <p>Messages follow {@code "<step>: <what failed> (<key facts>)"} and then say what to do. They
 * never contain a secret value. Subclasses say what the caller can do: retry ({@link #retryable()}),
 * fix input ({@link ValidationException}), fix credentials ({@code ApiException} with status 401),
 * and so on.
 */
public class MigrationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String step;
  private final boolean retryable;

  /**
   * @param step the pipeline step or operation that failed, or {@code null} when not known yet
   * @param message what failed and what to do; must already be redacted
   * @param retryable whether running the same operation again may succeed without any change
   * @param cause the underlying exception, or {@code null}
   */
  public MigrationException(String step, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.step = step;
    this.retryable = retryable;
  }

  public MigrationException(String step, String message) {
    this(step, message, false, null);
  }

  /** The step or operation that failed, e.g. {@code "restore"} or {@code "heroku.inventory"}. */
  public Optional<String> step() {
    return Optional.ofNullable(step);
  }

  /** Whether trying again, unchanged, may succeed (a 503, a timeout, a dropped connection). */
  public boolean retryable() {
    return retryable;
  }
}
