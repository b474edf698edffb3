package dev.cutover.core;

/** A PostgreSQL tool or a database operation failed, or a tool is missing or too old. */
public class PgToolException extends MigrationException {
  private static final long serialVersionUID = 1L;

  public PgToolException(String step, String message, boolean retryable, Throwable cause) {
    super(step, message, retryable, cause);
  }
}
