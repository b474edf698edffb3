package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoChange;
import dev.cutover.aptible.RepoChange.Action;
import dev.cutover.aptible.RepoFinding.Rule;
import java.util.List;
import java.util.Optional;

/** {@code .aptible.yml}'s {@code before_deploy}: where Heroku's release phase goes. Not API. */
final class AptibleYml {
  private AptibleYml() {}

  /**
   * Adds the change that puts {@code commands} in {@code before_deploy}, keeping the rest of an
   * existing file; an existing, different {@code before_deploy} is replaced only with
   * {@code overwrite}, else reported.
   *
   * @return whether {@code before_deploy} will hold the commands
   */
  static boolean write(RepoFiles files, List<String> commands, boolean overwrite, List<RepoChange> changes,
      Findings findings) {
    if (commands.isEmpty()) {
      return false;
    }
    Optional<String> yml = files.read(".aptible.yml");
    List<String> existing = yml.map(Procfile::beforeDeploy).orElse(List.of());
    if (existing.containsAll(commands)) {
      return true;
    }
    String reason = "Heroku's release phase " + commands + " runs as before_deploy on Aptible, before the new release"
        + " starts";
    if (existing.isEmpty()) {
      String block = Procfile.beforeDeployBlock(commands);
      String content = yml.map(y -> y + (y.isEmpty() || y.endsWith("\n") ? "" : "\n") + block).orElse(block);
      changes.add(new RepoChange(".aptible.yml", yml.isPresent() ? Action.UPDATE : Action.CREATE, reason, content));
      return true;
    }
    if (overwrite) {
      changes.add(new RepoChange(".aptible.yml", Action.UPDATE, reason + " (replacing " + existing + " as asked)",
          Procfile.replaceBeforeDeploy(yml.get(), commands)));
      return true;
    }
    findings.warn(Rule.RELEASE_PHASE, ".aptible.yml", 0, ".aptible.yml already has before_deploy " + existing
        + " without Heroku's release phase " + commands, "merge them by hand; until then the release line stays in"
        + " the Procfile, where Aptible would run it as a service named release");
    return false;
  }
}
