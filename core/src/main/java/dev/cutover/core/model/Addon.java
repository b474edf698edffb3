package dev.cutover.core.model;

import java.util.List;
import java.util.Objects;

/**
 * An add-on of the source app.
 *
 * @param name e.g. {@code postgresql-curved-12345}
 * @param service e.g. {@code heroku-postgresql}
 * @param plan e.g. {@code heroku-postgresql:standard-0}
 * @param configVars names of the config vars it provides
 */
public record Addon(String name, String service, String plan, List<String> configVars) {
  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public Addon {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(plan, "plan");
    configVars = List.copyOf(configVars);
  }
}
