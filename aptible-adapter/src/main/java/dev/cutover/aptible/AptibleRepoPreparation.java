package dev.cutover.aptible;

import dev.cutover.core.GitException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.spi.RepoPreparation;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.Status;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * Step 3 of the migration pipeline through {@link RepoPreparer}: writes the Dockerfile, Procfile and
 * {@code .aptible.yml} changes and, for a git deploy, commits them on the deployed branch (the push
 * sends commits, not the work tree). Found by {@code Migration} with {@link java.util.ServiceLoader}.
 *
 * <p>The commit holds only the files the preparer writes; other changes in the work tree are left
 * alone. A git deploy needs the deployed branch checked out, so the commit lands on it. Stateless.
 */
public final class AptibleRepoPreparation implements RepoPreparation {
  private static final String STEP = "prepare-repo";
  private static final List<String> PREPARED = List.of("Dockerfile", "Procfile", ".aptible.yml", ".aptible");

  /** A preparation with {@link RepoPreparer}'s defaults (existing files are kept). */
  public AptibleRepoPreparation() {}

  /**
   * The files {@link RepoPreparer} would write and the port the prepared repository serves: the
   * requested one (refused when the repository's own Dockerfile exposes another), else the
   * Dockerfile's routed {@code EXPOSE}, else the generated template's port. A deploy without a
   * repository (an image alone) changes nothing and serves the requested port, else 3000.
   */
  @Override
  public Preview preview(Deploy deploy, AppInventory inventory, int requestedPort) {
    Optional<Path> repo = repoOf(deploy);
    if (repo.isEmpty()) {
      return new Preview(List.of(), requestedPort != 0 ? requestedPort : DEFAULT_PORT,
          requestedPort != 0 ? "as requested" : "the default (no repository to read an EXPOSE from)", List.of());
    }
    RepoPlan plan = preparer(repo.get(), deploy, inventory, requestedPort).plan();
    if (deploy instanceof Deploy.Git g && !plan.writes().isEmpty()) {
      checkBranch(g);
    }
    return new Preview(changes(plan), plan.port(), portReason(plan, requestedPort), plan.warnings());
  }

  /** Writes what {@link #preview} listed, for {@code port}, and commits it on the deployed branch for a git deploy. */
  @Override
  public List<Change> apply(Deploy deploy, AppInventory inventory, int port) {
    Optional<Path> repo = repoOf(deploy);
    if (repo.isEmpty()) {
      return List.of();
    }
    if (deploy instanceof Deploy.Git g) {
      checkBranch(g);
    }
    RepoPlan plan = preparer(repo.get(), deploy, inventory, port).apply();
    if (deploy instanceof Deploy.Git g) {
      commit(g);
    }
    return changes(plan);
  }

  private static List<Change> changes(RepoPlan plan) {
    return plan.writes().stream().map(c -> new Change(c.path(), c.reason())).toList();
  }

  private static String portReason(RepoPlan plan, int requestedPort) {
    if (requestedPort != 0) {
      return "as requested";
    }
    Optional<RepoChange.Action> dockerfile = plan.change("Dockerfile").map(RepoChange::action);
    if (dockerfile.filter(a -> a == RepoChange.Action.KEEP).isPresent()) {
      return plan.warnings().stream().anyMatch(w -> w.contains("no EXPOSE")) ? "the " + plan.language()
          + " default: the Dockerfile has no EXPOSE (add one)" : "the Dockerfile's EXPOSE (the port Aptible routes to)";
    }
    return dockerfile.isPresent() ? "the generated " + plan.language() + " Dockerfile's EXPOSE"
        : "the " + plan.language() + " default";
  }

  private static RepoPreparer preparer(Path repo, Deploy deploy, AppInventory inventory, int port) {
    RepoPreparer preparer = RepoPreparer.forRepo(repo).inventory(inventory).deployMethod(RepoPreparer.DeployMethod.of(deploy));
    return port == 0 ? preparer : preparer.port(port);
  }

  private static Optional<Path> repoOf(Deploy deploy) {
    if (deploy instanceof Deploy.Git g) {
      return Optional.of(g.repo());
    }
    return deploy instanceof Deploy.DockerImage d ? d.repo() : Optional.empty();
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

  /** Commits whatever the preparer's files differ from HEAD by, also after an earlier run that wrote but did not commit. */
  private static void commit(Deploy.Git deploy) {
    try (Git git = Git.open(deploy.repo().toFile())) {
      Set<String> paths = new LinkedHashSet<>();
      for (String p : PREPARED) {
        if (Files.exists(deploy.repo().resolve(p))) {
          paths.add(p);
        }
      }
      if (paths.isEmpty()) {
        return;
      }
      var add = git.add();
      paths.forEach(add::addFilepattern);
      add.call();
      var rm = git.add().setUpdate(true);
      paths.forEach(rm::addFilepattern);
      rm.call();
      Status status = git.status().call();
      Set<String> staged = new LinkedHashSet<>();
      staged.addAll(status.getAdded());
      staged.addAll(status.getChanged());
      staged.addAll(status.getRemoved());
      if (staged.isEmpty()) {
        return;
      }
      PersonIdent who = new PersonIdent("Cutover", "cutover@localhost");
      var commit = git.commit().setMessage("Re-organization for Aptible (Dockerfile, Procfile, .aptible.yml)")
          .setAuthor(who).setCommitter(who).setSign(false);
      staged.forEach(commit::setOnly);
      commit.call();
    } catch (IOException | GitAPIException e) {
      throw new GitException(STEP, STEP + ": cannot commit the prepared files in " + deploy.repo() + " ("
          + e.getMessage() + "); commit Dockerfile, Procfile and .aptible.yml by hand, then resume", false, e);
    }
  }

  @Override
  public String toString() {
    return "AptibleRepoPreparation";
  }
}
