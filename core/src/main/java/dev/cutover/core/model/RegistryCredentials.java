package dev.cutover.core.model;

import dev.cutover.core.Secret;
import java.util.Objects;

/** Credentials for a private Docker registry. {@code toString()} masks the password. */
public record RegistryCredentials(String username, Secret password) {
  public RegistryCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }
}
