package dev.cutover.heroku.internal;

import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;

/** Registering secret values (config vars, database URLs) with a {@link Redactor}. */
public final class Secrets {

  private Secrets() {}

  /**
   * Registers {@code value}, and the password inside it when it is a URL with credentials, so the
   * password alone (as in a libpq "password=..." string) is masked too.
   *
   * @return the value as a secret
   */
  public static Secret register(Redactor redactor, String value) {
    return redactor.registerUrl(Secret.of(value));
  }
}
