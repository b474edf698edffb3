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
 * @param processTypes the current release's process types (type to command), {@code release}
 *     (the release phase) included when the app has one
 * @param configVars every config var, values secret
 * @param addons every add-on attached to the app, with its plan, owner and the config vars it provides
 * @param domains custom and default domains
 * @param databases every Postgres database attached to the app, followers included
 * @param takenAt when this inventory was read
 * @param generation the platform generation: {@code cedar} or {@code fir}
 * @param gaps the parts that could not be read (an optional endpoint failed), each with its reason
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
    Instant takenAt,
    String generation,
    List<InventoryGap> gaps) {

  /**
   * Validates the components and copies collections; throws {@link NullPointerException} on a null component.
   *
   * @param app see {@link #app()}
   * @param stack see {@link #stack()}
   * @param region see {@link #region()}
   * @param buildpacks see {@link #buildpacks()}
   * @param formation see {@link #formation()}
   * @param processTypes see {@link #processTypes()}
   * @param configVars see {@link #configVars()}
   * @param addons see {@link #addons()}
   * @param domains see {@link #domains()}
   * @param databases see {@link #databases()}
   * @param takenAt see {@link #takenAt()}
   * @param generation see {@link #generation()}
   * @param gaps see {@link #gaps()}
   */
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
    Objects.requireNonNull(generation, "generation");
    gaps = List.copyOf(gaps);
  }

  /**
   * A complete inventory of a {@code cedar} app.
   *
   * @param app the app's name
   * @param stack e.g. {@code heroku-24}
   * @param region e.g. {@code us}
   * @param buildpacks buildpack names or URLs, in order
   * @param formation process types with quantity and dyno size
   * @param processTypes the current release's process types
   * @param configVars every config var
   * @param addons every add-on
   * @param domains custom and default domains
   * @param databases the Postgres databases attached to the app
   * @param takenAt when this inventory was read
   */
  public AppInventory(String app, String stack, String region, List<String> buildpacks, List<Formation> formation,
      Map<String, String> processTypes, List<ConfigVar> configVars, List<Addon> addons, List<Domain> domains,
      List<PostgresInfo> databases, Instant takenAt) {
    this(app, stack, region, buildpacks, formation, processTypes, configVars, addons, domains, databases, takenAt,
        "cedar", List.of());
  }

  /**
   * The primary database.
   *
   * @return the one attached as {@code DATABASE}, else the first that is not a follower, else the
   *     first; empty when the app has no database
   */
  public Optional<PostgresInfo> primaryDatabase() {
    return databases.stream().filter(d -> !d.follower() && d.attachmentNames().contains("DATABASE")).findFirst()
        .or(() -> databases.stream().filter(d -> !d.follower()).findFirst())
        .or(() -> databases.stream().findFirst());
  }

  /**
   * The databases whose data is moved.
   *
   * @return every database that is not a follower, the primary first
   */
  public List<PostgresInfo> primaryDatabases() {
    Optional<PostgresInfo> primary = primaryDatabase();
    return java.util.stream.Stream.concat(primary.stream(),
        databases.stream().filter(d -> !d.follower() && primary.map(p -> !p.equals(d)).orElse(true))).toList();
  }

  /**
   * The followers (read-only replicas): listed, never migrated.
   *
   * @return the databases that follow another
   */
  public List<PostgresInfo> followers() {
    return databases.stream().filter(PostgresInfo::follower).toList();
  }

  /**
   * The add-ons known to run jobs of their own (e.g. Heroku Scheduler), which scaling does not stop.
   *
   * @return those add-ons, in inventory order
   */
  public List<Addon> jobAddons() {
    return addons.stream().filter(Addon::runsJobs).toList();
  }

  /**
   * The add-ons of one service.
   *
   * @param service e.g. {@code heroku-redis}
   * @return its add-ons, in inventory order
   */
  public List<Addon> addons(String service) {
    return addons.stream().filter(a -> a.service().equals(service)).toList();
  }

  /**
   * The release phase command.
   *
   * @return the {@code release} process type's command, when the app has one
   */
  public Optional<String> releasePhase() {
    return Optional.ofNullable(processTypes.get("release"));
  }

  /**
   * One config var.
   *
   * @param name e.g. {@code DATABASE_URL}
   * @return the config var, when the app has it
   */
  public Optional<ConfigVar> configVar(String name) {
    return configVars.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /**
   * The custom domains.
   *
   * @return the domains of kind {@code custom} (not {@code *.herokuapp.com})
   */
  public List<Domain> customDomains() {
    return domains.stream().filter(d -> "custom".equals(d.kind())).toList();
  }

  @Override
  public String toString() {
    return "AppInventory[" + app + ", " + generation + ", stack " + stack + ", region " + region + ", "
        + formation.size() + " process types, " + configVars.size() + " config vars, " + addons.size() + " add-ons, "
        + databases.size() + " databases, " + domains.size() + " domains, buildpacks " + buildpacks
        + (gaps.isEmpty() ? "" : ", " + gaps.size() + " gaps " + gaps) + "]";
  }
}
