package dev.cutover.aptible;

import dev.cutover.core.CommandFailedException;
import java.time.Duration;
import java.util.List;

/**
 * The {@code aptible} CLI failed. Carries the redacted command line, the exit code, the CLI's own
 * error text and a {@link Kind} so callers can react (re-login, pick another handle, retry).
 */
public final class AptibleException extends CommandFailedException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure the CLI's error text shows. */
  public enum Kind {
    /** No token, or the token was refused: run {@code aptible login} or set {@code APTIBLE_ACCESS_TOKEN}. */
    AUTHENTICATION,
    /** An app, database, environment, service or endpoint does not exist. */
    NOT_FOUND,
    /** A handle is already taken. */
    ALREADY_EXISTS,
    /** The CLI or the API rejected an argument. */
    INVALID_INPUT,
    /** The operation started and failed ({@code Operation #N failed.}). */
    OPERATION_FAILED,
    /** {@code db:tunnel} did not come up, timed out or crashed. */
    TUNNEL,
    /** Anything else (a crash, an API 5xx). */
    OTHER
  }

  private final Kind kind;
  private final String errorText;

  /**
   * @param errorText the CLI's error text, already redacted
   */
  public AptibleException(String step, String message, String commandLine, int exitCode, List<String> outputTail,
      Duration duration, Kind kind, String errorText, Throwable cause) {
    super(step, message, commandLine, exitCode, outputTail, duration, false, kind == Kind.OTHER, cause);
    this.kind = kind;
    this.errorText = errorText;
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  /** The CLI's error text (e.g. {@code Could not find database mydb}), redacted. */
  public String errorText() {
    return errorText;
  }
}
