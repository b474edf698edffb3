package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.AddonDecision;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan.EndpointPlan;
import dev.cutover.core.migration.MigrationPlan.ServicePlan;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.ConfigVarKind;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import dev.cutover.core.spi.TargetRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * DESIGN's mapping rules, Heroku to Aptible: formation to services and container sizes, custom
 * domains to endpoints, add-ons to what happens to them, config vars to copy, skip or set.
 */
final class SourceRules {

  private SourceRules() {}

  static List<ServicePlan> services(AppInventory inv, Map<String, Integer> overrides, SourceApp source, TargetRules rules,
      ValidationException.Collector problems) {
    Set<String> types = new HashSet<>();
    List<ServicePlan> out = new ArrayList<>();
    for (Formation f : inv.formation()) {
      types.add(f.type());
      if (f.type().equals("release")) {
        continue;
      }
      String command = f.command().isBlank() ? inv.processTypes().getOrDefault(f.type(), "") : f.command();
      Integer override = overrides.get(f.type());
      if (override != null) {
        out.add(new ServicePlan(f.type(), f.quantity(), f.size(), override, command, "override"));
        continue;
      }
      Optional<Integer> memory = source.processMemoryMb(f.size());
      Optional<Integer> mapped = memory.flatMap(rules::containerSizeFor);
      if (mapped.isEmpty()) {
        problems.add("formation." + f.type() + ".size", f.size(), memory.isEmpty() ? "is a process size with no known memory"
            : "needs " + memory.get() + " MB, more than the largest container size",
            "pass .containerSizeOverride(\"" + f.type() + "\", MB) with one of " + rules.containerSizesMb());
      } else {
        out.add(new ServicePlan(f.type(), f.quantity(), f.size(), mapped.get(), command,
            f.size() + " (" + memory.get() + " MB) -> " + mapped.get() + " MB"));
      }
    }
    overrides.keySet().stream().filter(type -> !types.contains(type)).forEach(type ->
        problems.add("containerSizeOverride." + type, type, "is not a process type of the source's formation",
            "use one of " + types));
    out.sort(Comparator.comparing(ServicePlan::service));
    return out;
  }

  static List<EndpointPlan> endpoints(AppInventory inv, List<ServicePlan> services, List<String> warnings) {
    List<String> domains = inv.customDomains().stream().map(Domain::hostname).sorted().toList();
    if (services.stream().noneMatch(sp -> sp.service().equals("web"))) {
      if (!domains.isEmpty()) {
        warnings.add("no web process type: custom domains " + domains + " get no endpoint; create one by hand");
      }
      return List.of();
    }
    return List.of(new EndpointPlan("web", domains));
  }

  static List<AddonDecision> addons(AppInventory inv, List<PostgresMove> moves, TargetApp target) {
    List<AddonDecision> out = new ArrayList<>();
    for (Addon a : inv.addons().stream().sorted(Comparator.comparing(Addon::name)).toList()) {
      Optional<PostgresMove> move = moves.stream().filter(m -> m.source().addonName().equals(a.name())).findFirst();
      String action;
      if (move.isPresent()) {
        action = "migrated to the Aptible PostgreSQL database " + move.get().targetHandle();
      } else if (a.service().equals("heroku-postgresql")) {
        action = Databases.notMoved(inv, a);
      } else if (a.service().equals("heroku-redis")) {
        action = "not migrated: " + target.createRedisAdvice(a.configVars()) + "; its data is not moved";
      } else if (a.service().equals("scheduler")) {
        action = "not migrated: recreate the Heroku Scheduler jobs as a cron service (e.g. supercronic) in the app";
      } else {
        action = "not migrated: keep using it from Aptible (its config vars were copied) or replace it; check its dashboard";
      }
      out.add(new AddonDecision(a.name(), a.service(), a.plan(), move.isPresent(), action));
    }
    return out;
  }

  /** Every source var (copied, flagged or skipped, with why), then what the migration sets: each data move's URL, PORT. */
  static List<ConfigDecision> config(AppInventory inv, SourceApp source, List<DataMove> moves, List<PostgresMove> postgres,
      int port) {
    Map<String, Addon> provider = new LinkedHashMap<>();
    inv.addons().forEach(a -> a.configVars().forEach(v -> provider.putIfAbsent(v, a)));
    Set<String> moved = new HashSet<>();
    postgres.forEach(m -> inv.addons().stream().filter(a -> a.name().equals(m.source().addonName()))
        .forEach(a -> moved.addAll(a.configVars())));
    List<ConfigDecision> out = new ArrayList<>();
    for (ConfigVar v : inv.configVars().stream().sorted(Comparator.comparing(ConfigVar::name)).toList()) {
      String n = v.name();
      String skip = Databases.followerOf(inv, n).map(d -> "URL of the follower " + d.addonName()
          + " (read-only replica): not migrated").orElse(skipReason(n, source.configVarKind(n), moved));
      if (skip != null) {
        out.add(new ConfigDecision(n, ConfigDecision.Action.SKIP, skip));
      } else if (provider.containsKey(n)) {
        Addon a = provider.get(n);
        out.add(new ConfigDecision(n, ConfigDecision.Action.COPY_FLAGGED, "provided by the Heroku add-on " + a.name()
            + " (" + a.service() + "); the copy still points at Heroku's add-on"));
      } else {
        out.add(new ConfigDecision(n, ConfigDecision.Action.COPY, "app setting"));
      }
    }
    moves.forEach(m -> m.configVars().forEach(var -> out.add(new ConfigDecision(var, ConfigDecision.Action.SET,
        "the Aptible database " + m.targetHandle() + " (db:url)"))));
    out.add(new ConfigDecision("PORT", ConfigDecision.Action.SET, port + ": Heroku injected PORT, Aptible does not"));
    return List.copyOf(out);
  }

  /** Platform metadata that the repository's code reads (e.g. {@code HEROKU_APP_NAME}): copied, not skipped. */
  static List<ConfigDecision> keep(List<ConfigDecision> config, SourceApp source, List<String> readByTheCode) {
    return config.stream().map(c -> c.action() == ConfigDecision.Action.SKIP
        && source.configVarKind(c.name()) == ConfigVarKind.PLATFORM_METADATA && readByTheCode.contains(c.name())
        ? new ConfigDecision(c.name(), ConfigDecision.Action.COPY,
        "dyno metadata of the source platform, but the app's code reads it: copied so the app keeps its value") : c)
        .toList();
  }

  static void checkNames(List<ConfigDecision> config, TargetRules rules, ValidationException.Collector problems) {
    config.stream().filter(c -> c.action() != ConfigDecision.Action.SKIP)
        .forEach(c -> rules.checkConfigName(c.name(), problems));
  }

  private static String skipReason(String name, ConfigVarKind kind, Set<String> movedVars) {
    if (kind == ConfigVarKind.DATABASE_URL || movedVars.contains(name)) {
      return "the source's database URL: replaced by the target database's URL";
    }
    if (kind == ConfigVarKind.PLATFORM_METADATA) {
      return "the source platform's dyno metadata: meaningless on the target";
    }
    if (name.equals("PORT")) {
      return "set from the port the app listens on";
    }
    return null;
  }

  /** Platform metadata and PORT are not secret: masking them would mask the app's name in every message. */
  static boolean isSecret(SourceApp source, String name) {
    return source.configVarKind(name) != ConfigVarKind.PLATFORM_METADATA && !name.equals("PORT");
  }
}
