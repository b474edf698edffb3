package dev.cutover.aptible;

import dev.cutover.aptible.internal.repo.Preparation;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a Heroku app's repository into one Aptible builds and runs as Heroku did (guide steps 1
 * and 2), and checks it against the deployability rules.
 *
 * <pre>{@code
 * RepoPlan plan = RepoPreparer.forRepo(Path.of("."))
 *     .inventory(herokuInventory)             // buildpacks, stack, process types, config var names
 *     .deployMethod(RepoPreparer.DeployMethod.GIT)
 *     .plan();                                // computes, writes nothing
 * System.out.println(plan.render());          // changes and findings
 * plan = RepoPreparer.forRepo(Path.of(".")).inventory(herokuInventory).apply();   // writes
 * }</pre>
 *
 * <ul>
 *   <li>A {@code Dockerfile} when there is none, built the way Heroku's buildpack for the language
 *       built the app (the live buildpack list wins over {@code app.json}, as on Heroku): the runtime
 *       version from every place Heroku reads it, pinned; the package manager and lockfile, frozen;
 *       the buildpack's build steps; development dependencies left out. A build stage sees the
 *       repository and {@code .aptible.env}; the final stage copies only from it, so no config var
 *       lands in an image layer.
 *   <li>A kept Dockerfile is checked, not trusted: {@link RepoPlan#findings()} lists each rule it
 *       breaks with the line and the fix.
 *   <li>Heroku's {@code release:} (or {@code heroku.yml} {@code release}) moves to {@code .aptible.yml}
 *       {@code before_deploy}; under an image ENTRYPOINT, commands that need a shell are wrapped in
 *       {@code sh -c} (and the finding says so).
 *   <li>The Procfile stays at the root for git deploys and is copied to {@code .aptible/Procfile}
 *       (with {@code .aptible.yml}) for image deploys; without one it is written from Heroku's
 *       process types.
 *   <li>The source is scanned for variables Heroku set that Aptible will not ({@code JDBC_DATABASE_URL},
 *       {@code DYNO}, {@code HEROKU_APP_NAME}).
 * </ul>
 *
 * <p>A user's file is never replaced unless {@link #overwrite(boolean)} says so; the edits the release
 * move needs keep every other line and are reported as {@code UPDATE}. {@link #plan()} touches
 * nothing; {@link #apply()} writes exactly what the plan lists, and a second {@code apply()} writes
 * nothing. The port is an input ({@link #port(int)}) and an output ({@link RepoPlan#port()}): what the
 * generated Dockerfile exposes and {@code PORT} must be set to. Not thread-safe while being
 * configured; {@code plan}/{@code apply} read the repository each time.
 */
public final class RepoPreparer {
  private static final Pattern FROM = Pattern.compile("(?im)^\\s*FROM\\s+\\S");
  private static final Pattern PROCFILE_LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.*)$");

  /** The languages Cutover builds, with the port a generated Dockerfile exposes unless told otherwise. */
  public enum Language {
    /** Node.js (npm, Yarn 1, Yarn Berry, pnpm), port 3000. */
    NODE(3000),
    /** Python (pip, Pipenv, Poetry, uv), port 8000. */
    PYTHON(8000),
    /** Ruby (Bundler; Rails assets), port 3000. */
    RUBY(3000),
    /** Java built with Maven, port 8080. */
    JAVA_MAVEN(8080),
    /** Java built with Gradle, port 8080. */
    JAVA_GRADLE(8080),
    /** Scala built with sbt (Play included), port 8080. */
    SCALA(8080),
    /** Clojure built with Leiningen, port 8080. */
    CLOJURE(8080),
    /** Go modules, port 8080. */
    GO(8080),
    /** PHP with Composer on Apache or nginx, port 8080. */
    PHP(8080),
    /** No recipe: the user adds a Dockerfile. */
    UNKNOWN(8080);

    private final int defaultPort;

    Language(int defaultPort) {
      this.defaultPort = defaultPort;
    }

    /** The port a generated Dockerfile exposes unless told otherwise. */
    public int defaultPort() {
      return defaultPort;
    }
  }

  /** How the app reaches Aptible, which decides where the Procfile and {@code .aptible.yml} go. */
  public enum DeployMethod {
    /** Git push: Aptible builds the root Dockerfile; Procfile and .aptible.yml at the root. */
    GIT,
    /** A prebuilt image: Procfile and .aptible.yml under {@code /.aptible/} in the image. */
    IMAGE;

    /**
     * The method a {@link Deploy} uses.
     *
     * @param deploy the deploy
     * @return {@code IMAGE} for a Docker image deploy, else {@code GIT}
     */
    public static DeployMethod of(Deploy deploy) {
      return deploy instanceof Deploy.DockerImage ? IMAGE : GIT;
    }
  }

  private final Path repo;
  private Optional<AppInventory> inventory = Optional.empty();
  private DeployMethod deployMethod = DeployMethod.GIT;
  private Optional<Integer> port = Optional.empty();
  private boolean overwrite;

  private RepoPreparer(Path repo) {
    this.repo = Objects.requireNonNull(repo, "repo");
  }

  /**
   * A preparer for the repository (work tree) at {@code repo}.
   *
   * @param repo the repository's root
   * @return a preparer with the defaults (git deploy, existing files kept)
   */
  public static RepoPreparer forRepo(Path repo) {
    return new RepoPreparer(repo);
  }

  /**
   * The Heroku app's inventory: buildpacks (which win over {@code app.json}), stack, process types,
   * config var names (optional).
   *
   * @param inventory the inventory
   * @return this preparer
   */
  public RepoPreparer inventory(AppInventory inventory) {
    this.inventory = Optional.of(Objects.requireNonNull(inventory, "inventory"));
    return this;
  }

  /**
   * Git (default) or image deploy.
   *
   * @param method the deploy method
   * @return this preparer
   */
  public RepoPreparer deployMethod(DeployMethod method) {
    this.deployMethod = Objects.requireNonNull(method, "method");
    return this;
  }

  /**
   * The port the app listens on, as the migration plan decided it: a generated Dockerfile exposes it
   * and sets {@code PORT} to it; a kept Dockerfile is checked against it. Default: a kept
   * Dockerfile's {@code EXPOSE}, else the language's {@link Language#defaultPort()}.
   *
   * @param port a TCP port
   * @return this preparer
   */
  public RepoPreparer port(int port) {
    this.port = Optional.of(port);
    return this;
  }

  /**
   * Whether generated files replace existing ones (default false: existing files are kept and checked).
   *
   * @param overwrite true to replace
   * @return this preparer
   */
  public RepoPreparer overwrite(boolean overwrite) {
    this.overwrite = overwrite;
    return this;
  }

  /**
   * Computes the changes and findings without writing anything.
   *
   * @return the plan
   * @throws ValidationException when the repository, a Procfile line, the Dockerfile or the port is invalid
   * @throws MigrationException when a file cannot be read
   */
  public RepoPlan plan() {
    ValidationException.Collector problems = ValidationException.collector("prepare-repo");
    if (!Files.isDirectory(repo)) {
      problems.add("repo", repo, "is not a directory", "point at the app's repository");
    }
    port.filter(p -> p < 1 || p > 65535).ifPresent(p -> problems.add("port", p, "is not a TCP port", "e.g. 3000"));
    try {
      if (Files.isDirectory(repo)) {
        checkFiles(problems);
      }
      problems.throwIfAny();
      return new Preparation(repo, inventory, deployMethod, port, overwrite).compute();
    } catch (IOException | UncheckedIOException e) {
      throw new MigrationException("prepare-repo", "prepare-repo: cannot read " + repo + ": " + e.getMessage(), false, e);
    }
  }

  /**
   * Computes the changes and writes them. Blocks on file I/O.
   *
   * @return the plan that was applied
   * @throws MigrationException when a file cannot be written
   */
  public RepoPlan apply() {
    RepoPlan plan = plan();
    for (RepoChange change : plan.writes()) {
      Path file = repo.resolve(change.path());
      try {
        Files.createDirectories(file.getParent());
        // Written beside it, then renamed: a process killed mid-write leaves the old file or the new
        // one, never a truncated Dockerfile that the resumed run would reject (SigkillResumeTest).
        Path partial = file.resolveSibling("." + file.getFileName() + ".cutover-partial");
        Files.writeString(partial, change.content());
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new MigrationException("prepare-repo", "prepare-repo: cannot write " + file + ": " + e.getMessage(),
            false, e);
      }
    }
    return plan;
  }

  /** A Procfile line that is neither blank, a comment, nor {@code name: command}; a Dockerfile with no {@code FROM}. */
  private void checkFiles(ValidationException.Collector problems) throws IOException {
    Path procfile = repo.resolve("Procfile");
    if (Files.isRegularFile(procfile)) {
      String[] lines = Files.readString(procfile).split("\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (!line.isEmpty() && !line.startsWith("#") && !PROCFILE_LINE.matcher(line).matches()) {
          problems.add("Procfile", "line " + (i + 1) + ": " + line, "is not a process entry",
              "write each entry as `name: command` (e.g. `web: npm start`), or comment it out with #");
        }
      }
    }
    Path dockerfile = repo.resolve("Dockerfile");
    if (Files.isRegularFile(dockerfile) && !FROM.matcher(Files.readString(dockerfile)).find()) {
      problems.add("Dockerfile", dockerfile.toString(), "has no FROM instruction, so Aptible cannot build it",
          "start it with a base image, e.g. `FROM node:24.19.0-bookworm`, or delete it to have one written");
    }
  }

  @Override
  public String toString() {
    return "RepoPreparer[" + repo + ", " + deployMethod + (overwrite ? ", overwrite" : "") + "]";
  }
}
