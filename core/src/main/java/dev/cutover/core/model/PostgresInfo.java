package dev.cutover.core.model;

import java.util.List;
import java.util.Objects;

/**
 * A Heroku Postgres database attached to the source app: one add-on, with every name the app
 * knows it by.
 *
 * @param addonName the add-on's name, e.g. {@code postgresql-curved-12345}
 * @param attachmentName its main attachment on the source app: {@code DATABASE} when it has that
 *     one, else the first, e.g. {@code HEROKU_POSTGRESQL_BLUE}
 * @param plan e.g. {@code heroku-postgresql:standard-0}
 * @param version server version, e.g. {@code 16.4} (empty when not known)
 * @param dataSizeBytes data size, or -1 when not known
 * @param addonId the add-on's id, or empty when not known
 * @param ownerApp the app that owns (bills) the add-on, or empty when not known; another app's name
 *     when the database is shared with the source app through an attachment (its backups are listed
 *     on that app)
 * @param attachmentNames all its attachments on the source app, e.g. {@code [DATABASE, HEROKU_POSTGRESQL_ONYX]}
 * @param configVars the config vars holding its URL on the source app, e.g.
 *     {@code [DATABASE_URL, HEROKU_POSTGRESQL_ONYX_URL]}
 * @param follower whether it is a read-only follower (replica) of another database
 * @param leader the add-on name of the database it follows, or empty (not a follower, or the
 *     leader is not attached to the source app)
 */
public record PostgresInfo(String addonName, String attachmentName, String plan, String version, long dataSizeBytes,
    String addonId, String ownerApp, List<String> attachmentNames, List<String> configVars, boolean follower,
    String leader) {
  /**
   * Validates the components and copies collections; throws {@link NullPointerException} on a null component.
   *
   * @param addonName see {@link #addonName()}
   * @param attachmentName see {@link #attachmentName()}
   * @param plan see {@link #plan()}
   * @param version see {@link #version()}
   * @param dataSizeBytes see {@link #dataSizeBytes()}
   * @param addonId see {@link #addonId()}
   * @param ownerApp see {@link #ownerApp()}
   * @param attachmentNames see {@link #attachmentNames()}
   * @param configVars see {@link #configVars()}
   * @param follower see {@link #follower()}
   * @param leader see {@link #leader()}
   */
  public PostgresInfo {
    Objects.requireNonNull(addonName, "addonName");
    Objects.requireNonNull(attachmentName, "attachmentName");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(addonId, "addonId");
    Objects.requireNonNull(ownerApp, "ownerApp");
    attachmentNames = List.copyOf(attachmentNames);
    configVars = List.copyOf(configVars);
    Objects.requireNonNull(leader, "leader");
  }

  /**
   * A primary database owned by the source app, known by one attachment whose URL is in
   * {@code <attachmentName>_URL}.
   *
   * @param addonName the add-on's name
   * @param attachmentName e.g. {@code DATABASE}
   * @param plan e.g. {@code heroku-postgresql:standard-0}
   * @param version server version, or empty
   * @param dataSizeBytes data size, or -1
   */
  public PostgresInfo(String addonName, String attachmentName, String plan, String version, long dataSizeBytes) {
    this(addonName, attachmentName, plan, version, dataSizeBytes, "", "", List.of(attachmentName),
        List.of(attachmentName + "_URL"), false, "");
  }

  /**
   * The major version.
   *
   * @return e.g. 16, or 0 when not known
   */
  public int majorVersion() {
    String major = version.split("\\.")[0];
    return major.matches("\\d+") ? Integer.parseInt(major) : 0;
  }

  /**
   * Whether {@code app} owns the add-on.
   *
   * @param app an app's name
   * @return true when {@code app} is the owner, or the owner is not known
   */
  public boolean ownedBy(String app) {
    return ownerApp.isEmpty() || ownerApp.equals(app);
  }
}
