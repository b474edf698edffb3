package dev.cutover.postgres;

import dev.cutover.core.model.PgConnection;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DatabaseProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a restore into an existing database loses and the migrator carries anyway: the database's
 * settings, comment and the app role's settings (in the archive, but applied by pg_restore only with
 * {@code --create}); extension versions (in no archive: read from the live source before the restore);
 * and revocations from PUBLIC that a {@code --no-acl} restore drops.
 */
final class Fidelity {
  private static final String STEP = "restore";

  private Fidelity() {}

  /**
   * Creates, before the restore, every extension the archive installs at the version the source has
   * (CREATE EXTENSION takes the server's default version otherwise, and an extension cannot be
   * downgraded afterwards), with the schemas they live in.
   *
   * @return the schemas created here that the archive creates too (its {@code CREATE SCHEMA} for them
   *     then fails as expected)
   */
  static Set<String> createExtensionsAsOnSource(Connection t, PgConnection target, Connection source,
      List<String> extensions, Set<String> restoreCreates, List<String> warnings) {
    Set<String> preCreated = new LinkedHashSet<>();
    try {
      t.setAutoCommit(false);
      Map<String, String[]> onSource = new TreeMap<>();
      try (Statement st = source.createStatement(); var rs = st.executeQuery("select e.extname, e.extversion, "
          + "n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace")) {
        while (rs.next()) {
          onSource.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
        }
      }
      List<String> created = new ArrayList<>();
      for (String extension : extensions) {
        String[] src = onSource.get(extension);
        if (src == null || !TargetDatabase.strings(t, "select extname from pg_extension where extname = "
            + PgCli.literal(extension)).isEmpty()) {
          continue;
        }
        Savepoint sp = t.setSavepoint();
        try (Statement st = t.createStatement()) {
          if (!src[1].equals("public") && !src[1].equals("pg_catalog")) {
            st.execute("create schema if not exists " + PgCli.ident(src[1]));
            if (restoreCreates.contains(src[1])) {
              preCreated.add(src[1]);
            }
          }
          st.execute("create extension " + PgCli.ident(extension) + " with schema " + PgCli.ident(src[1]) + " version "
              + PgCli.literal(src[0]));
          t.releaseSavepoint(sp);
          created.add(extension + " " + src[0]);
        } catch (SQLException ex) {
          t.rollback(sp);
          preCreated.remove(src[1]);
          warnings.add("extension " + extension + " could not be created at the source's version " + src[0] + " ("
              + ex.getMessage() + "); the restore creates the server's default version");
        }
      }
      t.commit();
      t.setAutoCommit(true);
      if (!created.isEmpty()) {
        warnings.add("created extension(s) " + created + " first, at the versions the source has (an archive does "
            + "not record them)");
      }
      return preCreated;
    } catch (SQLException e) {
      try {
        t.rollback();
        t.setAutoCommit(true);
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw PgCli.failed(STEP, "creating extensions at the source's versions", target, e);
    }
  }

  /**
   * Creates every extension of {@code source} (but plpgsql) on the target at the source's version, with
   * the schemas they live in, before a STREAM or DIRECT copy (see {@link #createExtensionsAsOnSource}).
   *
   * @return the schemas created that the copy creates too
   */
  static Set<String> createSourceExtensions(Connection c, PgConnection source, PgConnection target,
      List<String> warnings) {
    Set<String> created = new LinkedHashSet<>();
    PgCli.withConnection(source, "restore", s -> {
      try {
        created.addAll(createExtensionsAsOnSource(c, target, s, TargetDatabase.strings(s,
            "select extname from pg_extension where extname <> 'plpgsql' order by oid"), Set.copyOf(
            TargetDatabase.strings(s, "select n.nspname from pg_namespace n where " + TargetDatabase.USER_SCHEMA)),
            warnings));
      } catch (SQLException e) {
        throw PgCli.failed("restore", "reading the source's extensions", source, e);
      }
    });
    return created;
  }

  /**
   * After an archive restore: the database's settings, comment and the app role's settings from the
   * archive ({@link #applyArchiveProperties}), the app's roles being the source database's owner and
   * {@code sourceUser} when known; for an archive too old to say them (no {@code DATABASE} entry), a
   * derived {@code search_path} ({@link TargetSteps#deriveSettings}).
   */
  static void carryDatabaseProperties(Connection t, PgConnection target, ArchiveToc toc, Optional<String> sourceUser,
      List<String> warnings) {
    DatabaseProperties properties = DatabaseProperties.of(toc);
    if (!properties.present()) {
      TargetSteps.deriveSettings(t, target, warnings);
      return;
    }
    Set<String> appRoles = new LinkedHashSet<>();
    if (!properties.owner().isEmpty()) {
      appRoles.add(properties.owner());
    }
    sourceUser.ifPresent(appRoles::add);
    applyArchiveProperties(t, target, properties, appRoles, warnings);
  }

  /**
   * Applies what the archive carries about the database itself: its settings (replacing the target's),
   * the settings of the app's role ({@code appRoles}: the database's owner on the source, and the
   * source's user when known) onto the target's user, and its comment. Settings of other roles are
   * listed in {@code warnings}, as is a setting the target refuses.
   */
  static void applyArchiveProperties(Connection t, PgConnection target, DatabaseProperties p, Set<String> appRoles,
      List<String> warnings) {
    try {
      TargetDatabase.resetDatabaseSettings(t);
      for (Map.Entry<String, List<String>> s : p.settings().entrySet()) {
        apply(t, s.getKey(), () -> TargetDatabase.applySetting(t, s.getKey(), s.getValue()), warnings);
      }
      List<String> others = new ArrayList<>();
      TargetDatabase.resetRoleSettings(t, target.user());
      for (Map.Entry<String, Map<String, List<String>>> r : p.roleSettings().entrySet()) {
        if (!appRoles.contains(r.getKey())) {
          others.add(r.getKey() + " " + r.getValue().keySet());
          continue;
        }
        for (Map.Entry<String, List<String>> s : r.getValue().entrySet()) {
          apply(t, s.getKey(), () -> TargetDatabase.applyRoleSetting(t, target.user(), s.getKey(), s.getValue()),
              warnings);
        }
      }
      if (!others.isEmpty()) {
        warnings.add("settings of roles other than the app's were not carried: " + others);
      }
      TargetDatabase.setDatabaseComment(t, p.comment());
      if (!p.settings().isEmpty() || p.comment().isPresent() || p.roleSettings().keySet().stream().anyMatch(appRoles::contains)) {
        warnings.add("carried the database's settings " + p.settings().keySet() + ", comment and the app role's settings "
            + "from the archive onto " + target.database() + " and " + target.user()
            + " (pg_restore applies them only when it creates the database)");
      }
    } catch (SQLException e) {
      throw PgCli.failed(STEP, "applying the archive's database settings", target, e);
    }
  }

  /**
   * Copies the source's database settings, the source user's settings (onto the target's user) and
   * the database comment, replacing the target's: a setting the restore derived that the source lacks
   * is removed. Also re-applies the source's revocations from PUBLIC, which an archive made without
   * privileges (Heroku's) does not carry.
   *
   * @return the database settings applied, name to value
   */
  static Map<String, String> copyFromSource(PgConnection source, PgConnection target, List<String> warnings) {
    Map<String, String> settings;
    Map<String, String> roleSettings;
    Optional<String> comment;
    try (Connection s = PgCli.open(source, "settings")) {
      settings = TargetDatabase.databaseSettings(s);
      roleSettings = TargetDatabase.roleSettings(s, source.user());
      comment = TargetDatabase.databaseComment(s);
    } catch (SQLException e) {
      throw PgCli.failed("settings", "reading database settings", source, e);
    }
    List<String> revocations = TargetSteps.sourceRevocations(source);
    try (Connection t = PgCli.open(target, "settings")) {
      TargetDatabase.resetDatabaseSettings(t);
      for (Map.Entry<String, String> e : settings.entrySet()) {
        apply(t, e.getKey(), () -> TargetDatabase.applySetting(t, e.getKey(), e.getValue()), warnings);
      }
      TargetDatabase.resetRoleSettings(t, target.user());
      for (Map.Entry<String, String> e : roleSettings.entrySet()) {
        apply(t, e.getKey(), () -> TargetDatabase.applyRoleSetting(t, target.user(), e.getKey(),
            TargetDatabase.items(e.getKey(), e.getValue())), warnings);
      }
      TargetDatabase.setDatabaseComment(t, comment);
      TargetSteps.keepRevocations(t, target, revocations, warnings);
    } catch (SQLException e) {
      throw PgCli.failed("settings", "applying database settings " + settings, target, e);
    }
    return settings;
  }

  /** One statement that may fail without failing the rest. */
  private interface SettingWork {
    void run() throws SQLException;
  }

  private static void apply(Connection c, String name, SettingWork work, List<String> warnings) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    Savepoint sp = c.setSavepoint();
    try {
      work.run();
      c.releaseSavepoint(sp);
    } catch (SQLException e) {
      c.rollback(sp);
      warnings.add("setting " + name + " could not be applied on the target (" + e.getMessage() + ")");
    } finally {
      c.commit();
      c.setAutoCommit(autoCommit);
    }
  }
}
