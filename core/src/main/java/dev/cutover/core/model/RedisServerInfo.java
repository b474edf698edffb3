package dev.cutover.core.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a Redis server says about itself ({@code INFO}), read once at planning time.
 *
 * @param version e.g. {@code 7.0.15}
 * @param runId the server process's {@code run_id}; it changes on restart or failover
 * @param usedMemoryBytes {@code used_memory}
 * @param maxmemoryBytes {@code maxmemory}, 0 when unlimited
 * @param maxmemoryPolicy e.g. {@code noeviction} or {@code allkeys-lru}
 * @param keyspace per logical database number, in order: its keys and how many of them expire
 * @param certificatePin the fingerprint of the certificate the server presented (pinned), empty without TLS
 */
public record RedisServerInfo(String version, String runId, long usedMemoryBytes, long maxmemoryBytes,
    String maxmemoryPolicy, Map<Integer, Keyspace> keyspace, String certificatePin) {

  /**
   * One logical database.
   *
   * @param keys its keys
   * @param expires how many of them have a TTL
   */
  public record Keyspace(long keys, long expires) {}

  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public RedisServerInfo {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(maxmemoryPolicy, "maxmemoryPolicy");
    keyspace = Collections.unmodifiableMap(new TreeMap<>(keyspace));
    Objects.requireNonNull(certificatePin, "certificatePin");
  }

  /** Keys in every database. */
  public long keys() {
    return keyspace.values().stream().mapToLong(Keyspace::keys).sum();
  }

  /** The major and minor version, e.g. {@code 7.0}. */
  public String majorMinor() {
    String[] parts = version.split("\\.");
    return parts.length < 2 ? version : parts[0] + "." + parts[1];
  }

  @Override
  public String toString() {
    StringBuilder dbs = new StringBuilder();
    for (Map.Entry<Integer, Keyspace> e : keyspace.entrySet()) {
      dbs.append(dbs.length() == 0 ? "" : ", ").append("db").append(e.getKey()).append(' ').append(e.getValue().keys())
          .append(" keys");
    }
    return "RedisServerInfo[redis " + version + ", " + usedMemoryBytes / (1024 * 1024) + " MB used, maxmemory "
        + (maxmemoryBytes == 0 ? "unlimited" : maxmemoryBytes / (1024 * 1024) + " MB") + " " + maxmemoryPolicy
        + ", " + (dbs.length() == 0 ? "empty" : dbs) + "]";
  }
}
