package dev.cutover.postgres.verify;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Owners and grants of one database's objects (relations, columns, functions, schemas, types, large
 * objects, foreign servers and wrappers, default privileges), with implicit default privileges made
 * explicit ({@code acldefault}), so that "never granted" and "granted by default" compare correctly.
 * Grants to an object's own owner are left out: an owner has every privilege anyway.
 *
 * @param owners object to owner
 * @param grants object to its grants, each {@code PRIVILEGE to GRANTEE} ({@code PUBLIC} for everyone),
 *     with {@code (grantable)} when it may be passed on
 */
record Privileges(Map<String, String> owners, Map<String, Set<String>> grants) {
  private static final String USER = Relation.USER_SCHEMA;
  private static final String NOT_MEMBER = " AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '%s'::regclass "
      + "AND e.objid = %s AND e.deptype = 'e')";

  private static final String OBJECTS = "SELECT 'table ' || n.nspname || '.' || c.relname AS object, c.relowner AS owner, "
      + "coalesce(c.relacl, acldefault((CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::\"char\", c.relowner)) AS acl "
      + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
      + "AND c.relpersistence <> 't' AND " + USER + String.format(NOT_MEMBER, "pg_class", "c.oid")
      + " UNION ALL SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname, c.relowner, a.attacl "
      + "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
      + "WHERE a.attacl IS NOT NULL AND a.attnum > 0 AND NOT a.attisdropped AND " + USER
      + String.format(NOT_MEMBER, "pg_class", "c.oid")
      + " UNION ALL SELECT 'function ' || p.oid::regprocedure::text, p.proowner, coalesce(p.proacl, acldefault('f'::\"char\", p.proowner)) "
      + "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER
      + String.format(NOT_MEMBER, "pg_proc", "p.oid")
      + " UNION ALL SELECT 'schema ' || n.nspname, n.nspowner, coalesce(n.nspacl, acldefault('n'::\"char\", n.nspowner)) "
      + "FROM pg_namespace n WHERE " + USER + String.format(NOT_MEMBER, "pg_namespace", "n.oid")
      + " UNION ALL SELECT 'type ' || n.nspname || '.' || t.typname, t.typowner, coalesce(t.typacl, acldefault('T'::\"char\", t.typowner)) "
      + "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + USER + String.format(NOT_MEMBER, "pg_type", "t.oid")
      + " AND t.typtype <> 'm' AND NOT EXISTS (SELECT 1 FROM pg_type x WHERE x.typarray = t.oid) "
      + "AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')"
      + " UNION ALL SELECT 'large object ' || m.oid, m.lomowner, coalesce(m.lomacl, acldefault('L'::\"char\", m.lomowner)) "
      + "FROM pg_largeobject_metadata m"
      + " UNION ALL SELECT 'foreign data wrapper ' || w.fdwname, w.fdwowner, coalesce(w.fdwacl, acldefault('F'::\"char\", w.fdwowner)) "
      + "FROM pg_foreign_data_wrapper w WHERE true" + String.format(NOT_MEMBER, "pg_foreign_data_wrapper", "w.oid")
      + " UNION ALL SELECT 'server ' || s.srvname, s.srvowner, coalesce(s.srvacl, acldefault('S'::\"char\", s.srvowner)) "
      + "FROM pg_foreign_server s"
      + " UNION ALL SELECT 'default privileges of ' || pg_get_userbyid(d.defaclrole) || coalesce(' in schema ' "
      + "|| (SELECT n.nspname FROM pg_namespace n WHERE n.oid = d.defaclnamespace), '') || ' on ' || CASE d.defaclobjtype "
      + "WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions' WHEN 'T' THEN 'types' "
      + "WHEN 'n' THEN 'schemas' ELSE d.defaclobjtype::text END, d.defaclrole, d.defaclacl FROM pg_default_acl d";

  private static final String QUERY = "SELECT o.object, pg_get_userbyid(o.owner), CASE WHEN a.grantee = 0 THEN 'PUBLIC' "
      + "ELSE pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable FROM (" + OBJECTS + ") o "
      + "LEFT JOIN LATERAL aclexplode(o.acl) a ON a.grantee <> o.owner";

  /** Reads every owner and grant, role names through {@code roles}. */
  static Privileges read(ReadSession s, Roles roles) throws SQLException {
    Map<String, String> owners = new TreeMap<>();
    Map<String, Set<String>> grants = new TreeMap<>();
    for (String[] r : s.rows(QUERY)) {
      owners.put(r[0], roles.map(r[1]));
      Set<String> g = grants.computeIfAbsent(r[0], k -> new TreeSet<>());
      if (r[2] != null) {
        g.add(r[3] + " to " + roles.map(r[2]) + ("t".equals(r[4]) ? " (grantable)" : ""));
      }
    }
    return new Privileges(owners, grants);
  }

  /**
   * Compares the target's owners and grants with the source's: any privilege the target has that the
   * source did not fails (as does an object given to another role than its source owner or the app);
   * a source grant the target lacks is listed as an expected loss (with why: the role does not exist
   * on the target, or a {@code --no-acl} restore did not carry it), as is ownership moved to the app.
   *
   * @param targetRoles every role name on the target
   */
  static void compare(Privileges source, Privileges target, Set<String> targetRoles, Findings findings) {
    int widened = 0;
    List<String> losses = new ArrayList<>();
    for (Map.Entry<String, String> o : source.owners.entrySet()) {
      String object = o.getKey();
      String targetOwner = target.owners.get(object);
      if (targetOwner == null) {
        continue;
      }
      if (!targetOwner.equals(o.getValue())) {
        if (targetOwner.equals(Roles.APP)) {
          losses.add(object + ": owned by " + o.getValue() + " on the source, by the target's user here");
        } else {
          findings.check("owner", object, o.getValue(), targetOwner);
          widened++;
        }
      }
      Set<String> had = source.grants.getOrDefault(object, Set.of());
      Set<String> has = target.grants.getOrDefault(object, Set.of());
      Set<String> extra = new TreeSet<>(has);
      extra.removeAll(had);
      extra.removeIf(g -> g.contains(" to " + Roles.APP));
      if (!extra.isEmpty()) {
        findings.check("privilege", object, describe(had), describe(has) + " (widened: " + String.join(", ", extra) + ")");
        widened++;
      }
      for (String g : had) {
        if (!has.contains(g) && !g.contains(" to " + Roles.APP)) {
          String grantee = g.substring(g.indexOf(" to ") + 4).replace(" (grantable)", "");
          losses.add(object + ": " + g + (grantee.equals("PUBLIC") || targetRoles.contains(grantee)
              ? " not carried (a restore without privileges)" : " dropped (no such role on the target)"));
        }
      }
    }
    for (String object : target.owners.keySet()) {
      if (!source.owners.containsKey(object)) {
        Set<String> has = target.grants.getOrDefault(object, Set.of());
        has.stream().filter(g -> !g.contains(" to " + Roles.APP)).findFirst().ifPresent(g ->
            findings.check("privilege", object, "(no such object on the source)", describe(has)));
      }
    }
    findings.check("privilege", "(" + source.owners.size() + " objects)", "none widened",
        widened == 0 ? "none widened" : widened + " widened");
    losses.forEach(findings::loss);
  }

  private static String describe(Set<String> grants) {
    return grants.isEmpty() ? "owner only" : String.join(", ", grants);
  }
}
