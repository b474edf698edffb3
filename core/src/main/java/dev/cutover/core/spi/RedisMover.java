package dev.cutover.core.spi;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.RedisSource;
import dev.cutover.core.model.VerificationReport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Moves and checks Redis add-on data. Implemented by {@code RedisMigrator} in {@code cutover-redis},
 * found with {@link java.util.ServiceLoader}. Every method blocks; none writes to a source.
 */
public interface RedisMover {
  /** The app's Redis add-ons and the config vars pointing at each, from the inventory alone (no network). */
  List<RedisSource> findSources(AppInventory inventory);

  /**
   * Reads the server's {@code INFO} (version, memory, eviction policy, keys per database). Read-only.
   * A TLS connection without a pin pins the certificate it is shown; the result carries the pin.
   */
  RedisServerInfo describe(RedisConnection server);

  /** The memory (MB) a target needs to hold {@code source}'s data with room for its own persistence. */
  int requiredMemoryMb(RedisServerInfo source);

  /**
   * Fails, before any downtime, when a target of {@code targetVersion} with {@code targetMemoryMb}
   * cannot hold {@code source}'s data (too small, an older Redis than the source's, ...).
   *
   * @throws dev.cutover.core.ValidationException listing every problem
   */
  void checkTarget(RedisServerInfo source, String targetVersion, int targetMemoryMb);

  /**
   * Copies every key of every logical database, with its TTL, from {@code source} (fenced: no more
   * writes) to {@code target}, which must be empty unless {@code resumeFrom} is given or
   * {@code replaceExisting} (then it is emptied first). Calls {@code journal} with each new
   * checkpoint (on the copying thread; persist it to resume after a crash).
   *
   * @return the final state: keys and bytes per database, the duration, the pinned certificate
   */
  RedisCopyState copy(RedisConnection source, RedisConnection target, Optional<RedisCopyState> resumeFrom,
      boolean replaceExisting, Consumer<RedisCopyState> journal, MigrationListener listener);

  /**
   * Compares {@code target} with {@code source} key by key: key counts per database, types, value
   * digests, TTLs within the copy's duration. Does not throw on a mismatch: the report names the keys.
   */
  VerificationReport verify(RedisConnection source, RedisConnection target, RedisCopyState copied);

  /**
   * The app's config vars to set so that every var that pointed at {@code source} points at the
   * target: {@code rediss://} vars get {@code targetTlsUrl}, the others {@code targetUrl}.
   */
  Map<String, Secret> configRewrites(RedisSource source, Secret targetUrl, Secret targetTlsUrl);
}
