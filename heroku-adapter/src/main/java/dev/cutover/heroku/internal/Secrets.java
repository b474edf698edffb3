package dev.cutover.heroku.internal;

import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Registering secret values (config vars, database URLs) with a {@link Redactor}. */
public final class Secrets {
  private static final Pattern URL_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:([^@\\s/]+)@");

  private Secrets() {}

  /**
   * Registers {@code value}, and the password inside it when it is a URL with credentials, so the
   * password alone (as in a libpq "password=..." string) is masked too.
   *
   * @return the value as a secret
   */
  public static Secret register(Redactor redactor, String value) {
    Matcher m = URL_PASSWORD.matcher(value);
    if (m.find()) {
      String password = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
      if (!password.isEmpty()) {
        redactor.register(Secret.of(password));
      }
    }
    return redactor.register(Secret.of(value));
  }
}
