package dev.cutover.core;

/** A git operation (remote, push, authentication) failed. */
public class GitException extends MigrationException {
  private static final long serialVersionUID = 1L;

  public GitException(String step, String message, boolean retryable, Throwable cause) {
    super(step, message, retryable, cause);
  }
}
