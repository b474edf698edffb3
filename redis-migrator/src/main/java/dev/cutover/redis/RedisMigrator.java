package dev.cutover.redis;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.RedisSource;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.spi.RedisMover;
import dev.cutover.redis.internal.CertificatePin;
import dev.cutover.redis.internal.CopyEngine;
import dev.cutover.redis.internal.Info;
import dev.cutover.redis.internal.Link;
import dev.cutover.redis.internal.SourceFinder;
import dev.cutover.redis.internal.VerifyEngine;
import dev.cutover.redis.internal.Versions;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Moves a Heroku Redis add-on's data to an Aptible Redis database and proves it arrived: every key
 * of every logical database, with its TTL, copied with {@code DUMP}/{@code RESTORE … REPLACE} in
 * pipelined batches over several connections (strings of 1 MB or more in 1 MB {@code GETRANGE}/{@code SETRANGE}
 * chunks), then compared key by key.
 *
 * <pre>{@code
 * RedisMigrator redis = RedisMigrator.builder().connections(4).build();
 * RedisConnection source = RedisConnection.parse(herokuRedisTlsUrl);          // rediss://, self-signed
 * RedisServerInfo info = redis.describe(source);                               // pins the certificate
 * RedisCopyState copied = redis.copy(source.withCertificatePin(info.certificatePin()), tunnelTarget,
 *     Optional.empty(), false, journal::save, ConsoleProgress.stderr());
 * VerificationReport report = redis.verify(source, tunnelTarget, copied);     // report.passed()
 * }</pre>
 *
 * <p>Memory: each connection holds at most one batch of keys and one {@code DUMP} payload at a time
 * (a big list, set, hash or stream is held once, never twice; of a big string, one 1 MB chunk), so the
 * heap does not grow with the number of keys.
 * Threads: {@code copy} and {@code verify} use {@code connections} worker threads of their own for
 * the connection pairs and call the listener and the journal on the calling thread only. Immutable and
 * thread-safe; found by {@code Migration} with {@link java.util.ServiceLoader} (its defaults).
 */
public final class RedisMigrator implements RedisMover {
  /**
   * Memory a target needs per byte the source uses: the data, plus room for the copy-on-write pages of
   * a background RDB save running while the copy writes, plus allocator fragmentation.
   */
  static final double HEADROOM = 1.5;
  private static final long MB = 1024 * 1024;

  private final CopyEngine.Settings settings;
  private final Clock clock;

  /** A migrator with the defaults (4 connections, 500 keys and 8 MB per batch, 60 s timeout), for {@link java.util.ServiceLoader}. */
  public RedisMigrator() {
    this(builder());
  }

  private RedisMigrator(Builder b) {
    this.settings = new CopyEngine.Settings(b.connections, b.batchKeys, b.batchBytes, b.timeout);
    this.clock = b.clock;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public List<RedisSource> findSources(AppInventory inventory) {
    return SourceFinder.find(Objects.requireNonNull(inventory, "inventory"));
  }

  /**
   * {@inheritDoc}
   *
   * @throws dev.cutover.core.MigrationException when the server cannot be reached or refuses {@code INFO}
   */
  @Override
  public RedisServerInfo describe(RedisConnection server) {
    checkPins("redis.describe", server);
    CertificatePin pin = new CertificatePin(server.certificatePin());
    try (Link link = Link.open("redis.describe", "source", server, pin, settings.timeout())) {
      return Info.read(link, pin.pin());
    }
  }

  /** {@inheritDoc} The source's {@code used_memory} times 1.5, in MB, rounded up. */
  @Override
  public int requiredMemoryMb(RedisServerInfo source) {
    return (int) Math.max(1, Math.ceil(source.usedMemoryBytes() * HEADROOM / MB));
  }

  @Override
  public Optional<String> chooseVersion(RedisServerInfo source, List<String> offered) {
    return offered.stream().filter(v -> Versions.compare(v, source.majorMinor()) >= 0)
        .min(Comparator.<String>comparingInt(v -> v.contains("-") ? 1 : 0).thenComparing(Versions::compare));
  }

  @Override
  public void checkTarget(RedisServerInfo source, String targetVersion, int targetMemoryMb) {
    ValidationException.Collector problems = ValidationException.collector("redis.plan");
    if (Versions.compare(targetVersion, source.version()) < 0) {
      problems.add("redis.version", targetVersion, "is older than the source's Redis " + source.version()
          + ", which writes a DUMP format older servers cannot read", "use version " + source.majorMinor() + " or newer");
    }
    int required = requiredMemoryMb(source);
    if (targetMemoryMb < required) {
      problems.add("redis.containerSizeMb", targetMemoryMb, "cannot hold the source's data: it uses "
          + (source.usedMemoryBytes() + MB - 1) / MB + " MB, and the target needs " + required
          + " MB with room for its own background saves", "use a container of at least " + required + " MB");
    }
    problems.throwIfAny();
  }

  /**
   * {@inheritDoc}
   *
   * @throws dev.cutover.core.MigrationException naming the side, the server and the key: retryable
   *     when a connection was lost (resume from the last journalled state), not when the target is
   *     out of memory, older than the source, or not empty
   * @throws dev.cutover.core.MigrationCancelledException when the calling thread is interrupted
   */
  @Override
  public RedisCopyState copy(RedisConnection source, RedisConnection target, Optional<RedisCopyState> resumeFrom,
      boolean replaceExisting, Consumer<RedisCopyState> journal, MigrationListener listener) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(resumeFrom, "resumeFrom");
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(listener, "listener");
    checkPins("redis.copy", source, target);
    return new CopyEngine(settings, clock).copy(source, target, resumeFrom, replaceExisting, journal, listener);
  }

  /**
   * {@inheritDoc} TTLs may differ by the copy's duration ({@code copied}, first attempt to finish)
   * plus a second.
   *
   * @throws dev.cutover.core.MigrationException when a server cannot be reached
   */
  @Override
  public VerificationReport verify(RedisConnection source, RedisConnection target, RedisCopyState copied) {
    checkPins("redis.verify", Objects.requireNonNull(source, "source"), Objects.requireNonNull(target, "target"));
    return new VerifyEngine(settings, clock).verify(Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(target, "target"), Objects.requireNonNull(copied, "copied"));
  }

  private static void checkPins(String step, RedisConnection... servers) {
    ValidationException.Collector problems = ValidationException.collector(step);
    for (RedisConnection server : servers) {
      if (!server.hasValidPin()) {
        problems.add("certificatePin", server.certificatePin(), "is not a SHA-256 certificate fingerprint"
            + (server.tls() ? "" : " (and " + Link.where(server) + " is not a TLS connection)"),
            "use the AB:CD:… form (32 bytes) that describe() reports, or leave it empty to pin on first use");
      }
    }
    problems.throwIfAny();
  }

  @Override
  public Map<String, Secret> configRewrites(RedisSource source, Secret targetUrl, Secret targetTlsUrl) {
    Map<String, Secret> rewrites = new LinkedHashMap<>();
    for (String name : source.configVars()) {
      rewrites.put(name, source.tlsConfigVars().contains(name) ? targetTlsUrl : targetUrl);
    }
    return rewrites;
  }

  @Override
  public String toString() {
    return "RedisMigrator[" + settings.connections() + " connections, " + settings.batchKeys() + " keys / "
        + settings.batchBytes() / MB + " MB per batch, timeout " + settings.timeout() + "]";
  }

  /** Options for {@link RedisMigrator}; {@link #build()} validates them all at once. */
  public static final class Builder {
    private int connections = 4;
    private int batchKeys = 500;
    private long batchBytes = 8 * MB;
    private Duration timeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Worker connection pairs (source and target) copying in parallel, 1-64. Default 4. */
    public Builder connections(int n) {
      this.connections = n;
      return this;
    }

    /** Keys per {@code SCAN} batch, 10-10000. Default 500. */
    public Builder batchKeys(int n) {
      this.batchKeys = n;
      return this;
    }

    /** {@code DUMP} payload bytes pipelined at once per connection (estimated), at least 64 KB. Default 8 MB. */
    public Builder batchBytes(long n) {
      this.batchBytes = n;
      return this;
    }

    /** Connect and read timeout of every connection. Default 60 s. */
    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    /** The wall clock for the copy's timestamps. Default UTC system clock. */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    /**
     * The migrator.
     *
     * @throws ValidationException listing every bad option
     */
    public RedisMigrator build() {
      ValidationException.Collector problems = ValidationException.collector("redis.options");
      if (connections < 1 || connections > 64) {
        problems.add("connections", connections, "is out of range", "use 1-64");
      }
      if (batchKeys < 10 || batchKeys > 10_000) {
        problems.add("batchKeys", batchKeys, "is out of range", "use 10-10000");
      }
      if (batchBytes < 64 * 1024) {
        problems.add("batchBytes", batchBytes, "is too small", "use at least 65536");
      }
      if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
        problems.add("timeout", timeout, "must be positive", "use e.g. Duration.ofSeconds(60)");
      }
      if (clock == null) {
        problems.add("clock", null, "is missing", "use Clock.systemUTC()");
      }
      problems.throwIfAny();
      return new RedisMigrator(this);
    }
  }
}
