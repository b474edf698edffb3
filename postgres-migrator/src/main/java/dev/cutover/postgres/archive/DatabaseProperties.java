package dev.cutover.postgres.archive;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an archive carries about the database itself, which {@code pg_restore} applies only with
 * {@code --create} (and a restore into an existing database therefore loses): its owner, its comment,
 * its settings ({@code ALTER DATABASE … SET}) and roles' settings in it ({@code ALTER ROLE … IN
 * DATABASE … SET}), from the {@code DATABASE}, {@code COMMENT} and {@code DATABASE PROPERTIES} entries.
 * Immutable.
 */
public final class DatabaseProperties {
  private static final String ALTER_DATABASE = "ALTER DATABASE ";
  private static final String ALTER_ROLE = "ALTER ROLE ";

  private final String database;
  private final String owner;
  private final String comment;
  private final Map<String, List<String>> settings;
  private final Map<String, Map<String, List<String>>> roleSettings;
  private final boolean present;

  private DatabaseProperties(String database, String owner, String comment, Map<String, List<String>> settings,
      Map<String, Map<String, List<String>>> roleSettings, boolean present) {
    this.database = database;
    this.owner = owner;
    this.comment = comment;
    this.settings = settings;
    this.roleSettings = roleSettings;
    this.present = present;
  }

  /**
   * Reads them from {@code toc}. Statements it does not recognise are ignored.
   *
   * @param toc the archive's table of contents
   * @return the properties
   */
  public static DatabaseProperties of(ArchiveToc toc) {
    Objects.requireNonNull(toc, "toc");
    Optional<TocEntry> db = toc.entries().stream().filter(e -> e.desc().equals("DATABASE")).findFirst();
    String name = db.map(TocEntry::tag).orElse(toc.header().database());
    String comment = null;
    Map<String, List<String>> settings = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> roles = new LinkedHashMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("COMMENT") && e.tag().startsWith("DATABASE ")) {
        comment = DumpSql.trailingLiteral(e.defn()).map(DumpSql.Literal::value).orElse(null);
      } else if (e.desc().equals("DATABASE PROPERTIES")) {
        for (String line : e.defn().split("\n")) {
          parseSetting(line.strip(), settings, roles);
        }
      }
    }
    return new DatabaseProperties(name, db.map(TocEntry::owner).orElse(""), comment, settings, roles, db.isPresent());
  }

  private static void parseSetting(String line, Map<String, List<String>> settings,
      Map<String, Map<String, List<String>>> roles) {
    String role = null;
    int pos;
    if (line.startsWith(ALTER_ROLE)) {
      Optional<DumpSql.Ident> r = DumpSql.identifier(line, ALTER_ROLE.length());
      if (r.isEmpty() || !line.startsWith(" IN DATABASE ", r.get().end())) {
        return;
      }
      role = r.get().name();
      pos = r.get().end() + " IN DATABASE ".length();
    } else if (line.startsWith(ALTER_DATABASE)) {
      pos = ALTER_DATABASE.length();
    } else {
      return;
    }
    Optional<DumpSql.Ident> dbName = DumpSql.identifier(line, pos);
    if (dbName.isEmpty() || !line.startsWith(" SET ", dbName.get().end())) {
      return;
    }
    Optional<DumpSql.Ident> setting = DumpSql.identifier(line, dbName.get().end() + " SET ".length());
    if (setting.isEmpty() || !line.startsWith(" TO ", setting.get().end()) || !line.endsWith(";")) {
      return;
    }
    List<String> value;
    try {
      value = DumpSql.literalList(line.substring(setting.get().end() + " TO ".length(), line.length() - 1));
    } catch (IllegalArgumentException e) {
      return;
    }
    (role == null ? settings : roles.computeIfAbsent(role, k -> new LinkedHashMap<>())).put(setting.get().name(),
        List.copyOf(value));
  }

  /**
   * Whether the archive has a {@code DATABASE} entry (pg_dump 11 and later always write one).
   *
   * @return true when it has
   */
  public boolean present() {
    return present;
  }

  /**
   * The source database's name.
   *
   * @return the name
   */
  public String database() {
    return database;
  }

  /**
   * The source database's owner (on Heroku, the app's role), or {@code ""} when unknown.
   *
   * @return the owner
   */
  public String owner() {
    return owner;
  }

  /**
   * The database's comment, if it had one.
   *
   * @return the comment, or empty
   */
  public Optional<String> comment() {
    return Optional.ofNullable(comment);
  }

  /**
   * Database-level settings: name to value items (one item unless it is a list setting such as {@code search_path}).
   *
   * @return the settings
   */
  public Map<String, List<String>> settings() {
    return Map.copyOf(settings);
  }

  /**
   * Settings of roles in this database: role to (name to value items).
   *
   * @return the settings by role
   */
  public Map<String, Map<String, List<String>>> roleSettings() {
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    roleSettings.forEach((r, s) -> out.put(r, Map.copyOf(s)));
    return out;
  }

  /**
   * The names of the roles that have settings in the database.
   *
   * @return the roles
   */
  public List<String> rolesWithSettings() {
    return new ArrayList<>(roleSettings.keySet());
  }

  @Override
  public String toString() {
    return "DatabaseProperties[" + database + ", owner " + owner + ", " + settings.size() + " settings, "
        + roleSettings.size() + " roles with settings" + (comment == null ? "" : ", a comment") + "]";
  }
}
