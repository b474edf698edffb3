package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.PostgresInfo;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.spi.TargetRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The checks of the caller's inputs that need no decision: the deploy, the database spec against the
 * source. The target platform's own limits (names, sizes, images) are its port's {@link TargetRules}.
 */
final class InputChecks {
  private static final long GB = 1024L * 1024 * 1024;

  private InputChecks() {}

  static void deploy(Optional<Deploy> deploy, TargetRules rules, ValidationException.Collector problems) {
    if (deploy.isEmpty()) {
      problems.add("deploy", "none", "is required", "pass .deploy(Deploy.git(repoDir, \"main\")) or .deploy(Deploy.dockerImage(image))");
    } else if (deploy.get() instanceof Deploy.Git g) {
      if (!Files.isDirectory(g.repo())) {
        problems.add("deploy.repo", g.repo(), "is not a directory", "pass the app's git repository");
      } else if (!Files.exists(g.repo().resolve(".git"))) {
        problems.add("deploy.repo", g.repo(), "is not a git repository (no .git)", "run `git init` and commit the app, or pass its repository");
      }
      if (g.branch().isBlank()) {
        problems.add("deploy.branch", g.branch(), "is blank", "pass the branch to deploy, e.g. main");
      }
      g.sshKey().filter(k -> !Files.isReadable(k)).ifPresent(k ->
          problems.add("deploy.sshKey", k, "cannot be read", "pass the private key registered with Aptible"));
    } else if (deploy.get() instanceof Deploy.DockerImage d) {
      rules.checkImage(d.image(), problems);
      d.credentials().filter(c -> c.username().isBlank()).ifPresent(c ->
          problems.add("deploy.credentials.username", c.username(), "is blank", "pass the registry user name"));
    }
  }

  /** The target database for the source's database: the caller's spec, checked, or one derived from the source. */
  static Optional<DatabaseSpec> database(Optional<DatabaseSpec> given, Optional<PostgresInfo> sourceDb,
      ValidationException.Collector problems) {
    if (sourceDb.isEmpty()) {
      given.ifPresent(spec -> problems.add("database", spec.version(), "the source app has no Heroku Postgres database to migrate",
          "drop .database(...) or attach the database to the source app"));
      return Optional.empty();
    }
    PostgresInfo db = sourceDb.get();
    long dataGb = db.dataSizeBytes() < 0 ? 0 : (db.dataSizeBytes() + GB - 1) / GB;
    if (given.isEmpty()) {
      if (db.majorVersion() == 0) {
        problems.add("database.version", db.version(), "the source database's version is not known",
            "pass .database(DatabaseSpec.postgresql(\"16\")) with at least the source's major version");
        return Optional.empty();
      }
      int disk = (int) Math.max(DatabaseSpec.DEFAULT_DISK_GB, dataGb * 2);
      return Optional.of(DatabaseSpec.postgresql(Integer.toString(db.majorVersion())).diskSizeGb(disk));
    }
    DatabaseSpec spec = given.get();
    if (!"postgresql".equals(spec.type())) {
      problems.add("database.type", spec.type(), "only PostgreSQL data is migrated", "use DatabaseSpec.postgresql(version)");
    }
    if (!spec.version().matches("\\d+(\\.\\d+)?")) {
      problems.add("database.version", spec.version(), "is not a PostgreSQL version", "pass a major version, e.g. 16");
    } else if (db.majorVersion() > 0 && Integer.parseInt(spec.version().split("\\.")[0]) < db.majorVersion()) {
      problems.add("database.version", spec.version(), "is older than the source's PostgreSQL " + db.version(),
          "pass " + db.majorVersion() + " or newer");
    }
    if (spec.diskSizeGb() >= 1 && spec.diskSizeGb() < dataGb) {
      problems.add("database.diskSizeGb", spec.diskSizeGb(), "is smaller than the source's data (" + dataGb + " GB)",
          "pass at least " + dataGb * 2 + " GB to leave room for indexes and growth");
    }
    return Optional.of(spec);
  }

  /** A git deploy needs a Dockerfile at the root: the repository's own, or one the preparation writes. */
  static void dockerfile(Deploy deploy, RepoPreparation preparation, List<RepoPreparation.Change> changes,
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
    return deploy instanceof Deploy.DockerImage d ? d.repo() : Optional.empty();
  }
}
