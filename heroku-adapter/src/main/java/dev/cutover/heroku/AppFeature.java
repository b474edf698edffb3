package dev.cutover.heroku;

import java.util.Objects;

/**
 * A Heroku app feature (labs flag).
 *
 * @param name e.g. {@code runtime-dyno-metadata}
 * @param enabled whether it is on for the app
 */
public record AppFeature(String name, boolean enabled) {
  public AppFeature {
    Objects.requireNonNull(name, "name");
  }
}
