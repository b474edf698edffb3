package dev.cutover.postgres.verify;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DatabaseProperties;
import dev.cutover.postgres.archive.DumpSql;
import dev.cutover.postgres.archive.TocEntry;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an archive says besides its rows, checked against the target: every object it lists exists
 * there (as the same kind, and constraints, indexes and triggers with the same definition and state),
 * every sequence has the archived value and definition, every comment is on its object with the same
 * text (and no other object has one), materialized views are populated exactly when the archive
 * refreshes them, and the database's and the app role's settings are the archive's.
 */
final class ArchiveObjects {
  private static final Pattern SETVAL = Pattern.compile("setval\\('(.*)', (-?\\d+), (true|false)\\);", Pattern.DOTALL);
  private static final Pattern OPTION = Pattern.compile(
      "(AS (?!IDENTITY)\\w+|START WITH -?\\d+|INCREMENT BY -?\\d+|NO MINVALUE|MINVALUE -?\\d+|NO MAXVALUE|MAXVALUE -?\\d+"
      + "|CACHE \\d+|NO CYCLE|CYCLE)");

  private ArchiveObjects() {}

  /** Compares the archive's object list with the target's catalogue. */
  static void objects(ArchiveToc toc, Map<String, Map<String, String>> catalogue, Set<String> functions,
      Findings findings) {
    Map<String, String> expected = new TreeMap<>();
    Map<String, String> actual = new TreeMap<>();
    Set<String> notCompared = new TreeSet<>();
    Set<String> populated = new TreeSet<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("MATERIALIZED VIEW DATA")) {
        populated.add(e.namespace() + "." + e.tag());
      }
    }
    for (TocEntry e : toc.entries()) {
      String ns = e.namespace();
      String name = ns + "." + e.tag();
      switch (e.desc()) {
        case "SCHEMA" -> present("schema " + e.tag(), catalogue.get("schema").get(e.tag()), expected, actual);
        case "EXTENSION" -> present("extension " + e.tag(), catalogue.get("extension").get(e.tag()), expected, actual);
        case "TABLE", "VIEW", "MATERIALIZED VIEW", "SEQUENCE", "FOREIGN TABLE" -> {
          String value = catalogue.get("relation").get(name);
          String kind = e.desc().toLowerCase(java.util.Locale.ROOT);
          boolean mv = e.desc().equals("MATERIALIZED VIEW");
          expected.put("relation " + name, kind + (mv && !populated.contains(name) ? ", not populated" : ""));
          actual.put("relation " + name, value == null ? Findings.MISSING : kindOf(value)
              + (mv && value.contains("not populated") ? ", not populated" : ""));
        }
        case "INDEX" -> definition("index " + name, stripSemicolon(e.defn()), catalogue.get("index").get(name),
            expected, actual);
        case "CONSTRAINT", "FK CONSTRAINT", "CHECK CONSTRAINT" -> {
          Optional<String> key = split(ns, e.tag(), catalogue.get("constraint"));
          String def = afterAddConstraint(e.defn());
          definition("constraint " + name, def, key.map(catalogue.get("constraint")::get).orElse(null), expected, actual);
        }
        case "TRIGGER" -> {
          Optional<String> key = split(ns, e.tag(), catalogue.get("trigger"));
          String def = firstStatement(e.defn()) + " " + triggerState(e.defn());
          definition("trigger " + name, def, key.map(catalogue.get("trigger")::get).orElse(null), expected, actual);
        }
        case "POLICY" -> present("policy " + name, split(ns, e.tag(), catalogue.get("policy")).orElse(null),
            expected, actual);
        case "RULE" -> present("rule " + name, split(ns, e.tag(), catalogue.get("rule")).orElse(null), expected, actual);
        case "FUNCTION", "PROCEDURE", "AGGREGATE" -> present(e.desc().toLowerCase(java.util.Locale.ROOT) + " " + name,
            functions.contains(name) ? "yes" : null, expected, actual);
        case "TYPE", "DOMAIN" -> present("type " + name, catalogue.get("type").get(name), expected, actual);
        case "ROW SECURITY" -> {
          String value = catalogue.get("relation").get(name);
          expected.put("row level security " + name, "enabled");
          actual.put("row level security " + name, value == null ? Findings.MISSING
              : value.contains("row level security enabled") ? "enabled" : "disabled");
        }
        case "TABLE ATTACH" -> {
          String value = catalogue.get("relation").get(name);
          expected.put("partition " + name, "attached");
          actual.put("partition " + name, value != null && value.contains("partition of ") ? "attached" : "not attached");
        }
        case "DEFAULT" -> {
          int space = e.tag().lastIndexOf(' ');
          String column = ns + "." + e.tag().substring(0, Math.max(0, space)) + "." + e.tag().substring(space + 1);
          String value = catalogue.get("column").get(column);
          expected.put("default " + column, "set");
          actual.put("default " + column, value == null ? Findings.MISSING : value.contains(" default ") ? "set" : "none");
        }
        case "STATISTICS" -> present("statistics " + name, catalogue.get("statistics").get(name), expected, actual);
        case "EVENT TRIGGER" -> present("event trigger " + e.tag(), catalogue.get("event trigger").get(e.tag()),
            expected, actual);
        case "ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE", "DATABASE PROPERTIES", "COMMENT", "TABLE DATA",
            "SEQUENCE SET", "SEQUENCE OWNED BY", "BLOB", "BLOB METADATA", "BLOBS", "MATERIALIZED VIEW DATA", "ACL",
            "DEFAULT ACL", "INDEX ATTACH", "SHELL TYPE", "STATISTICS DATA" -> {
          // checked elsewhere (content, sequences, comments, large objects, settings), or not restored
        }
        default -> notCompared.add(e.desc());
      }
    }
    for (Map.Entry<String, String> rel : catalogue.get("relation").entrySet()) {
      if (!expected.containsKey("relation " + rel.getKey())) {
        expected.put("relation " + rel.getKey(), Findings.MISSING);
        actual.put("relation " + rel.getKey(), kindOf(rel.getValue()));
      }
    }
    findings.compare("object", expected, actual);
    if (!notCompared.isEmpty()) {
      findings.notProven("archive entries of kinds " + notCompared + " were not compared one by one");
    }
  }

  private static void present(String key, String found, Map<String, String> expected, Map<String, String> actual) {
    expected.put(key, "present");
    actual.put(key, found == null ? Findings.MISSING : "present");
  }

  private static void definition(String key, String archived, String found, Map<String, String> expected,
      Map<String, String> actual) {
    expected.put(key, normal(archived));
    actual.put(key, found == null ? Findings.MISSING : normal(found));
  }

  private static String kindOf(String relationValue) {
    int comma = relationValue.indexOf(", ");
    String kind = comma < 0 ? relationValue : relationValue.substring(0, comma);
    return kind.equals("partitioned table") ? "table" : kind;
  }

  /** The catalogue key for a tag {@code table object} (names may hold spaces: every split is tried). */
  private static Optional<String> split(String ns, String tag, Map<String, String> keys) {
    for (int i = tag.indexOf(' '); i >= 0; i = tag.indexOf(' ', i + 1)) {
      String key = ns + "." + tag.substring(0, i) + "." + tag.substring(i + 1);
      if (keys.containsKey(key)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  private static String afterAddConstraint(String defn) {
    String s = firstStatement(defn);
    int add = s.indexOf("ADD CONSTRAINT ");
    if (add < 0) {
      return s;
    }
    Optional<DumpSql.Ident> name = DumpSql.identifier(s, add + "ADD CONSTRAINT ".length());
    return name.map(n -> s.substring(n.end()).strip()).orElse(s);
  }

  private static String triggerState(String defn) {
    if (defn.contains(" DISABLE TRIGGER ")) {
      return "(disabled)";
    }
    if (defn.contains(" ENABLE ALWAYS TRIGGER ")) {
      return "(enabled always)";
    }
    return defn.contains(" ENABLE REPLICA TRIGGER ") ? "(enabled replica)" : "(enabled)";
  }

  private static String firstStatement(String defn) {
    int end = defn.indexOf(";\n");
    return stripSemicolon(end < 0 ? defn : defn.substring(0, end + 1));
  }

  private static String stripSemicolon(String s) {
    String t = s.strip();
    return t.endsWith(";") ? t.substring(0, t.length() - 1) : t;
  }

  private static String normal(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }

  /**
   * The archive's sequences as the target's {@link Sequences} describes them (value, called, type,
   * start, increment, bounds, cache, cycle), without the owning column, which an archive states apart.
   */
  static void sequences(ArchiveToc toc, Map<String, String> target, Findings findings) {
    Map<String, String> values = new LinkedHashMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("SEQUENCE SET")) {
        Matcher m = SETVAL.matcher(e.defn());
        if (m.find()) {
          values.put(e.namespace() + "." + e.tag(), "value " + m.group(2) + ("true".equals(m.group(3))
              ? " (called)" : " (not called)"));
        }
      }
    }
    Map<String, String> expected = new TreeMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("SEQUENCE")) {
        String name = e.namespace() + "." + e.tag();
        expected.put(name, values.getOrDefault(name, "value (not in the archive)") + ", " + definition(e.defn()));
      }
    }
    Map<String, String> actual = new TreeMap<>();
    target.forEach((name, value) -> {
      int owner = value.indexOf(", owned by ");
      int identity = value.indexOf(", identity of ");
      int cut = owner >= 0 ? owner : identity;
      actual.put(name, cut >= 0 ? value.substring(0, cut) : value);
    });
    findings.compare("sequence", expected, actual);
  }

  /** {@code bigint, start 1, increment 1, min 1, max 9223372036854775807, cache 1, no cycle} from pg_dump's SQL. */
  static String definition(String defn) {
    String type = "bigint";
    long start = Long.MIN_VALUE;
    long increment = 1;
    Long min = null;
    Long max = null;
    long cache = 1;
    boolean cycle = false;
    Matcher m = OPTION.matcher(defn);
    while (m.find()) {
      String o = m.group(1);
      String value = o.substring(o.lastIndexOf(' ') + 1);
      if (o.startsWith("AS ")) {
        type = o.substring(3).toLowerCase(java.util.Locale.ROOT);
      } else if (o.startsWith("START WITH")) {
        start = Long.parseLong(value);
      } else if (o.startsWith("INCREMENT BY")) {
        increment = Long.parseLong(value);
      } else if (o.startsWith("MINVALUE")) {
        min = Long.parseLong(value);
      } else if (o.startsWith("MAXVALUE")) {
        max = Long.parseLong(value);
      } else if (o.startsWith("CACHE")) {
        cache = Long.parseLong(value);
      } else if (o.equals("CYCLE")) {
        cycle = true;
      }
    }
    type = switch (type) {
      case "integer", "int", "int4" -> "integer";
      case "smallint", "int2" -> "smallint";
      default -> "bigint";
    };
    long typeMax = type.equals("integer") ? Integer.MAX_VALUE : type.equals("smallint") ? Short.MAX_VALUE : Long.MAX_VALUE;
    long typeMin = type.equals("integer") ? Integer.MIN_VALUE : type.equals("smallint") ? Short.MIN_VALUE : Long.MIN_VALUE;
    long lo = min != null ? min : increment > 0 ? 1 : typeMin;
    long hi = max != null ? max : increment > 0 ? typeMax : -1;
    long first = start != Long.MIN_VALUE ? start : increment > 0 ? lo : hi;
    return String.join(", ", type, "start " + first, "increment " + increment, "min " + lo, "max " + hi,
        "cache " + cache, cycle ? "cycle" : "no cycle");
  }

  /**
   * Checks comments exactly: each archived {@code COMMENT} statement is run on the target with a
   * marker text (inside a savepoint that is rolled back, so nothing stays), which tells which of the
   * target's objects it is about; then the archive's texts are compared with the target's comments,
   * object by object, and a comment the archive does not have is a difference too. The database's
   * comment is compared apart (the name differs).
   */
  static void comments(ArchiveToc toc, ReadSession s, DatabaseProperties properties, Map<String, String> targetComments,
      Findings findings) throws SQLException {
    Map<String, String> expected = new TreeMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    Map<String, String> markers = new LinkedHashMap<>();
    s.execute("SAVEPOINT cutover_comments");
    try {
      int n = 0;
      for (TocEntry e : toc.entries()) {
        if (!e.desc().equals("COMMENT") || e.tag().startsWith("DATABASE ")) {
          continue;
        }
        Optional<DumpSql.Literal> lit = DumpSql.trailingLiteral(e.defn());
        if (lit.isEmpty()) {
          continue;
        }
        String marker = "cutover-comment-marker-" + (++n);
        String statement = e.defn().strip().substring(0, lit.get().start()) + Sql.literal(marker);
        s.execute("SAVEPOINT cutover_comment");
        try {
          s.execute(statement);
          s.execute("RELEASE SAVEPOINT cutover_comment");
          markers.put(marker, lit.get().value());
        } catch (SQLException ex) {
          s.execute("ROLLBACK TO SAVEPOINT cutover_comment");
          failed.put(e.namespace() + " " + e.tag(), ex.getMessage());
        }
      }
      for (String[] row : s.rows("SELECT o.type || ' ' || o.identity, d.description FROM pg_description d, "
          + "LATERAL pg_identify_object(d.classoid, d.objoid, d.objsubid) o WHERE d.description LIKE "
          + "'cutover-comment-marker-%'")) {
        String text = markers.get(row[1]);
        if (text != null) {
          expected.put(row[0], text);
        }
      }
    } finally {
      s.execute("ROLLBACK TO SAVEPOINT cutover_comments");
    }
    // pg_dump leaves out the public schema's comment while it is initdb's
    expected.putIfAbsent("schema public", "standard public schema");
    Map<String, String> actual = new TreeMap<>(targetComments);
    actual.remove("database");
    findings.compare("comment", expected, actual);
    failed.forEach((tag, why) -> findings.check("comment", tag, "on an object of the target", "cannot be set: " + why));
    findings.check("comment", "database", properties.comment().orElse("(none)"),
        targetComments.getOrDefault("database", "(none)"));
  }

  /** The archive's database settings and the app role's, against the target's and its user's. */
  static void settings(DatabaseProperties p, Settings target, String appRole, String targetUser, Findings findings) {
    Map<String, String> db = new TreeMap<>();
    p.settings().forEach((k, v) -> db.put(k, String.join(", ", v)));
    Map<String, String> role = new TreeMap<>();
    p.roleSettings().getOrDefault(appRole, Map.of()).forEach((k, v) -> role.put(k, String.join(", ", v)));
    Settings expected = new Settings(db, role);
    Settings actual = new Settings(normalised(target.database()), normalised(target.role()));
    Settings.compare(expected, actual, appRole, targetUser, findings);
    p.rolesWithSettings().stream().filter(r -> !r.equals(appRole))
        .forEach(r -> findings.loss("settings of role " + r + " in the database (not the app's role) are not carried"));
  }

  /** Stored values with list items unquoted ({@code "$user", public} as {@code $user, public}), as the archive lists them. */
  private static Map<String, String> normalised(Map<String, String> stored) {
    Map<String, String> out = new TreeMap<>();
    stored.forEach((k, v) -> out.put(k, DumpSql.LIST_SETTINGS.contains(k) ? String.join(", ", DumpSql.listSetting(v)) : v));
    return out;
  }
}
