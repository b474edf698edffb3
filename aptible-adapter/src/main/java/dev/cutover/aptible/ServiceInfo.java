package dev.cutover.aptible;

import java.util.Objects;

/**
 * A service of an app: a Procfile entry, or {@code cmd} when there is no Procfile.
 *
 * @param name e.g. {@code web}
 * @param command the command, or {@code CMD} for the image's own
 * @param containerCount how many containers run it
 * @param containerSizeMb container memory in MB
 * @param profile container profile ({@code m}, {@code c} or {@code r})
 */
public record ServiceInfo(String name, String command, int containerCount, int containerSizeMb, String profile) {
  public ServiceInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(profile, "profile");
  }
}
