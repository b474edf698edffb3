package dev.cutover.core.model;

import java.util.Objects;

/**
 * A Heroku Postgres database attached to the source app.
 *
 * @param addonName the add-on's name, e.g. {@code postgresql-curved-12345}
 * @param attachmentName e.g. {@code DATABASE} or {@code HEROKU_POSTGRESQL_BLUE}
 * @param plan e.g. {@code heroku-postgresql:standard-0}
 * @param version server version, e.g. {@code 16.4} (empty when not known)
 * @param dataSizeBytes data size, or -1 when not known
 */
public record PostgresInfo(String addonName, String attachmentName, String plan, String version, long dataSizeBytes) {
  public PostgresInfo {
    Objects.requireNonNull(addonName, "addonName");
    Objects.requireNonNull(attachmentName, "attachmentName");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(version, "version");
  }

  /** The major version, e.g. 16, or 0 when not known. */
  public int majorVersion() {
    String major = version.split("\\.")[0];
    return major.matches("\\d+") ? Integer.parseInt(major) : 0;
  }
}
