package dev.cutover.core.model;

import java.util.Objects;

/**
 * One process type of the source app's formation.
 *
 * @param type e.g. {@code web}
 * @param quantity how many dynos
 * @param size dyno size, e.g. {@code standard-1X}
 * @param command the command it runs
 */
public record Formation(String type, int quantity, String size, String command) {
  public Formation {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(size, "size");
    Objects.requireNonNull(command, "command");
    if (quantity < 0) {
      throw new IllegalArgumentException("quantity must be >= 0: " + quantity);
    }
  }
}
