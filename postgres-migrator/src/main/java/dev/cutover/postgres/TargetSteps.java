package dev.cutover.postgres;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.postgres.archive.ArchiveToc;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every restore strategy does to the target around the data: check that it is empty (or empty it),
 * create the schemas extensions need, keep the source's revocations, derive database-level settings for an
 * archive that does not say them.
 */
final class TargetSteps {
  private static final Logger log = LoggerFactory.getLogger(TargetSteps.class);

  private TargetSteps() {}

  /**
   * Only for archives without a {@code DATABASE} entry (pg_dump before 11), whose database settings
   * are unknown: a {@code search_path} that includes the schemas extensions live in, as Heroku's. An
   * archive that has one says the database's settings exactly (see {@link Fidelity}), and a source
   * without such a setting must not get one.
   */
  static void deriveSettings(Connection t, PgConnection target, List<String> warnings) {
    try {
      List<String> needed = extraExtensionSchemas(t);
      if (needed.isEmpty() || TargetDatabase.databaseSettings(t).containsKey("search_path")) {
        return;
      }
      List<String> path = new ArrayList<>(List.of("$user", "public"));
      path.addAll(needed);
      TargetDatabase.applySetting(t, "search_path", path);
      warnings.add("the archive does not say the database's settings (pg_dump before 11); set search_path to " + path
          + " because extensions live in " + needed + "; when the source is reachable, copyDatabaseSettings(source, "
          + "target) carries its exact settings");
    } catch (SQLException e) {
      throw PgCli.failed("restore", "deriving database settings", target, e);
    }
  }

  static List<String> extraExtensionSchemas(Connection c) throws SQLException {
    List<String> schemas = new ArrayList<>(TargetDatabase.extensionSchemas(c));
    schemas.removeAll(List.of("public", "pg_catalog"));
    return schemas;
  }

  static void prepareTarget(Connection c, PgConnection target, boolean replaceExisting, List<String> warnings) {
    try {
      Optional<String> contents = TargetDatabase.contents(c);
      if (contents.isEmpty()) {
        return;
      }
      if (!replaceExisting) {
        throw new ValidationException("restore", List.of(new ValidationException.Problem("target", target.toString(),
            "is not empty (" + contents.get() + ")", "restore into an empty database, or pass replaceExisting = true "
            + "to drop everything in it first (a re-run after a failed restore needs this)")));
      }
      TargetDatabase.wipe(c);
      String w = "target was not empty (" + contents.get() + "): emptied it first, as replaceExisting asked";
      warnings.add(w);
      log.info("{}: {}", target, w);
    } catch (SQLException e) {
      throw PgCli.failed("restore", "checking that the target is empty", target, e);
    }
  }

  static void createExtensionSchemas(Connection c, PgConnection target, List<String> schemas,
      List<String> warnings) {
    if (schemas.isEmpty()) {
      return;
    }
    try {
      for (String schema : schemas) {
        TargetDatabase.ensureSchema(c, schema);
      }
      warnings.add("created schema(s) " + schemas + " first: the archive installs extensions there but does not "
          + "create them");
    } catch (SQLException e) {
      throw PgCli.failed("restore", "creating schemas " + schemas, target, e);
    }
  }

  /** What a {@code --no-owner --no-acl} restore of {@code toc} leaves to do: the revocations, and saying who owns what. */
  static void keepRevocationsAndReportOwners(Connection c, PgConnection target, ArchiveToc toc,
      List<String> warnings) {
    keepRevocations(c, target, ArchivePlan.publicRevocations(toc), warnings);
    warnings.add("every object now belongs to " + target.user() + " (" + ArchivePlan.ownersAndGrantees(toc) + ")");
  }

  /** Re-applies the source's {@code REVOKE … FROM PUBLIC} statements a {@code --no-acl} restore drops. */
  static void keepRevocations(Connection c, PgConnection target, List<String> revokes, List<String> warnings) {
    if (revokes.isEmpty()) {
      return;
    }
    try (java.sql.Statement st = c.createStatement()) {
      for (String revoke : revokes) {
        st.execute(revoke);
      }
      warnings.add("kept " + revokes.size() + " revocation(s) from PUBLIC that a --no-acl restore drops (grants to "
          + "roles of the source were not carried over)");
    } catch (SQLException e) {
      throw PgCli.failed("restore", "re-applying revocations from PUBLIC", target, e);
    }
  }

  /**
   * The revocations from PUBLIC the source has and a restore without privileges (a {@code --no-acl}
   * archive, as Heroku's are) does not: EXECUTE on routines (a SECURITY DEFINER function must not
   * become callable by everyone) and USAGE on types, as statements to run on the target.
   */
  static List<String> sourceRevocations(PgConnection source) {
    try (Connection c = PgCli.open(source, "restore")) {
      List<String> out = new ArrayList<>(TargetDatabase.strings(c, "select format('REVOKE EXECUTE ON ROUTINE %I.%I(%s) "
          + "FROM PUBLIC', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid)) from pg_proc p "
          + "join pg_namespace n on n.oid = p.pronamespace where p.proacl is not null and " + TargetDatabase.USER_SCHEMA
          + " and not exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE')"
          + " and not exists (select 1 from pg_depend d where d.objid = p.oid and d.classid = 'pg_proc'::regclass "
          + "and d.deptype = 'e')"));
      out.addAll(TargetDatabase.strings(c, "select format('REVOKE USAGE ON TYPE %I.%I FROM PUBLIC', n.nspname, t.typname) "
          + "from pg_type t join pg_namespace n on n.oid = t.typnamespace where t.typacl is not null and "
          + TargetDatabase.USER_SCHEMA + " and not exists (select 1 from aclexplode(t.typacl) a where a.grantee = 0 "
          + "and a.privilege_type = 'USAGE') and not exists (select 1 from pg_depend d where d.objid = t.oid "
          + "and d.classid = 'pg_type'::regclass and d.deptype = 'e')"));
      return out;
    } catch (SQLException e) {
      throw PgCli.failed("restore", "reading the source's revocations", source, e);
    }
  }
}
