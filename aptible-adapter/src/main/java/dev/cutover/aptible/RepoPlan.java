package dev.cutover.aptible;

import dev.cutover.aptible.RepoFinding.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link RepoPreparer} does to a repository and what it found: the files and why, the detected
 * language, the port the image exposes (set {@code PORT} to it), the services and
 * {@code before_deploy} commands Aptible will run, and every finding of the deployability check,
 * with the decisions a migration plan acts on (config vars to keep, variables Aptible will not set,
 * one-off commands to run by hand).
 *
 * @param repo the repository
 * @param language the detected language, {@code UNKNOWN} when none
 * @param port the port the Dockerfile exposes and {@code PORT} should be set to
 * @param services the process types that become Aptible services (without {@code release})
 * @param beforeDeploy the {@code .aptible.yml} {@code before_deploy} commands (Heroku's release phase)
 * @param changes the files, in the order they are written
 * @param findings what the deployability check found, in the order found
 * @param oneOffs commands Heroku ran once ({@code app.json} {@code postdeploy}); not run by the migration
 * @param keepConfigVars Heroku-managed config vars the code reads whose Heroku value should be copied
 *     (e.g. {@code HEROKU_APP_NAME})
 * @param missingConfigVars variables the code reads that Heroku set and Aptible will not (e.g.
 *     {@code JDBC_DATABASE_URL}, {@code DYNO}); see the {@link RepoFinding.Rule#HEROKU_ENV} findings for fixes
 */
public record RepoPlan(Path repo, RepoPreparer.Language language, int port, List<String> services,
    List<String> beforeDeploy, List<RepoChange> changes, List<RepoFinding> findings, List<String> oneOffs,
    List<String> keepConfigVars, List<String> missingConfigVars) {
  /** Validates the components and copies the lists. */
  public RepoPlan {
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(language, "language");
    services = List.copyOf(services);
    beforeDeploy = List.copyOf(beforeDeploy);
    changes = List.copyOf(changes);
    findings = List.copyOf(findings);
    oneOffs = List.copyOf(oneOffs);
    keepConfigVars = List.copyOf(keepConfigVars);
    missingConfigVars = List.copyOf(missingConfigVars);
  }

  /** The changes that write a file ({@code CREATE} and {@code UPDATE}). */
  public List<RepoChange> writes() {
    return changes.stream().filter(c -> c.action() != RepoChange.Action.KEEP).toList();
  }

  /** The change for {@code path}, if any. */
  public Optional<RepoChange> change(String path) {
    return changes.stream().filter(c -> c.path().equals(path)).findFirst();
  }

  /** The findings of {@code severity}. */
  public List<RepoFinding> findings(Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).toList();
  }

  /** The errors and warnings as sentences ({@link RepoFinding#toString()}), for a plain list of things to check. */
  public List<String> warnings() {
    return findings.stream().filter(f -> f.severity() != Severity.INFO).map(RepoFinding::toString).toList();
  }

  /** A readable summary: one line per change, then the findings, one-offs and config decisions. */
  public String render() {
    StringBuilder sb = new StringBuilder("Repository " + repo + " (" + language + ", port " + port + ")\n");
    changes.forEach(c -> sb.append("  ").append(c).append('\n'));
    findings.forEach(f -> sb.append("  ").append(f).append('\n'));
    oneOffs.forEach(c -> sb.append("  one-off, by hand if the database starts empty: ").append(c).append('\n'));
    if (!keepConfigVars.isEmpty()) {
      sb.append("  keep these Heroku config vars (the code reads them): ").append(keepConfigVars).append('\n');
    }
    if (!missingConfigVars.isEmpty()) {
      sb.append("  the code reads variables Aptible will not set: ").append(missingConfigVars).append('\n');
    }
    return sb.toString();
  }
}
