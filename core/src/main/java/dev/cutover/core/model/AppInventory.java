package dev.cutover.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the pipeline needs to know about the source (Heroku) app, read once at planning time.
 * Serialisable with Jackson: config var values come out as {@code ****}.
 *
 * @param app the app's name
 * @param stack e.g. {@code heroku-24}
 * @param region e.g. {@code us}
 * @param buildpacks buildpack names or URLs, in order
 * @param formation process types with quantity and dyno size
 * @param processTypes the current release's slug {@code process_types} (type to command)
 * @param configVars every config var, values secret
 * @param addons every add-on with its plan and the config vars it provides
 * @param domains custom and default domains
 * @param databases the Postgres databases attached to the app
 * @param takenAt when this inventory was read
 */
public record AppInventory(
    String app,
    String stack,
    String region,
    List<String> buildpacks,
    List<Formation> formation,
    Map<String, String> processTypes,
    List<ConfigVar> configVars,
    List<Addon> addons,
    List<Domain> domains,
    List<PostgresInfo> databases,
    Instant takenAt) {

  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public AppInventory {
    Objects.requireNonNull(app, "app");
    Objects.requireNonNull(stack, "stack");
    Objects.requireNonNull(region, "region");
    buildpacks = List.copyOf(buildpacks);
    formation = List.copyOf(formation);
    processTypes = Map.copyOf(processTypes);
    configVars = List.copyOf(configVars);
    addons = List.copyOf(addons);
    domains = List.copyOf(domains);
    databases = List.copyOf(databases);
    Objects.requireNonNull(takenAt, "takenAt");
  }

  /** The primary database: the one attached as {@code DATABASE}, else the first. */
  public Optional<PostgresInfo> primaryDatabase() {
    return databases.stream().filter(d -> d.attachmentName().equals("DATABASE")).findFirst()
        .or(() -> databases.stream().findFirst());
  }

  /** The config var named {@code name}. */
  public Optional<ConfigVar> configVar(String name) {
    return configVars.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** Custom domains only (not {@code *.herokuapp.com}). */
  public List<Domain> customDomains() {
    return domains.stream().filter(d -> "custom".equals(d.kind())).toList();
  }

  @Override
  public String toString() {
    return "AppInventory[" + app + ", stack " + stack + ", region " + region + ", " + formation.size()
        + " process types, " + configVars.size() + " config vars, " + addons.size() + " add-ons, "
        + domains.size() + " domains, buildpacks " + buildpacks + "]";
  }
}
