package dev.cutover.postgres;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a restore must do around the archive, read from its table of contents. */
final class ArchivePlan {
  private static final Pattern WITH_SCHEMA = Pattern.compile("WITH SCHEMA (\"(?:[^\"]|\"\")+\"|[^\\s;]+)");
  private static final Pattern GRANT_TO = Pattern.compile("^GRANT .* TO (\"(?:[^\"]|\"\")+\"|[^\s;]+)( WITH GRANT OPTION)?;$");
  private static final Pattern REVOKE_FROM_PUBLIC = Pattern.compile("^REVOKE .* FROM PUBLIC;$");

  private ArchivePlan() {}

  /**
   * Schemas that {@code CREATE EXTENSION … WITH SCHEMA s} entries install into but no {@code SCHEMA}
   * entry creates, e.g. Heroku's {@code heroku_ext} in an archive dumped with {@code -n public}.
   */
  static List<String> schemasExtensionsNeed(ArchiveToc toc) {
    Set<String> created = new LinkedHashSet<>(List.of("public", "pg_catalog"));
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("SCHEMA")) {
        created.add(e.tag());
      }
    }
    Set<String> needed = new LinkedHashSet<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("EXTENSION")) {
        Matcher m = WITH_SCHEMA.matcher(e.defn());
        if (m.find()) {
          String schema = unquote(m.group(1));
          if (!created.contains(schema)) {
            needed.add(schema);
          }
        }
      }
    }
    return new ArrayList<>(needed);
  }

  /** The extensions the archive creates, in archive order (an extension after those it needs). */
  static List<String> extensions(ArchiveToc toc) {
    return toc.entries().stream().filter(e -> e.desc().equals("EXTENSION")).map(TocEntry::tag).toList();
  }

  /** The schemas the archive creates. */
  static Set<String> schemas(ArchiveToc toc) {
    Set<String> out = new LinkedHashSet<>();
    toc.entries().stream().filter(e -> e.desc().equals("SCHEMA")).forEach(e -> out.add(e.tag()));
    return out;
  }

  /** The {@code REVOKE … FROM PUBLIC;} statements of the archive's ACL entries (a {@code --no-acl} restore drops them). */
  static List<String> publicRevocations(ArchiveToc toc) {
    List<String> out = new ArrayList<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("ACL")) {
        for (String line : e.defn().split("\n")) {
          if (REVOKE_FROM_PUBLIC.matcher(line.strip()).matches()) {
            out.add(line.strip());
          }
        }
      }
    }
    return out;
  }

  /**
   * What a {@code --no-owner --no-acl} restore leaves behind, for the report: the roles that owned
   * objects and the roles that were granted privileges in the source.
   */
  static String ownersAndGrantees(ArchiveToc toc) {
    Set<String> owners = new java.util.TreeSet<>();
    Set<String> grantees = new java.util.TreeSet<>();
    for (TocEntry e : toc.entries()) {
      if (!e.owner().isEmpty()) {
        owners.add(e.owner());
      }
      if (e.desc().equals("ACL") || e.desc().equals("DEFAULT ACL")) {
        for (String line : e.defn().split("\n")) {
          Matcher m = GRANT_TO.matcher(line.strip());
          if (m.matches() && !m.group(1).equals("PUBLIC")) {
            grantees.add(unquote(m.group(1)));
          }
        }
      }
    }
    return "owners in the source: " + owners + (grantees.isEmpty() ? "" : "; grants to " + grantees + " were dropped");
  }

  private static String unquote(String ident) {
    return ident.startsWith("\"") ? ident.substring(1, ident.length() - 1).replace("\"\"", "\"") : ident;
  }
}
