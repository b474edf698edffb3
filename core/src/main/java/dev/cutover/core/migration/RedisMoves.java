package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.AddonDecision;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import dev.cutover.core.model.RedisServerInfo;
import dev.cutover.core.model.RedisSource;
import dev.cutover.core.spi.RedisMover;
import dev.cutover.core.spi.TargetRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Redis side of the plan and of the steps that read it: one {@link RedisMove} per Redis add-on
 * (decided here, once, from the inventory and each server's {@code INFO}), and the connections the
 * copy and the verification use at run time.
 */
final class RedisMoves {
  private static final long MB = 1024L * 1024;
  private static final long GB = 1024L * MB;

  private RedisMoves() {}

  /**
   * The Redis moves: none without a {@link RedisMover}; otherwise one per add-on the mover finds, its
   * target sized from the memory the source uses, or a problem when it cannot be reached or no
   * Aptible Redis can hold it.
   */
  static List<RedisMove> plan(AppInventory inventory, Wiring wiring, Redactor redactor, List<String> warnings,
      ValidationException.Collector problems) {
    RedisMover mover = wiring.redis();
    if (mover == null || inventory == null) {
      return List.of();
    }
    List<RedisSource> sources = mover.findSources(inventory);
    List<String> offered = List.of();
    if (!sources.isEmpty()) {
      try {
        offered = wiring.target().databaseVersions("redis");
      } catch (MigrationException e) {
        problems.add("redis.version", "db:versions", "cannot list the Redis versions Aptible offers: "
            + redactor.redact(e.getMessage()), "check the Aptible CLI and its token, then plan again");
        return List.of();
      }
    }
    TargetRules rules = wiring.target().rules();
    List<RedisMove> moves = new ArrayList<>();
    for (RedisSource source : sources) {
      String field = "redis." + source.addonName();
      Optional<RedisServerInfo> info = describe(inventory, source, mover, redactor, field, problems);
      if (info.isEmpty()) {
        continue;
      }
      RedisServerInfo server = info.get();
      Optional<String> version = offered.isEmpty() ? Optional.of(server.majorMinor()) : mover.chooseVersion(server, offered);
      int required = mover.requiredMemoryMb(server);
      Optional<Integer> size = rules.containerSizeFor(required);
      if (version.isEmpty()) {
        problems.add(field + ".version", server.version(), "no Redis version Aptible offers " + offered
            + " can read its data", "upgrade nothing on Heroku; ask Aptible for Redis " + server.majorMinor()
            + " or newer, or leave out .redis(...) and move it by hand");
      }
      if (size.isEmpty()) {
        problems.add(field + ".memory", server.usedMemoryBytes() / MB + " MB", "is more than the largest Aptible"
            + " container (" + rules.containerSizesMb().get(rules.containerSizesMb().size() - 1) + " MB) can hold with"
            + " room for its background saves (" + required + " MB needed)", "shrink the data set first (expire"
            + " caches), or leave out .redis(...) and move it by hand");
      }
      if (version.isEmpty() || size.isEmpty()) {
        continue;
      }
      try {
        mover.checkTarget(server, version.get(), size.get());
      } catch (ValidationException e) {
        problems.addAll(e);
        continue;
      }
      if (!server.maxmemoryPolicy().equals("noeviction")) {
        warnings.add("Redis add-on " + source.addonName() + " evicts keys (maxmemory-policy " + server.maxmemoryPolicy()
            + "): set the same policy on " + handle(wiring, moves.size()) + " if the app relies on it as a cache");
      }
      int disk = (int) Math.max(DatabaseSpec.DEFAULT_DISK_GB, (server.usedMemoryBytes() * 2 + GB - 1) / GB);
      String handle = handle(wiring, moves.size());
      DatabaseSpec spec = new DatabaseSpec("redis", version.get(), disk, size.get(), Optional.of(handle));
      rules.checkDatabase(handle, spec, problems);
      moves.add(new RedisMove(source.addonName(), source, server, handle, spec));
    }
    return List.copyOf(moves);
  }

  private static Optional<RedisServerInfo> describe(AppInventory inventory, RedisSource source, RedisMover mover,
      Redactor redactor, String field, ValidationException.Collector problems) {
    try {
      RedisConnection server = connection(inventory, source);
      redactor.register(server.password());
      return Optional.of(mover.describe(server));
    } catch (IllegalArgumentException e) {
      problems.add(field, source.connectVar(), "is not a usable Redis URL (" + e.getMessage() + ")",
          "fix the config var on Heroku, or leave out .redis(...) and move the add-on by hand");
    } catch (MigrationException e) {
      problems.add(field, source.connectVar(), "cannot be reached to size its Aptible database: "
          + redactor.redact(Journal.firstLine(e.getMessage())), "plan where the add-on is reachable (Heroku Redis"
          + " takes connections from anywhere), or leave out .redis(...) to list it as a manual follow-up");
    }
    return Optional.empty();
  }

  private static String handle(Wiring wiring, int index) {
    return wiring.target().handle() + "-redis" + (index == 0 ? "" : "-" + (index + 1));
  }

  /** The source as the inventory names it (its TLS var first), not pinned. */
  private static RedisConnection connection(AppInventory inventory, RedisSource source) {
    Secret url = inventory.configVar(source.connectVar()).orElseThrow(() -> new IllegalArgumentException(
        source.connectVar() + " is not set")).value();
    return RedisConnection.parse(url);
  }

  /** The source of {@code m}, pinned to the certificate the plan saw. */
  static RedisConnection source(StepContext ctx, RedisMove m) {
    RedisConnection c = connection(ctx.plan().inventory(), m.source());
    ctx.redactor().register(c.password());
    return c.tls() && !m.sourceInfo().certificatePin().isEmpty() ? c.withCertificatePin(m.sourceInfo().certificatePin()) : c;
  }

  /** The target of {@code m} through its tunnel (opened, or the attempt's open one). */
  static RedisConnection target(StepContext ctx, RedisMove m) {
    RedisConnection c = RedisConnection.parse(ctx.tunnels().to(m.targetHandle()).url());
    ctx.redactor().register(c.password());
    return c;
  }

  /** The URL the config var {@code name} gets: the target's TLS credential for a var that held {@code rediss://}. */
  static Secret url(StepContext ctx, RedisMove m, String name) {
    return ctx.redactor().register(ctx.target().databaseUrl(m.targetHandle(), m.credentialType(name)));
  }

  /** The add-on decisions, with each moved Redis add-on marked migrated. */
  static List<AddonDecision> addons(List<AddonDecision> decided, List<RedisMove> moves) {
    return decided.stream().map(a -> moves.stream().filter(m -> m.source().addonName().equals(a.name())).findFirst()
        .map(m -> new AddonDecision(a.name(), a.service(), a.plan(), true, "migrated to the Aptible Redis database "
            + m.targetHandle() + " (every key copied after the write fence, then verified)"))
        .orElse(a)).toList();
  }

  /** The config decisions, with each moved Redis var set from its target, not copied from Heroku. */
  static List<ConfigDecision> config(List<ConfigDecision> decided, List<RedisMove> moves) {
    List<ConfigDecision> out = new ArrayList<>();
    for (ConfigDecision c : decided) {
      Optional<RedisMove> move = moves.stream().filter(m -> m.configVars().contains(c.name())).findFirst();
      if (move.isEmpty()) {
        out.add(c);
      } else if (c.action() == ConfigDecision.Action.SET) {
        out.add(new ConfigDecision(c.name(), c.action(), "the Aptible Redis database " + move.get().targetHandle()
            + " (db:url --type " + move.get().credentialType(c.name()) + ")"));
      } else {
        out.add(new ConfigDecision(c.name(), ConfigDecision.Action.SKIP, "Heroku Redis URL of "
            + move.get().source().addonName() + ": replaced by the Aptible Redis database URL"));
      }
    }
    return List.copyOf(out);
  }

  /** One line for the plan: source, target, what is copied, which vars change. */
  static String describe(RedisMove m) {
    RedisServerInfo s = m.sourceInfo();
    return m.id() + " (" + m.source().service() + ", Redis " + s.version() + ", " + (s.usedMemoryBytes() + MB - 1) / MB
        + " MB used, " + s.keys() + " keys in " + s.keyspace().size() + " databases, " + s.maxmemoryPolicy()
        + (s.certificatePin().isEmpty() ? "" : ", TLS certificate pinned " + s.certificatePin()) + ") -> "
        + m.targetHandle() + " (redis " + m.target().version() + ", " + m.target().containerSizeMb() + " MB, "
        + m.target().diskSizeGb() + " GB); every key copied with its TTL, then verified; "
        + m.configVars().stream().map(v -> v + " (" + m.credentialType(v) + ")").collect(Collectors.joining(", "))
        + " set to its URL";
  }

  /** Keys and bytes per logical database, e.g. {@code db0 1000 keys 2 MB, db1 …}. */
  static String perDatabase(RedisCopyState state) {
    return state.databases().stream().map(d -> "db" + d.db() + " " + d.keys() + " keys " + bytes(d.bytes())
        + (d.expired() > 0 ? " (" + d.expired() + " expired during the copy)" : "")).collect(Collectors.joining(", "));
  }

  static String bytes(long n) {
    return n >= 10 * MB ? n / MB + " MB" : n >= 10 * 1024 ? n / 1024 + " KB" : n + " bytes";
  }
}
