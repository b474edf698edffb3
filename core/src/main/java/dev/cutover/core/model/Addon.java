package dev.cutover.core.model;

import java.util.List;
import java.util.Objects;

/**
 * An add-on attached to the source app: its own or one shared from another app.
 *
 * @param name e.g. {@code postgresql-curved-12345}
 * @param service e.g. {@code heroku-postgresql}, {@code heroku-redis}, {@code scheduler}
 * @param plan e.g. {@code heroku-postgresql:standard-0}
 * @param configVars names of the config vars it sets on the source app, e.g. {@code [REDIS_URL]}
 *     (read their values with {@link AppInventory#configVar(String)})
 * @param id the add-on's id, or empty when not known
 * @param ownerApp the app that owns (bills) it, or empty when not known; another app's name when it
 *     is shared with the source app through an attachment
 * @param attachmentNames its attachments on the source app, e.g. {@code [DATABASE, HEROKU_POSTGRESQL_ONYX]}
 * @param state {@code provisioning}, {@code provisioned}, {@code deprovisioned}, or empty when not known
 * @param runsJobs whether the add-on is known to run jobs of its own (Heroku Scheduler and the like):
 *     scaling the formation does not stop them, so they can write during the downtime
 */
public record Addon(String name, String service, String plan, List<String> configVars, String id, String ownerApp,
    List<String> attachmentNames, String state, boolean runsJobs) {
  /**
   * Validates the components and copies collections; throws {@link NullPointerException} on a null component.
   *
   * @param name see {@link #name()}
   * @param service see {@link #service()}
   * @param plan see {@link #plan()}
   * @param configVars see {@link #configVars()}
   * @param id see {@link #id()}
   * @param ownerApp see {@link #ownerApp()}
   * @param attachmentNames see {@link #attachmentNames()}
   * @param state see {@link #state()}
   * @param runsJobs see {@link #runsJobs()}
   */
  public Addon {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(plan, "plan");
    configVars = List.copyOf(configVars);
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownerApp, "ownerApp");
    attachmentNames = List.copyOf(attachmentNames);
    Objects.requireNonNull(state, "state");
  }

  /**
   * An add-on known only by name, service, plan and config vars (owner, attachments and state
   * unknown; not known to run jobs).
   *
   * @param name e.g. {@code redis-shiny-1}
   * @param service e.g. {@code heroku-redis}
   * @param plan e.g. {@code heroku-redis:mini}
   * @param configVars names of the config vars it sets
   */
  public Addon(String name, String service, String plan, List<String> configVars) {
    this(name, service, plan, configVars, "", "", List.of(), "", false);
  }

  /**
   * Whether {@code app} owns it.
   *
   * @param app an app's name
   * @return true when {@code app} is the owner, or the owner is not known
   */
  public boolean ownedBy(String app) {
    return ownerApp.isEmpty() || ownerApp.equals(app);
  }
}
