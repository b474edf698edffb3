package dev.cutover.aptible;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RepoPreparer} does to a repository: the files and why, the detected language, the
 * port the app should listen on (set {@code PORT} to it), and warnings for the user.
 *
 * @param repo the repository
 * @param language the detected language, {@code UNKNOWN} when none
 * @param port the port the Dockerfile exposes and {@code PORT} should be set to
 * @param services the process types that become Aptible services (without {@code release})
 * @param beforeDeploy the {@code .aptible.yml} {@code before_deploy} commands (Heroku's release phase)
 * @param changes the files, in the order they are written
 * @param warnings things the user should check by hand
 */
public record RepoPlan(Path repo, RepoPreparer.Language language, int port, List<String> services,
    List<String> beforeDeploy, List<RepoChange> changes, List<String> warnings) {
  public RepoPlan {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(language, "language");
    services = List.copyOf(services);
    beforeDeploy = List.copyOf(beforeDeploy);
    changes = List.copyOf(changes);
    warnings = List.copyOf(warnings);
  }

  /** The changes that write a file ({@code CREATE} and {@code UPDATE}). */
  public List<RepoChange> writes() {
    return changes.stream().filter(c -> c.action() != RepoChange.Action.KEEP).toList();
  }

  /** The change for {@code path}, if any. */
  public Optional<RepoChange> change(String path) {
    return changes.stream().filter(c -> c.path().equals(path)).findFirst();
  }

  /** A readable summary: one line per change, then the warnings. */
  public String render() {
    StringBuilder sb = new StringBuilder("Repository " + repo + " (" + language + ", port " + port + ")\n");
    changes.forEach(c -> sb.append("  ").append(c).append('\n'));
    warnings.forEach(w -> sb.append("  warning: ").append(w).append('\n'));
    return sb.toString();
  }
}
