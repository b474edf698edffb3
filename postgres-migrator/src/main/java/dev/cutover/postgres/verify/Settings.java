package dev.cutover.postgres.verify;

import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Database-level settings ({@code ALTER DATABASE … SET}) and one role's settings in this database
 * ({@code ALTER ROLE … IN DATABASE … SET}, over its {@code ALTER ROLE … SET} for every database), as
 * {@code pg_db_role_setting} stores them: name to value.
 *
 * @param database the database's settings for every role
 * @param role the role's effective settings here
 */
record Settings(Map<String, String> database, Map<String, String> role) {
  Settings {
    database = Map.copyOf(database);
    role = Map.copyOf(role);
  }

  /** Reads the settings of the connected database, and those of {@code role} in it. */
  static Settings read(ReadSession s, String role) throws SQLException {
    Map<String, String> db = parse(s, "SELECT unnest(r.setconfig) FROM pg_db_role_setting r JOIN pg_database d "
        + "ON d.oid = r.setdatabase WHERE d.datname = current_database() AND r.setrole = 0");
    Map<String, String> everywhere = parse(s, "SELECT unnest(r.setconfig) FROM pg_db_role_setting r JOIN pg_roles o "
        + "ON o.oid = r.setrole WHERE r.setdatabase = 0 AND o.rolname = ?", role);
    Map<String, String> here = parse(s, "SELECT unnest(r.setconfig) FROM pg_db_role_setting r JOIN pg_roles o "
        + "ON o.oid = r.setrole JOIN pg_database d ON d.oid = r.setdatabase WHERE d.datname = current_database() "
        + "AND o.rolname = ?", role);
    Map<String, String> effective = new TreeMap<>(everywhere);
    effective.putAll(here);
    return new Settings(db, effective);
  }

  private static Map<String, String> parse(ReadSession s, String sql, Object... params) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    for (String[] row : s.rows(sql, params)) {
      int eq = row[0].indexOf('=');
      if (eq > 0) {
        out.put(row[0].substring(0, eq), row[0].substring(eq + 1));
      }
    }
    return out;
  }

  /**
   * Checks that {@code target} has exactly the source's database settings, and that the target's
   * user has exactly the source app role's settings ({@code sourceRole}, {@code targetRole} name them).
   */
  static void compare(Settings source, Settings target, String sourceRole, String targetRole, Findings findings) {
    compareOne("database setting", "", source.database, target.database, findings);
    compareOne("role setting", sourceRole + " -> " + targetRole + ": ", source.role, target.role, findings);
  }

  private static void compareOne(String kind, String prefix, Map<String, String> expected, Map<String, String> actual,
      Findings findings) {
    java.util.TreeSet<String> names = new java.util.TreeSet<>(expected.keySet());
    names.addAll(actual.keySet());
    for (String name : names) {
      findings.check(kind, prefix + name, expected.getOrDefault(name, "(not set)"), actual.getOrDefault(name, "(not set)"));
    }
    if (names.isEmpty()) {
      findings.check(kind, prefix + "(none)", "none set", "none set");
    }
  }
}
