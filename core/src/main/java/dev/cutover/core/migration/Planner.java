package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Toolkit;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan.EndpointPlan;
import dev.cutover.core.migration.MigrationPlan.ServicePlan;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.StepStatus;
import dev.cutover.core.spi.DatabaseMover;
import dev.cutover.core.spi.RedisMover;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.spi.TargetRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Builds a {@link MigrationPlan}: validates every input, reads the source, makes every decision
 * once. Changes nothing; reads the journal (where a run would resume) and the completion markers.
 */
final class Planner {
  private Planner() {}

  static MigrationPlan plan(MigrationOptions options, Wiring given) {
    ValidationException.Collector problems = ValidationException.collector("plan");
    Toolkit toolkit = toolkit(given, problems);
    Redactor redactor = toolkit.redactor();
    Wiring wiring = given.redactor(redactor);
    TargetRules rules = wiring.target().rules();
    rules.checkTarget(wiring.target().environment(), wiring.target().handle(), problems);
    AppInventory inventory = inventory(wiring, redactor, problems);
    options.validate(problems);
    options.containerSizes().forEach((type, mb) -> rules.checkContainerSize("containerSizeOverride." + type, mb, problems));
    InputChecks.deploy(options.deploy(), rules, problems);

    List<PostgresMove> postgres = inventory == null ? new ArrayList<>()
        : new ArrayList<>(Databases.moves(inventory, options, given.target().handle(), problems));
    postgres.forEach(m -> rules.checkDatabase(m.targetHandle(), m.target(), problems));
    List<String> warnings = new ArrayList<>();
    if (wiring.redis() == null) { // like the DatabaseMover: the one on the classpath, else no Redis moves
      RedisMover found = load(RedisMover.class, problems, "redis");
      wiring = wiring.redis(found == null ? null : found.withToolkit(toolkit));
    }
    List<RedisMove> redis = RedisMoves.plan(inventory, wiring, redactor, warnings, problems);
    List<DataMove> moves = new ArrayList<>(postgres);
    moves.addAll(redis);
    moves = List.copyOf(moves);
    DatabaseMover mover = wiring.mover();
    if (mover == null && !postgres.isEmpty()) {
      mover = load(DatabaseMover.class, problems, "dataMover");
      mover = mover == null ? null : mover.withToolkit(toolkit);
      if (mover == null) {
        problems.add("dataMover", "none", "no DatabaseMover found on the classpath to move the database",
            "add dev.cutover:cutover-postgres to the classpath, or pass .dataMover(...)");
      }
    }
    RepoPreparation preparation = wiring.preparation();
    if (preparation == null) {
      RepoPreparation found = load(RepoPreparation.class, problems, "repoPreparation");
      preparation = found == null ? RepoPreparation.NONE : found;
    }
    wiring = wiring.mover(mover).preparation(preparation);
    if (!postgres.isEmpty()) {
      List<PostgresMove> decided = DirectChoice.decide(postgres, options, wiring, warnings);
      postgres.clear();
      postgres.addAll(decided);
      List<DataMove> all = new ArrayList<>(postgres);
      all.addAll(redis);
      moves = List.copyOf(all);
    }

    Path work = workDirectory(options, wiring);
    Path journalFile = journalFile(options, wiring);
    String identity = identity(wiring, moves);
    Journal journal = journal(journalFile, identity, wiring.lock(), redis.isEmpty(), problems);
    if (inventory != null) {
      inventory = WriteFence.beforeFence(inventory, journal);
    }

    if (inventory != null) {
      warnings.addAll(Databases.warnings(inventory));
    }
    List<ServicePlan> services = List.of();
    List<EndpointPlan> endpoints = List.of();
    List<MigrationPlan.AddonDecision> addons = List.of();
    List<ConfigDecision> config = List.of();
    RepoPreparation.Preview repo = new RepoPreparation.Preview(List.of(), RepoPreparation.DEFAULT_PORT, "not decided", List.of());
    if (inventory != null) {
      services = SourceRules.services(inventory, options.containerSizes(), wiring.source(), rules, problems);
      services.forEach(sp -> rules.checkService(sp.service(), sp.count(), problems));
      endpoints = SourceRules.endpoints(inventory, services, warnings);
      endpoints.forEach(e -> rules.checkEndpoints(given.target().handle(), e.service(), e.domains(), problems));
      addons = RedisMoves.addons(SourceRules.addons(inventory, postgres, wiring.target()), redis);
      repo = repository(options, inventory, preparation, journal, redactor, problems);
      warnings.addAll(repo.warnings());
      config = SourceRules.keep(RedisMoves.config(SourceRules.config(inventory, wiring.source(), moves, postgres,
          repo.port()), redis), wiring.source(), repo.keepConfigVars());
      SourceRules.checkNames(config, rules, problems);
    }
    options.deploy().filter(d -> d instanceof Deploy.DockerImage).map(d -> (Deploy.DockerImage) d)
        .flatMap(Deploy.DockerImage::credentials).ifPresent(c -> redactor.register(c.password()));
    if (Files.exists(work) && !Files.isDirectory(work)) {
      problems.add("workDirectory", work, "exists and is not a directory", "pass a directory for dumps, journal and report");
    }
    Optional<String> journalId = Optional.ofNullable(journal).map(j -> j.migrationId);
    CompletionMarker.read(work, wiring.source().name()).filter(m -> !journalId.equals(Optional.of(m.migrationId())))
        .ifPresent(m -> warnings.add(m.describe() + ": migrating it again makes another copy"));
    problems.throwIfAny();

    return new MigrationPlan(wiring, options, new Decisions(inventory, identity, repo, config, services,
        Optional.ofNullable(inventory.processTypes().get("release")), endpoints, addons, moves, warnings, journalFile,
        work, Optional.ofNullable(journal).flatMap(Journal::firstUnfinished)));
  }

  /**
   * The run's toolkit: the source's (else the target's) around the migration's redactor when one
   * was given, else the source's or target's own, else a new one. One redactor per run: a source
   * or target built with another redactor is a problem.
   */
  private static Toolkit toolkit(Wiring given, ValidationException.Collector problems) {
    Optional<Toolkit> adapters = given.source().toolkit().or(() -> given.target().toolkit());
    Redactor redactor = given.redactor() != null ? given.redactor()
        : adapters.map(Toolkit::redactor).orElseGet(Redactor::create);
    for (Optional<Toolkit> kit : List.of(given.source().toolkit(), given.target().toolkit())) {
      kit.filter(k -> k.redactor() != redactor).ifPresent(k -> problems.add("toolkit", k,
          "the source, the target and the migration use different Redactors, so a secret one of them learns is not"
              + " masked by the others", "build the clients and the migration with one Toolkit (or pass one Redactor to"
              + " all of them)"));
    }
    return adapters.filter(k -> k.redactor() == redactor).orElseGet(() -> Toolkit.of(redactor));
  }

  static Path workDirectory(MigrationOptions options, Wiring wiring) {
    return options.workDirectory().orElse(Path.of(".cutover", wiring.source().name() + "-to-" + wiring.target().handle()))
        .toAbsolutePath().normalize();
  }

  static Path journalFile(MigrationOptions options, Wiring wiring) {
    return options.journal().orElse(workDirectory(options, wiring).resolve("journal.json")).toAbsolutePath().normalize();
  }

  private static AppInventory inventory(Wiring wiring, Redactor redactor, ValidationException.Collector problems) {
    try {
      AppInventory inventory = wiring.source().inventory();
      inventory.configVars().stream().filter(v -> SourceRules.isSecret(wiring.source(), v.name())).forEach(v -> redactor.register(v.value()));
      return inventory;
    } catch (MigrationException e) {
      boolean transientFault = e.retryable() && !(e instanceof ValidationException)
          && !(e instanceof MigrationCancelledException);
      problems.add("source", wiring.source().name(), "cannot read the source app during the inventory: "
          + redactor.redact(e.getMessage()),
          transientFault ? "a transient fault (rate limit, server error or timeout) outlasted the retries; nothing was"
              + " changed: plan again in a few minutes" : "check the app name and the API key (HEROKU_API_KEY)");
      return null;
    }
  }

  /**
   * The repository changes and the port, decided once by the preparation (it owns the platform's
   * port rules). Once prepare-repo is done the journal's record is the plan: the preparation would
   * now find nothing left to write, and the approved plan must stay the plan that runs.
   */
  private static RepoPreparation.Preview repository(MigrationOptions options, AppInventory inventory,
      RepoPreparation preparation, Journal journal, Redactor redactor, ValidationException.Collector problems) {
    if (options.deploy().isEmpty()) {
      return new RepoPreparation.Preview(List.of(), RepoPreparation.DEFAULT_PORT, "not decided (no deploy)", List.of());
    }
    Deploy deploy = options.deploy().get();
    try {
      int requested = options.port() >= 1 && options.port() <= 65535 ? options.port() : 0;
      RepoPreparation.Preview preview = preparation.preview(deploy, inventory, requested);
      InputChecks.dockerfile(deploy, preparation, preview.changes(), problems);
      if (journal != null && journal.step(MigrationStep.PREPARE_REPO).status == StepStatus.DONE && journal.repo != null) {
        // what is written stays the plan; what still blocks the deploy is what the repository holds now
        RepoPreparation.Preview done = journal.repo;
        return new RepoPreparation.Preview(done.changes(), done.port(), done.portReason(), done.warnings(),
            preview.blocking(), done.notes(), done.keepConfigVars());
      }
      return preview;
    } catch (ValidationException e) {
      problems.addAll(e);
    } catch (MigrationException e) {
      problems.add("deploy.repo", InputChecks.repoOf(deploy).map(Path::toString).orElse("none"),
          "cannot be prepared: " + redactor.redact(e.getMessage()), "fix the repository, then plan again");
    }
    return new RepoPreparation.Preview(List.of(), RepoPreparation.DEFAULT_PORT, "not decided", List.of());
  }

  /** The journal of this migration, if one exists; a problem when it is unreadable or another migration's. */
  private static Journal journal(Path file, String identity, MigrationLock lock, boolean noRedis,
      ValidationException.Collector problems) {
    if (lock != null && !lock.journal().equals(file)) {
      problems.add("lock", lock.journal(), "guards another journal than the plan's " + file,
          "acquire the lock of " + file + ", or pass the same .journal(path)");
    }
    if (!Journal.exists(file)) {
      return null;
    }
    try {
      Journal j = Journal.load(file);
      if (!j.identity.equals(identity) && noRedis && j.redisHandles != null && !j.redisHandles.isEmpty()) {
        problems.add("redis", "none", "the journalled migration also moves Redis (" + String.join(", ", j.redisHandles)
            + ") but no RedisMover is on the classpath", "add dev.cutover:cutover-redis to the classpath, or pass .redis(...)");
        return null;
      }
      if (!j.identity.equals(identity)) {
        problems.add("journal", file, "belongs to another migration (" + j.source + " -> " + j.targetEnvironment
            + "/" + j.targetApp + ", database " + j.databaseHandle + ")", "pass a different .journal(path) or workDirectory");
        return null;
      }
      return j;
    } catch (ValidationException e) {
      problems.addAll(e);
      return null;
    }
  }

  /** Source, target and databases: what makes two plans the same migration, whatever else changed. */
  static String identity(Wiring wiring, List<DataMove> moves) {
    return EventLog.sha256(wiring.source().name() + "\n" + wiring.target().environment() + "\n"
        + wiring.target().handle() + "\n" + String.join(",", moves.stream().map(DataMove::targetHandle).toList()))
        .substring(0, 24);
  }

  private static <T> T load(Class<T> type, ValidationException.Collector problems, String field) {
    try {
      return ServiceLoader.load(type, Planner.class.getClassLoader()).findFirst().orElse(null);
    } catch (ServiceConfigurationError e) {
      problems.add(field, type.getSimpleName(), "the provider on the classpath cannot be loaded (" + e.getMessage() + ")",
          "pass one explicitly");
      return null;
    }
  }
}
