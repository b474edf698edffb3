package dev.cutover.testkit.heroku;

import dev.cutover.core.model.PgConnection;
import java.time.Duration;
import java.util.Objects;

/**
 * One Heroku Postgres add-on of a {@link FakeApp}: a real database on a local server, the app
 * that owns (bills) it, and, for a follower, the database it follows. Guarded by its owner's monitor.
 */
final class FakeDatabase {
  final String addonId;
  final String addonName;
  final String plan;
  final FakeApp owner;
  final PgConnection connection;
  /** The URL the add-on's config vars hold (Heroku's {@code resource_url}). */
  final String url;
  /** The leader of a follower, else null. */
  final FakeDatabase leader;
  private boolean provisioning;
  private Duration backupDuration = Duration.ZERO;

  FakeDatabase(String addonId, String addonName, String plan, FakeApp owner, PgConnection connection, String url,
      FakeDatabase leader) {
    this.addonId = Objects.requireNonNull(addonId, "addonId");
    this.addonName = Objects.requireNonNull(addonName, "addonName");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.connection = Objects.requireNonNull(connection, "connection");
    this.url = Objects.requireNonNull(url, "url");
    this.leader = leader;
  }

  /** The URL of {@code c} as Heroku puts it in {@code DATABASE_URL}, with {@code host} instead of its own. */
  static String url(PgConnection c, String host) {
    return "postgres://" + c.user() + ":" + c.password().reveal() + "@" + host + ":" + c.port() + "/" + c.database();
  }

  boolean provisioning() {
    synchronized (owner) {
      return provisioning;
    }
  }

  void provisioning(boolean on) {
    synchronized (owner) {
      provisioning = on;
    }
  }

  Duration backupDuration() {
    synchronized (owner) {
      return backupDuration;
    }
  }

  void backupDuration(Duration d) {
    synchronized (owner) {
      backupDuration = d;
    }
  }

  @Override
  public String toString() {
    return "FakeDatabase[" + addonName + " of " + owner.name() + (leader == null ? "" : ", following " + leader.addonName)
        + "]";
  }
}
