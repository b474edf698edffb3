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
  /**
   * This mover working with {@code toolkit}'s redactor, clock and sleeper. A mover found with
   * {@link java.util.ServiceLoader} is given the run's toolkit this way, like a {@link DatabaseMover}.
   * The default returns this mover unchanged.
   *
   * @param toolkit the run's toolkit
   * @return a mover using it, or this one
   */
  default RedisMover withToolkit(dev.cutover.core.Toolkit toolkit) {
    return this;
  }

  /**
   * The app's Redis add-ons and the config vars pointing at each, from the inventory alone (no network).
   *
   * @param inventory the source app's inventory (add-ons and config var values)
   * @return one source per Redis add-on, in add-on order
   */
  List<RedisSource> findSources(AppInventory inventory);

  /**
   * Reads the server's {@code INFO} (version, memory, eviction policy, keys per database). Read-only.
   * A TLS connection without a pin pins the certificate it is shown; the result carries the pin.
   *
   * @param server the server to ask
   * @return what it says about itself, with the certificate pin (empty without TLS)
   */
  RedisServerInfo describe(RedisConnection server);

  /**
   * The memory a target needs to hold {@code source}'s data with room for its own persistence.
   *
   * @param source the source's {@link #describe} result
   * @return megabytes; the planner picks the smallest container size at least this large
   */
  int requiredMemoryMb(RedisServerInfo source);

  /**
   * The Aptible Redis version to create for {@code source}: the oldest of {@code offered} (as
   * {@code aptible db:versions} lists them for type {@code redis}) that is at least the source's
   * major.minor, preferring the default persistence (no {@code -aof}/{@code -nordb} suffix).
   *
   * @param source the source's {@link #describe} result
   * @param offered the versions Aptible offers, e.g. {@code 6.2}, {@code 7.2}, {@code 7.2-aof}, {@code 8.0}
   * @return the version, or empty when none can read the source's data (a refusal for the plan)
   */
  Optional<String> chooseVersion(RedisServerInfo source, List<String> offered);

  /**
   * Fails, before any downtime, when a target of {@code targetVersion} with {@code targetMemoryMb}
   * cannot hold {@code source}'s data (too small, an older Redis than the source's, ...).
   *
   * @param source the source's {@link #describe} result
   * @param targetVersion the Aptible Redis version to create, e.g. {@code 7.2} or {@code 7.2-aof}
   * @param targetMemoryMb the target container's memory
   * @throws dev.cutover.core.ValidationException listing every problem
   */
  void checkTarget(RedisServerInfo source, String targetVersion, int targetMemoryMb);

  /**
   * Copies every key of every logical database, with its TTL, from {@code source} (fenced: no more
   * writes) to {@code target}, which must be empty unless {@code resumeFrom} is given or
   * {@code replaceExisting} (then it is emptied first). Calls {@code journal} with each new
   * checkpoint (on the copying thread; persist it to resume after a crash).
   *
   * @param source the fenced source, ideally pinned with {@link #describe}'s certificate
   * @param target the target, e.g. through an Aptible tunnel
   * @param resumeFrom the last journalled state of an earlier attempt, or empty to start
   * @param replaceExisting whether to empty a non-empty target first (ignored when resuming)
   * @param journal receives each new state; what it last received is where a resume starts
   * @param listener receives progress in keys and bytes, and warnings
   * @return the final state: keys and bytes per database, the duration, the pinned certificate
   */
  RedisCopyState copy(RedisConnection source, RedisConnection target, Optional<RedisCopyState> resumeFrom,
      boolean replaceExisting, Consumer<RedisCopyState> journal, MigrationListener listener);

  /**
   * Compares {@code target} with {@code source} key by key: key counts per database, types, value
   * digests, TTLs within the copy's duration. Does not throw on a mismatch: the report names the keys.
   *
   * @param source the source (its pin, when empty, comes from {@code copied})
   * @param target the target
   * @param copied the copy's final state: its pin and duration
   * @return two checks per logical database and one per differing key (the first 20 per database)
   */
  VerificationReport verify(RedisConnection source, RedisConnection target, RedisCopyState copied);

  /**
   * The app's config vars to set so that every var that pointed at {@code source} points at the
   * target: {@code rediss://} vars get {@code targetTlsUrl}, the others {@code targetUrl}.
   *
   * @param source the source, with the config vars that point at it
   * @param targetUrl the Aptible database's {@code redis} credential URL
   * @param targetTlsUrl its {@code redis+ssl} credential URL
   * @return config var name to new value, in the source's var order
   */
  Map<String, Secret> configRewrites(RedisSource source, Secret targetUrl, Secret targetTlsUrl);
}
