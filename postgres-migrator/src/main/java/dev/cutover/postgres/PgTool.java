package dev.cutover.postgres;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One PostgreSQL client program found on this machine.
 *
 * @param name the program name, e.g. {@code pg_restore}
 * @param path where it is
 * @param version what {@code --version} printed after {@code (PostgreSQL)}, e.g. {@code 15.20 (Debian 15.20-0+deb12u1)}
 * @param major the major version, e.g. {@code 15}
 * @param minor the minor version, e.g. {@code 20} ({@code 0} when not printed)
 */
public record PgTool(String name, Path path, String version, int major, int minor) {
  /** Checks that no component is null. */
  public PgTool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(version, "version");
  }

  /** {@code major.minor}, e.g. {@code 15.20}. */
  public String shortVersion() {
    return major + "." + minor;
  }

  @Override
  public String toString() {
    return name + " " + shortVersion() + " (" + path + ")";
  }
}
