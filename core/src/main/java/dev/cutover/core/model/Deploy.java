package dev.cutover.core.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/** How the app's code reaches Aptible: a git push or a Docker image. */
public sealed interface Deploy {
  /**
   * Push {@code branch} of the repository at {@code repo} to the Aptible remote's {@code master}.
   *
   * @param sshKey the private key to push with, or empty for the user's default keys
   */
  record Git(Path repo, String branch, Optional<Path> sshKey) implements Deploy {
    public Git {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(branch, "branch");
      Objects.requireNonNull(sshKey, "sshKey");
    }

    public Git sshKey(Path key) {
      return new Git(repo, branch, Optional.of(key));
    }
  }

  /**
   * Deploy a prebuilt image.
   *
   * @param repo the app's repository, for the Procfile and {@code .aptible.yml}; empty when none
   * @param credentials registry credentials, empty for a public image
   */
  record DockerImage(String image, Optional<RegistryCredentials> credentials, Optional<Path> repo) implements Deploy {
    public DockerImage {
      Objects.requireNonNull(image, "image");
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(repo, "repo");
    }
  }

  /** Deploy by pushing {@code branch} of the git repository at {@code repo}. */
  static Git git(Path repo, String branch) {
    return new Git(repo, branch, Optional.empty());
  }

  /** Deploy a public Docker image. */
  static DockerImage dockerImage(String image) {
    return new DockerImage(image, Optional.empty(), Optional.empty());
  }

  /** Deploy a Docker image from a private registry. */
  static DockerImage dockerImage(String image, RegistryCredentials credentials) {
    return new DockerImage(image, Optional.of(credentials), Optional.empty());
  }
}
