package dev.cutover.testkit.aptible;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a deploy reads from a pushed commit: whether there is a {@code Dockerfile} at the root, the
 * {@code Procfile} and the {@code .aptible.yml} {@code before_deploy} commands. Read with the
 * {@code git} binary, so it also works inside a pre-receive hook (quarantined objects).
 */
record GitContent(String sha, boolean hasDockerfile, String procfile, List<String> beforeDeploy) {

  /** The content of {@code ref} in the repository at {@code gitDir}, or empty when the ref is unknown. */
  static Optional<GitContent> read(Path gitDir, String ref) {
    Optional<String> sha = git(gitDir, "rev-parse", "--verify", "-q", ref + "^{commit}").map(String::strip);
    if (sha.isEmpty()) {
      return Optional.empty();
    }
    boolean dockerfile = git(gitDir, "cat-file", "-e", sha.get() + ":Dockerfile").isPresent();
    String procfile = git(gitDir, "show", sha.get() + ":Procfile").orElse(null);
    List<String> beforeDeploy = git(gitDir, "show", sha.get() + ":.aptible.yml").map(GitContent::beforeDeploy)
        .orElse(List.of());
    return Optional.of(new GitContent(sha.get(), dockerfile, procfile, beforeDeploy));
  }

  /** The {@code before_deploy} (or deprecated {@code before_release}) list of a {@code .aptible.yml}. */
  static List<String> beforeDeploy(String yaml) {
    List<String> commands = new ArrayList<>();
    boolean inList = false;
    for (String line : yaml.split("\n")) {
      if (line.matches("(before_deploy|before_release):\\s*")) {
        inList = true;
      } else if (inList && line.matches("\\s+-\\s+.*")) {
        String item = line.strip().substring(1).strip();
        if (item.length() >= 2 && (item.startsWith("\"") && item.endsWith("\"")
            || item.startsWith("'") && item.endsWith("'"))) {
          item = item.substring(1, item.length() - 1).replace("\\\"", "\"");
        }
        commands.add(item);
      } else if (!line.isBlank()) {
        inList = false;
      }
    }
    return commands;
  }

  private static Optional<String> git(Path gitDir, String... args) {
    List<String> argv = new ArrayList<>(List.of("git", "--git-dir=" + gitDir));
    argv.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
