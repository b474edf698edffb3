package dev.cutover.core;

import com.fasterxml.jackson.annotation.JsonIgnoreType;
import java.util.Objects;
import java.util.Optional;

/**
 * A value that must never be printed: an API token, a password, a signed URL.
 *
 * <p>{@link #toString()} is always {@code Secret[****]}; {@link #reveal()} is the only way to the
 * value, so every place that sends a secret somewhere is easy to find. Jackson never serialises a
 * {@code Secret} (the type is ignored), so a record holding one cannot leak it into a journal or
 * report by accident. Register secrets with a {@link Redactor} to mask them in free text too.
 *
 * <pre>{@code
 * Secret token = Secret.requireEnv("HEROKU_API_KEY");
 * request.header("Authorization", "Bearer " + token.reveal());
 * }</pre>
 */
@JsonIgnoreType
public final class Secret {
  private static final String MASK = "****";

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /**
   * Wraps {@code value}. An empty value is allowed (a config var may be set to the empty string);
   * {@link Redactor} does not mask values too short to be told from ordinary text.
   */
  public static Secret of(String value) {
    return new Secret(Objects.requireNonNull(value, "value"));
  }

  /** The environment variable {@code name} as a secret, or empty when it is unset or blank. */
  public static Optional<Secret> fromEnv(String name) {
    String value = System.getenv(Objects.requireNonNull(name, "name"));
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(new Secret(value.strip()));
  }

  /**
   * The environment variable {@code name} as a secret, for the common case where it must be set.
   *
   * @throws ValidationException naming the variable when it is unset or blank
   */
  public static Secret requireEnv(String name) {
    return fromEnv(name).orElseThrow(() -> new ValidationException("environment", java.util.List.of(
        new ValidationException.Problem(name, "unset", "the environment variable is not set", "export " + name + "=..."))));
  }

  /** The secret value. Every call site is a place where the secret leaves the SDK. */
  public String reveal() {
    return value;
  }

  /** The mask used in place of secret values everywhere: {@code ****}. */
  public static String mask() {
    return MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && java.security.MessageDigest.isEqual(
        value.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        other.value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "Secret[" + MASK + "]";
  }
}
