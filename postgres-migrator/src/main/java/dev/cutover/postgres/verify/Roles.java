package dev.cutover.postgres.verify;

import java.util.List;
import java.util.Set;

/**
 * How one side names roles for comparison: the roles that stand for the application (on the source,
 * its app role and credential roles; on the target, the target's user) all read as {@link #APP}, and
 * every other role keeps its name ({@code PUBLIC} included).
 */
final class Roles {
  /** What an application role reads as, on either side. */
  static final String APP = "(the app's role)";

  private final Set<String> app;

  Roles(List<String> app) {
    this.app = Set.copyOf(app);
  }

  /** {@link #APP} for an application role, the name otherwise. */
  String map(String role) {
    return app.contains(role) ? APP : role;
  }

  /** The application roles. */
  Set<String> app() {
    return app;
  }

  @Override
  public String toString() {
    return "Roles[app " + app + "]";
  }
}
