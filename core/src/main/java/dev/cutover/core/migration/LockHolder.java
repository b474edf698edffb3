package dev.cutover.core.migration;

import java.time.Instant;
import java.util.Objects;

/**
 * Who holds (or held) a migration's lock: the record written beside the journal.
 *
 * @param pid the holder's process id
 * @param host the holder's host name
 * @param user the operating-system user it runs as
 * @param since when it took the lock
 * @param command what it is doing: {@code run}, {@code resume}, {@code rollback}, or what the caller named
 */
public record LockHolder(long pid, String host, String user, Instant since, String command) {
  /** Validates the components; throws {@link NullPointerException} on a null component. */
  public LockHolder {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(command, "command");
  }

  /** {@code user@host}, the operator as the audit trail names them. */
  public String operator() {
    return user + "@" + host;
  }

  /** E.g. {@code pid 4242 (alice@build-7, resume since 2026-11-24T04:00:00Z)}. */
  @Override
  public String toString() {
    return "pid " + pid + " (" + operator() + ", " + command + " since " + since + ")";
  }
}
