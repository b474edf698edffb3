package dev.cutover.core.migration;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Redactor;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan.AddonDecision;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.migration.MigrationPlan.EndpointPlan;
import dev.cutover.core.migration.MigrationPlan.PlannedStep;
import dev.cutover.core.migration.MigrationPlan.ServicePlan;
import dev.cutover.core.model.Addon;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.Domain;
import dev.cutover.core.model.Formation;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.spi.DatabaseMover;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds a {@link MigrationPlan}: validates everything, reads the source, computes the steps. Changes nothing. */
final class Planner {
  static final Pattern HANDLE = Pattern.compile("[a-z0-9._-]{1,64}");
  /** An image reference: [registry[:port]/]name[:tag], lowercase, no digest (Aptible deploys tags). */
  private static final Pattern IMAGE = Pattern.compile(
      "[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");
  /** What Aptible (and a POSIX shell) takes as a config variable name. */
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern EXPOSE = Pattern.compile("(?im)^\\s*EXPOSE\\s+(\\d+)");
  private static final Set<String> DYNO_METADATA = Set.of("HEROKU_APP_ID", "HEROKU_APP_NAME", "HEROKU_DYNO_ID");
  static final int DEFAULT_PORT = 3000;
  private static final long GB = 1024L * 1024 * 1024;

  private Planner() {}

  static MigrationPlan plan(Settings s) {
    ValidationException.Collector problems = ValidationException.collector("plan");
    Redactor redactor = s.redactor != null ? s.redactor : Redactor.create();
    s.redactor = redactor;
    List<String> warnings = new ArrayList<>();

    String handle = s.target.handle();
    String environment = s.target.environment();
    if (!HANDLE.matcher(handle).matches()) {
      problems.add("target.app", handle, "must be 1-64 lowercase letters, digits, '.', '_' or '-'", "rename it, e.g. my-app");
    }
    if (!HANDLE.matcher(environment).matches()) {
      problems.add("target.environment", environment, "must be 1-64 lowercase letters, digits, '.', '_' or '-'",
          "use the environment's handle as `aptible environment:list` shows it");
    }

    AppInventory inventory = null;
    try {
      inventory = s.source.inventory();
      // dyno metadata and PORT are not secret, and masking them would mask the app's name in every message
      inventory.configVars().stream().filter(v -> !isMetadata(v.name()) && !v.name().equals("PORT"))
          .forEach(v -> redactor.register(v.value()));
    } catch (MigrationException e) {
      boolean transientFault = e.retryable() && !(e instanceof ValidationException)
          && !(e instanceof MigrationCancelledException);
      problems.add("source", s.source.name(), "cannot read the source app during the inventory: "
          + redactor.redact(e.getMessage()),
          transientFault ? "a transient fault (rate limit, server error or timeout) outlasted the retries; nothing was"
              + " changed: plan again in a few minutes" : "check the app name and the API key (HEROKU_API_KEY)");
    }

    validateDeploy(s, problems);
    if (s.restore == RestoreStrategy.STREAM) {
      problems.add("restore", s.restore, "STREAM needs no backup and is not part of the journalled pipeline",
          "use PARALLEL, PG_RESTORE or GUIDE_SQL");
    }
    if (s.port != 0 && (s.port < 1 || s.port > 65535)) {
      problems.add("port", s.port, "must be 1-65535", "pass the port your app listens on, e.g. 3000");
    }

    Optional<PostgresInfo> sourceDb = inventory == null ? Optional.empty() : inventory.primaryDatabase();
    DatabaseSpec spec = null;
    if (inventory != null) {
      spec = resolveDatabase(s, sourceDb, problems);
    }
    String dbHandle = spec == null ? null : spec.handle().orElse(handle + "-db");

    DatabaseMover mover = s.dataMover;
    if (mover == null && sourceDb.isPresent()) {
      mover = load(DatabaseMover.class, problems, "dataMover");
      if (mover == null) {
        problems.add("dataMover", "none", "no DatabaseMover found on the classpath to move the database",
            "add dev.cutover:cutover-postgres to the classpath, or pass .dataMover(...)");
      }
    }
    RepoPreparation preparation = s.repoPreparation;
    if (preparation == null) {
      RepoPreparation found = load(RepoPreparation.class, problems, "repoPreparation");
      preparation = found == null ? RepoPreparation.NONE : found;
    }
    s.repoPreparation = preparation;
    s.dataMover = mover;

    List<ServicePlan> services = new ArrayList<>();
    List<EndpointPlan> endpoints = new ArrayList<>();
    List<ConfigDecision> config = new ArrayList<>();
    List<AddonDecision> addons = new ArrayList<>();
    List<RepoPreparation.Change> repoChanges = new ArrayList<>();
    String release = null;
    if (inventory != null) {
      release = inventory.processTypes().get("release");
      services = services(inventory, s.containerSizeOverrides, problems);
      endpoints = endpoints(inventory, services, warnings);
      addons = addons(inventory, sourceDb, dbHandle);
      if (s.deploy != null) {
        try {
          repoChanges = new ArrayList<>(preparation.preview(s.deploy, inventory));
        } catch (ValidationException e) {
          problems.addAll(e);
        } catch (MigrationException e) {
          problems.add("deploy.repo", repoOf(s.deploy).map(Path::toString).orElse("none"),
              "cannot be prepared: " + redactor.redact(e.getMessage()), "fix the repository, then plan again");
        }
        checkDockerfile(s.deploy, preparation, repoChanges, problems);
      }
    }
    int port = s.port != 0 ? s.port : exposedPort(s.deploy).orElse(DEFAULT_PORT);
    if (inventory != null) {
      config = config(inventory, sourceDb, dbHandle, port);
      config.stream().filter(c -> c.action() != ConfigDecision.Action.SKIP && !ENV_NAME.matcher(c.name()).matches())
          .forEach(c -> problems.add("config." + c.name(), c.name(), "is not a valid environment variable name on Aptible",
              "rename it on Heroku (heroku config:set NEW_NAME=...; heroku config:unset " + c.name() + "), then plan again"));
    }
    if (s.deploy instanceof Deploy.DockerImage d) {
      d.credentials().ifPresent(c -> redactor.register(c.password()));
    }

    Path journal = s.journalOrDefault();
    String fingerprint = fingerprint(s.source.name(), environment, handle, dbHandle);
    Optional<MigrationStep> resumesAt = Optional.empty();
    if (Journal.exists(journal)) {
      try {
        Journal j = Journal.load(journal);
        if (!j.fingerprint.equals(fingerprint)) {
          problems.add("journal", journal, "belongs to another migration (" + j.source + " -> " + j.targetEnvironment
              + "/" + j.targetApp + ", database " + j.databaseHandle + ")", "pass a different .journal(path) or workDirectory");
        } else {
          resumesAt = j.firstUnfinished();
        }
      } catch (ValidationException e) {
        problems.addAll(e);
      }
    }
    Path work = s.workDirectoryOrDefault();
    if (Files.exists(work) && !Files.isDirectory(work)) {
      problems.add("workDirectory", work, "exists and is not a directory", "pass a directory for dumps, journal and report");
    }
    problems.throwIfAny();

    List<PlannedStep> steps = steps(s, inventory, sourceDb, spec, dbHandle, services, endpoints, config, repoChanges,
        journal, work);
    return new MigrationPlan(s, inventory, spec, dbHandle, fingerprint, config, services, release, endpoints, addons,
        repoChanges, steps, warnings, port, journal, work, resumesAt);
  }

  private static void validateDeploy(Settings s, ValidationException.Collector problems) {
    if (s.deploy == null) {
      problems.add("deploy", "none", "is required", "pass .deploy(Deploy.git(repoDir, \"main\")) or .deploy(Deploy.dockerImage(image))");
      return;
    }
    if (s.deploy instanceof Deploy.Git g) {
      if (!Files.isDirectory(g.repo())) {
        problems.add("deploy.repo", g.repo(), "is not a directory", "pass the app's git repository");
      } else if (!Files.exists(g.repo().resolve(".git"))) {
        problems.add("deploy.repo", g.repo(), "is not a git repository (no .git)", "run `git init` and commit the app, or pass its repository");
      }
      if (g.branch().isBlank()) {
        problems.add("deploy.branch", g.branch(), "is blank", "pass the branch to deploy, e.g. main");
      }
      g.sshKey().ifPresent(k -> {
        if (!Files.isReadable(k)) {
          problems.add("deploy.sshKey", k, "cannot be read", "pass the private key registered with Aptible");
        }
      });
    } else if (s.deploy instanceof Deploy.DockerImage d) {
      if (!IMAGE.matcher(d.image()).matches()) {
        problems.add("deploy.image", d.image(), "is not an image reference ([registry/]name[:tag], lowercase; Aptible takes no digests)",
            "pass e.g. registry.example.com/app:1.2.3");
      }
      d.credentials().ifPresent(c -> {
        if (c.username().isBlank()) {
          problems.add("deploy.credentials.username", c.username(), "is blank", "pass the registry user name");
        }
      });
    }
  }

  private static DatabaseSpec resolveDatabase(Settings s, Optional<PostgresInfo> sourceDb,
      ValidationException.Collector problems) {
    if (sourceDb.isEmpty()) {
      if (s.database != null) {
        problems.add("database", s.database.version(), "the source app has no Heroku Postgres database to migrate",
            "drop .database(...) or attach the database to the source app");
      }
      return null;
    }
    PostgresInfo db = sourceDb.get();
    DatabaseSpec spec = s.database;
    long dataGb = db.dataSizeBytes() < 0 ? 0 : (db.dataSizeBytes() + GB - 1) / GB;
    if (spec == null) {
      if (db.majorVersion() == 0) {
        problems.add("database.version", db.version(), "the source database's version is not known",
            "pass .database(DatabaseSpec.postgresql(\"16\")) with at least the source's major version");
        return null;
      }
      int disk = (int) Math.max(DatabaseSpec.DEFAULT_DISK_GB, dataGb * 2);
      return DatabaseSpec.postgresql(Integer.toString(db.majorVersion())).diskSizeGb(disk);
    }
    if (!"postgresql".equals(spec.type())) {
      problems.add("database.type", spec.type(), "only PostgreSQL data is migrated", "use DatabaseSpec.postgresql(version)");
    }
    if (!spec.version().matches("\\d+(\\.\\d+)?")) {
      problems.add("database.version", spec.version(), "is not a PostgreSQL version", "pass a major version, e.g. 16");
    } else if (db.majorVersion() > 0 && Integer.parseInt(spec.version().split("\\.")[0]) < db.majorVersion()) {
      problems.add("database.version", spec.version(), "is older than the source's PostgreSQL " + db.version(),
          "pass " + db.majorVersion() + " or newer");
    }
    if (spec.diskSizeGb() < 1 || spec.diskSizeGb() > 16384) {
      problems.add("database.diskSizeGb", spec.diskSizeGb(), "must be 1-16384", "pass a disk size in GB");
    } else if (spec.diskSizeGb() < dataGb) {
      problems.add("database.diskSizeGb", spec.diskSizeGb(), "is smaller than the source's data (" + dataGb + " GB)",
          "pass at least " + dataGb * 2 + " GB to leave room for indexes and growth");
    }
    if (!ContainerSizes.isOffered(spec.containerSizeMb())) {
      problems.add("database.containerSizeMb", spec.containerSizeMb(), "is not a size Aptible offers",
          "pass one of " + ContainerSizes.OFFERED);
    }
    spec.handle().ifPresent(h -> {
      if (!HANDLE.matcher(h).matches()) {
        problems.add("database.handle", h, "must be 1-64 lowercase letters, digits, '.', '_' or '-'", "rename it, e.g. my-app-db");
      }
    });
    return spec;
  }

  private static List<ServicePlan> services(AppInventory inv, Map<String, Integer> overrides,
      ValidationException.Collector problems) {
    Set<String> types = new java.util.HashSet<>();
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
      Optional<Integer> mapped = ContainerSizes.forDyno(f.size());
      if (mapped.isEmpty()) {
        problems.add("formation." + f.type() + ".size", f.size(), "is a dyno size with no known memory",
            "pass .containerSizeOverride(\"" + f.type() + "\", MB) with one of " + ContainerSizes.OFFERED);
      } else {
        out.add(new ServicePlan(f.type(), f.quantity(), f.size(), mapped.get(), command,
            f.size() + " (" + ContainerSizes.dynoMemoryMb(f.size()).orElseThrow() + " MB) -> " + mapped.get() + " MB"));
      }
    }
    overrides.forEach((type, mb) -> {
      if (!types.contains(type)) {
        problems.add("containerSizeOverride." + type, type, "is not a process type of the source's formation",
            "use one of " + types);
      }
      if (!ContainerSizes.isOffered(mb)) {
        problems.add("containerSizeOverride." + type, mb, "is not a size Aptible offers", "use one of " + ContainerSizes.OFFERED);
      }
    });
    return out;
  }

  private static List<EndpointPlan> endpoints(AppInventory inv, List<ServicePlan> services, List<String> warnings) {
    List<String> domains = inv.customDomains().stream().map(Domain::hostname).toList();
    boolean web = services.stream().anyMatch(sp -> sp.service().equals("web"));
    if (!web) {
      if (!domains.isEmpty()) {
        warnings.add("no web process type: custom domains " + domains + " get no endpoint; create one by hand");
      }
      return List.of();
    }
    return List.of(new EndpointPlan("web", domains));
  }

  private static List<AddonDecision> addons(AppInventory inv, Optional<PostgresInfo> sourceDb, String dbHandle) {
    List<AddonDecision> out = new ArrayList<>();
    for (Addon a : inv.addons()) {
      boolean primary = sourceDb.isPresent() && sourceDb.get().addonName().equals(a.name());
      String action;
      if (primary) {
        action = "migrated to the Aptible PostgreSQL database " + dbHandle;
      } else if (a.service().equals("heroku-postgresql")) {
        action = "not migrated (only the primary database is): create another Aptible PostgreSQL database and move it the same way";
      } else if (a.service().equals("heroku-redis")) {
        action = "not migrated: create an Aptible Redis database (aptible db:create --type redis), point "
            + String.join(", ", a.configVars()) + " at it (db:url --type redis+ssl); its data is not moved";
      } else if (a.service().equals("scheduler")) {
        action = "not migrated: recreate the Heroku Scheduler jobs as a cron service (e.g. supercronic) in the app";
      } else {
        action = "not migrated: keep using it from Aptible (its config vars were copied) or replace it; check its dashboard";
      }
      out.add(new AddonDecision(a.name(), a.service(), a.plan(), primary, action));
    }
    return out;
  }

  private static List<ConfigDecision> config(AppInventory inv, Optional<PostgresInfo> sourceDb, String dbHandle, int port) {
    Map<String, Addon> provider = new LinkedHashMap<>();
    for (Addon a : inv.addons()) {
      a.configVars().forEach(v -> provider.putIfAbsent(v, a));
    }
    Set<String> primaryVars = sourceDb.flatMap(db -> inv.addons().stream()
        .filter(a -> a.name().equals(db.addonName())).findFirst()).map(a -> Set.copyOf(a.configVars())).orElse(Set.of());
    List<ConfigDecision> out = new ArrayList<>();
    for (ConfigVar v : inv.configVars().stream().sorted(Comparator.comparing(ConfigVar::name)).toList()) {
      String n = v.name();
      String skip = skipReason(n, primaryVars);
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
    if (dbHandle != null) {
      out.add(new ConfigDecision("DATABASE_URL", ConfigDecision.Action.SET, "the Aptible database " + dbHandle + " (db:url)"));
    }
    out.add(new ConfigDecision("PORT", ConfigDecision.Action.SET, port + ": Heroku injected PORT, Aptible does not"));
    return List.copyOf(out);
  }

  private static String skipReason(String name, Set<String> primaryVars) {
    if (name.equals("DATABASE_URL") || (name.startsWith("HEROKU_POSTGRESQL_") && name.endsWith("_URL"))
        || primaryVars.contains(name)) {
      return "Heroku Postgres URL: replaced by the Aptible database URL";
    }
    if (isMetadata(name)) {
      return "Heroku dyno metadata: meaningless on Aptible";
    }
    if (name.equals("PORT")) {
      return "set from the port the app listens on";
    }
    return null;
  }

  private static boolean isMetadata(String name) {
    return DYNO_METADATA.contains(name) || name.startsWith("HEROKU_RELEASE_") || name.startsWith("HEROKU_SLUG_");
  }

  private static void checkDockerfile(Deploy deploy, RepoPreparation preparation, List<RepoPreparation.Change> changes,
      ValidationException.Collector problems) {
    if (deploy instanceof Deploy.Git g && Files.isDirectory(g.repo()) && !Files.exists(g.repo().resolve("Dockerfile"))
        && changes.stream().noneMatch(c -> c.path().equals("Dockerfile"))) {
      problems.add("deploy.repo", g.repo(), "has no Dockerfile at its root, and nothing will write one"
          + (preparation == RepoPreparation.NONE ? " (no RepoPreparation on the classpath)" : ""),
          "add a Dockerfile (see the guide's Node.js template) or add dev.cutover:cutover-aptible to the classpath");
    }
  }

  static Optional<Path> repoOf(Deploy deploy) {
    if (deploy instanceof Deploy.Git g) {
      return Optional.of(g.repo());
    }
    if (deploy instanceof Deploy.DockerImage d) {
      return d.repo();
    }
    return Optional.empty();
  }

  /** The lowest port the repository's Dockerfile EXPOSEs (the one an Aptible endpoint picks). */
  static Optional<Integer> exposedPort(Deploy deploy) {
    if (deploy == null) {
      return Optional.empty();
    }
    Optional<Path> dockerfile = repoOf(deploy).map(r -> r.resolve("Dockerfile")).filter(Files::isRegularFile);
    if (dockerfile.isEmpty()) {
      return Optional.empty();
    }
    try {
      Matcher m = EXPOSE.matcher(Files.readString(dockerfile.get(), StandardCharsets.UTF_8));
      Optional<Integer> lowest = Optional.empty();
      while (m.find()) {
        int p = Integer.parseInt(m.group(1));
        lowest = Optional.of(lowest.map(l -> Math.min(l, p)).orElse(p));
      }
      return lowest;
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
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

  static String fingerprint(String source, String environment, String app, String dbHandle) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((source + "\n" + environment + "\n" + app + "\n"
          + (dbHandle == null ? "-" : dbHandle)).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static List<PlannedStep> steps(Settings s, AppInventory inv, Optional<PostgresInfo> sourceDb, DatabaseSpec spec,
      String dbHandle, List<ServicePlan> services, List<EndpointPlan> endpoints, List<ConfigDecision> config,
      List<RepoPreparation.Change> repoChanges, Path journal, Path work) {
    List<PlannedStep> out = new ArrayList<>();
    boolean db = sourceDb.isPresent();
    String app = s.source.name();
    String target = s.target.environment() + "/" + s.target.handle();
    for (MigrationStep step : MigrationStep.values()) {
      boolean run = db || !step.isDataStep();
      String detail = switch (step) {
        case INVENTORY -> inv.toString();
        case PREFLIGHT -> "disk space in " + work + (db ? ", " + s.restore + " can restore PostgreSQL "
            + sourceDb.get().version() : "") + ", inputs re-checked";
        case PREPARE_REPO -> repoChanges.isEmpty() ? "nothing to write: the repository is ready"
            : repoChanges.stream().map(c -> c.path() + " (" + c.why() + ")").reduce((a, b) -> a + "; " + b).orElse("");
        case CREATE_APP -> "apps:create " + s.target.handle() + " in " + s.target.environment() + " (reused if ours)";
        case CREATE_DATABASE -> db ? "db:create " + dbHandle + " --type " + spec.type() + " --version " + spec.version()
            + " --disk-size " + spec.diskSizeGb() + " --container-size " + spec.containerSizeMb() + " (reused if it exists)"
            : "skipped: the source has no database";
        case MAINTENANCE_ON -> "heroku maintenance:on -a " + app + " (downtime starts; the time is journalled)";
        case CAPTURE -> db ? "pg:backups:capture " + sourceDb.get().attachmentName() + ", download to " + work.resolve("dumps")
            + " (0600 in 0700), SHA-256 journalled" : "skipped: the source has no database";
        case TUNNEL -> db ? "db:tunnel " + dbHandle : "skipped: the source has no database";
        case RESTORE -> db ? s.restore + " into " + dbHandle + (s.replaceExisting ? " (replacing existing data)" : " (must be empty)")
            : "skipped: the source has no database";
        case VERIFY -> db ? "row counts, sequences, objects, extensions and settings against the source; a mismatch stops here"
            : "skipped: the source has no database";
        case CONFIGURE -> config.stream().filter(c -> c.action() != ConfigDecision.Action.SKIP).count() + " vars set on "
            + target + ", " + config.stream().filter(c -> c.action() == ConfigDecision.Action.SKIP).count() + " skipped";
        case DEPLOY -> describe(s.deploy);
        case SCALE -> services.stream().map(sp -> sp.service() + "=" + sp.count() + "x" + sp.containerSizeMb() + "MB")
            .reduce((a, b) -> a + " " + b).orElse("no services") + (endpoints.isEmpty() ? "; no endpoint"
            : "; HTTPS endpoint for " + endpoints.get(0).service() + (endpoints.get(0).domains().isEmpty()
            ? " (default domain)" : " " + endpoints.get(0).domains()));
        case REPORT -> "JSON and Markdown in " + work + "; journal " + journal;
      };
      out.add(new PlannedStep(step, run, detail));
    }
    return List.copyOf(out);
  }

  static String describe(Deploy deploy) {
    if (deploy instanceof Deploy.Git g) {
      return "git push " + g.branch() + ":master from " + g.repo();
    }
    if (deploy instanceof Deploy.DockerImage d) {
      return "deploy --docker-image " + d.image() + (d.credentials().isPresent() ? " (private registry)" : "");
    }
    return "none";
  }
}
