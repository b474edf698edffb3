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

  /** The record as it is written in the lock file: one JSON line. */
  String toJson() {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("pid", pid);
    m.put("host", host);
    m.put("user", user);
    m.put("since", since.toString());
    m.put("command", command);
    try {
      return JsonMapping.COMPACT.writeValueAsString(m) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a map of strings and numbers always renders", e);
    }
  }

  /**
   * The record in a lock file's {@code text}: empty when blank; pid -1 when it does not read (torn by
   * a process killed while writing it, so the free file lock is the only fact left).
   */
  static java.util.Optional<LockHolder> parse(String text) {
    if (text.isBlank()) {
      return java.util.Optional.empty();
    }
    try {
      com.fasterxml.jackson.databind.JsonNode n = JsonMapping.COMPACT.readTree(text);
      return java.util.Optional.of(new LockHolder(n.get("pid").asLong(), n.get("host").asText(), n.get("user").asText(),
          Instant.parse(n.get("since").asText()), n.get("command").asText()));
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Optional.of(new LockHolder(-1, "unknown", "unknown", Instant.EPOCH, "an unreadable record"));
    }
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
