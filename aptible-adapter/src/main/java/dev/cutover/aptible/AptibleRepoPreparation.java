package dev.cutover.aptible;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoFinding.Severity;
import dev.cutover.aptible.internal.repo.GitCommit;
import dev.cutover.core.GitException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.spi.RepoPreparation.Finding;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Step 3 of the migration pipeline through {@link RepoPreparer}: writes the Dockerfile, Procfile and
 * {@code .aptible.yml} changes and, for a git deploy, commits them on the deployed branch (the push
 * sends commits, not the work tree). Found by {@code Migration} with {@link java.util.ServiceLoader}.
 *
 * <p>The commit holds exactly the files the preparer writes, even those {@code .gitignore} matches
 * (a repository that ignores {@code .*} still gets its {@code .aptible.yml}); other changes in the
 * work tree, staged or not, are left alone. After committing, the commit is read back and must hold
 * every file as written. A git deploy needs the deployed branch checked out, so the commit lands on
 * it. Stateless.
 */
public final class AptibleRepoPreparation implements RepoPreparation {
  private static final String STEP = "prepare-repo";
  private static final List<String> PREPARED = List.of("Dockerfile", "Procfile", ".aptible.yml", ".aptible");

  /** A preparation with {@link RepoPreparer}'s defaults (existing files are kept). */
  public AptibleRepoPreparation() {}

  /**
   * The files {@link RepoPreparer} would write and the port the prepared repository serves: the
   * requested one, else a kept Dockerfile's routed {@code EXPOSE} (Aptible's lexicographically lowest),
   * else the generated template's port. The deployability check's errors come back as blocking
   * findings (the run refuses until they are fixed), its warnings as warnings, and the rest as notes:
   * what the preparation did, one-off commands ({@code app.json} {@code postdeploy}), variables the
   * code reads that Aptible will not set; config vars Heroku manages that the code reads are to be
   * kept. A deploy without a repository (an image alone) changes nothing and serves the requested
   * port, else 3000.
   *
   * @throws ValidationException when the repository is not usable, or its own Dockerfile routes
   *     another port than the requested one
   */
  @Override
  public Preview preview(Deploy deploy, AppInventory inventory, int requestedPort) {
    OptionalInt requested = requestedPort == 0 ? OptionalInt.empty() : OptionalInt.of(requestedPort);
    Optional<RepoPlan> plan = plan(deploy, inventory, requested);
    if (plan.isEmpty()) {
      return new Preview(List.of(), requestedPort != 0 ? requestedPort : DEFAULT_PORT,
          requestedPort != 0 ? "as requested" : "the default (no repository to read an EXPOSE from)", List.of());
    }
    boolean kept = plan.get().change("Dockerfile").filter(c -> c.action() == RepoChange.Action.KEEP).isPresent();
    if (kept && requestedPort != 0) {
      int own = plan(deploy, inventory, OptionalInt.empty()).orElseThrow().port();
      if (own != requestedPort) {
        throw new ValidationException(STEP, List.of(new ValidationException.Problem("port", Integer.toString(requestedPort),
            "the repository's own Dockerfile EXPOSEs " + own + ", the port Aptible routes HTTPS endpoints to (the"
            + " lowest exposed port, compared as text)", "pass port " + own + ", or make the Dockerfile EXPOSE "
            + requestedPort + " only")));
      }
    }
    String reason = requestedPort != 0 ? "as requested" : kept ? "the Dockerfile's EXPOSE (the port Aptible routes to)"
        : plan.get().change("Dockerfile").isPresent() ? "the generated " + plan.get().language() + " Dockerfile's EXPOSE"
        : "the " + plan.get().language() + " default";
    return preview(plan.get(), reason);
  }

  /**
   * The plan's findings as the migration plan lists them: errors block the run, warnings are warnings,
   * the rest (what was done, one-off commands, variables Aptible will not set) are notes.
   */
  private static Preview preview(RepoPlan plan, String portReason) {
    List<Finding> blocking = plan.findings(Severity.ERROR).stream().map(f -> new Finding(f.location(),
        "[" + f.rule() + "] " + f.problem(), f.fix())).toList();
    List<String> warnings = plan.findings(Severity.WARNING).stream().map(RepoFinding::toString).toList();
    List<String> notes = new ArrayList<>(plan.findings(Severity.INFO).stream().map(RepoFinding::toString).toList());
    plan.oneOffs().forEach(c -> notes.add("one-off command Heroku ran once (not run by the migration; run it by hand"
        + " only if the Aptible database starts empty): " + c));
    if (!plan.missingConfigVars().isEmpty()) {
      notes.add("the code reads variables Heroku set and Aptible will not: " + String.join(", ", plan.missingConfigVars())
          + " (each finding above says what to do)");
    }
    return new Preview(changes(plan.writes()), plan.port(), portReason, warnings, blocking, notes, plan.keepConfigVars());
  }

  /**
   * What {@link #apply(Deploy, AppInventory, OptionalInt)} would do, with every finding, without
   * writing anything: the files, the port the prepared image listens on, the findings of the
   * deployability check (including files {@code .gitignore} would have left out of the commit),
   * the one-off commands and the config-var decisions.
   *
   * @param deploy the deploy (its repository, for git and image deploys that have one)
   * @param inventory the Heroku app's inventory
   * @param port the port the migration plan decided, or empty to let the repository decide
   *     (a kept Dockerfile's EXPOSE, else the language's default)
   * @return the plan, or empty when the deploy has no repository
   * @throws ValidationException when the repository or the branch is not usable
   */
  public Optional<RepoPlan> plan(Deploy deploy, AppInventory inventory, OptionalInt port) {
    Optional<Path> repo = repoOf(deploy);
    if (repo.isEmpty()) {
      return Optional.empty();
    }
    RepoPlan plan = preparer(repo.get(), deploy, inventory, port).plan();
    if (deploy instanceof Deploy.Git g) {
      if (!plan.writes().isEmpty()) {
        checkBranch(g);
      }
      List<String> ignored = GitCommit.ignored(g.repo(), plan.writes().stream().map(RepoChange::path).toList());
      if (!ignored.isEmpty()) {
        List<RepoFinding> findings = new ArrayList<>(plan.findings());
        ignored.forEach(p -> findings.add(new RepoFinding(Severity.INFO, Rule.COMMIT, p, 0, ".gitignore matches "
            + p + ", so git add would leave it out of the commit Aptible builds", "committed anyway (as git add -f)"
            + " and checked to be in the commit")));
        plan = new RepoPlan(plan.repo(), plan.language(), plan.port(), plan.services(), plan.beforeDeploy(),
            plan.changes(), findings, plan.oneOffs(), plan.keepConfigVars(), plan.missingConfigVars());
      }
    }
    return Optional.of(plan);
  }

  /** Writes what {@link #preview} listed, for the plan's {@code port}, and commits it for a git deploy. */
  @Override
  public List<Change> apply(Deploy deploy, AppInventory inventory, int port) {
    return apply(deploy, inventory, OptionalInt.of(port));
  }

  /**
   * Writes the changes with the plan's port and, for a git deploy, commits them on the deployed
   * branch. Repeating it after success changes nothing and returns an empty list.
   *
   * @param deploy the deploy
   * @param inventory the Heroku app's inventory
   * @param port the port the migration plan decided, or empty (see {@link #plan})
   * @return the files written
   * @throws GitException when the commit cannot be made or does not hold a written file
   */
  public List<Change> apply(Deploy deploy, AppInventory inventory, OptionalInt port) {
    Optional<Path> repo = repoOf(deploy);
    if (repo.isEmpty()) {
      return List.of();
    }
    if (deploy instanceof Deploy.Git g) {
      checkBranch(g);
    }
    List<RepoChange> writes = preparer(repo.get(), deploy, inventory, port).apply().writes();
    if (deploy instanceof Deploy.Git g) {
      GitCommit.commit(g.repo(), prepared(g.repo()), new PersonIdent("Cutover", "cutover@localhost"),
          "Re-organization for Aptible (Dockerfile, Procfile, .aptible.yml)");
    }
    return changes(writes);
  }

  private static List<Change> changes(List<RepoChange> writes) {
    return writes.stream().map(c -> new Change(c.path(), c.reason())).toList();
  }

  private static RepoPreparer preparer(Path repo, Deploy deploy, AppInventory inventory, OptionalInt port) {
    RepoPreparer p = RepoPreparer.forRepo(repo).inventory(inventory).deployMethod(RepoPreparer.DeployMethod.of(deploy));
    port.ifPresent(p::port);
    return p;
  }

  private static Optional<Path> repoOf(Deploy deploy) {
    if (deploy instanceof Deploy.Git g) {
      return Optional.of(g.repo());
    }
    return deploy instanceof Deploy.DockerImage d ? d.repo() : Optional.empty();
  }

  /** The preparer's files in the work tree, also after an earlier run that wrote but did not commit. */
  private static List<String> prepared(Path repo) {
    List<String> paths = new ArrayList<>();
    for (String p : PREPARED) {
      Path file = repo.resolve(p);
      if (Files.isRegularFile(file)) {
        paths.add(p);
      } else if (Files.isDirectory(file)) {
        try (Stream<Path> walk = Files.walk(file)) {
          walk.filter(Files::isRegularFile).forEach(f -> paths.add(repo.relativize(f).toString().replace('\\', '/')));
        } catch (IOException e) {
          throw new GitException(STEP, STEP + ": cannot list " + file + " (" + e.getMessage() + ")", false, e);
        }
      }
    }
    return paths;
  }

  private static void checkBranch(Deploy.Git deploy) {
    try (Git git = Git.open(deploy.repo().toFile())) {
      String current = git.getRepository().getBranch();
      if (!deploy.branch().equals(current)) {
        throw new ValidationException(STEP, List.of(new ValidationException.Problem("deploy.branch", deploy.branch(),
            "is not checked out (HEAD is " + current + "); the prepared files are committed on the deployed branch",
            "run `git checkout " + deploy.branch() + "` in " + deploy.repo() + " first")));
      }
    } catch (IOException e) {
      throw new GitException(STEP, STEP + ": cannot open the repository " + deploy.repo() + " (" + e.getMessage() + ")",
          false, e);
    }
  }

  @Override
  public String toString() {
    return "AptibleRepoPreparation";
  }
}
