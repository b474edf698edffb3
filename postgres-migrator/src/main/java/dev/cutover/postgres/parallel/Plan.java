package dev.cutover.postgres.parallel;

import dev.cutover.core.PgToolException;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which entries a {@code pg_restore --no-owner --no-acl} restore runs, with what SQL, in which pass,
 * and the dependency graph of what is left after the serial pre-data phase.
 */
final class Plan {
  private static final Set<String> SKIPPED = Set.of("ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE",
      "DATABASE PROPERTIES", "ACL", "DEFAULT ACL", "ACL LANGUAGE", "<Init>");

  /** Entries run serially on the first connection, in TOC order. */
  final List<Item> prefork = new ArrayList<>();
  /** Entries left for the parallel phase, by dump id, in TOC order. */
  final Map<Integer, Item> pending = new LinkedHashMap<>();
  final List<String> warnings = new ArrayList<>();

  static Plan of(ArchiveToc toc, Map<Integer, Long> blockLength, int serverVersion) {
    Plan plan = new Plan();
    boolean skippedSome = false;
    Map<Integer, Item> all = new LinkedHashMap<>();
    int statistics = 0;
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("STATISTICS DATA") && serverVersion < 180000) {
        statistics++;
        continue;
      }
      Item item = item(e);
      boolean dataOrPost = e.section() == TocEntry.Section.DATA || e.section() == TocEntry.Section.POST_DATA;
      boolean doNow = e.section() == TocEntry.Section.PRE_DATA || (e.section() == TocEntry.Section.NONE && !skippedSome);
      if (dataOrPost) {
        skippedSome = true;
      }
      if (item == null) {
        continue;
      }
      all.put(e.dumpId(), item);
      item.length = blockLength.getOrDefault(e.dumpId(), 0L);
      if (doNow && !item.postAcl) {
        plan.prefork.add(item);
      } else {
        plan.pending.put(e.dumpId(), item);
      }
    }
    if (statistics > 0) {
      plan.warnings.add(statistics + " STATISTICS DATA entries skipped: the target server is older than 18; run ANALYZE");
    }
    plan.link(toc);
    return plan;
  }

  /**
   * Entries pg_restore keeps for its last pass, after the ACLs. Materialized view refreshes are not
   * among them here: with no ACLs restored they only need the data (see {@link Item#afterData}).
   */
  private static boolean postAcl(TocEntry e) {
    return e.desc().equals("EVENT TRIGGER")
        || ((e.desc().equals("COMMENT") || e.desc().equals("SECURITY LABEL")) && e.tag().startsWith("EVENT TRIGGER "))
        || (e.desc().equals("STATISTICS DATA") && e.section() == TocEntry.Section.POST_DATA);
  }

  /** The work for one entry, or null when {@code --no-owner --no-acl} skips it. */
  private static Item item(TocEntry e) {
    String desc = e.desc();
    if (SKIPPED.contains(desc) || e.tag().equals("Max OID")) {
      return null;
    }
    if ((desc.equals("COMMENT") || desc.equals("SECURITY LABEL")) && e.tag().startsWith("DATABASE ")) {
      return null;
    }
    boolean postAcl = postAcl(e);
    if (e.hadData()) {
      if (desc.equals("BLOBS")) {
        return new Item(e, Item.Kind.BLOBS, "", postAcl);
      }
      if (e.copyStmt().isBlank()) {
        throw new PgToolException("restore", "restore: " + desc + " " + e.qualifiedName()
            + " holds INSERT statements (an archive made with pg_dump --inserts), which the PARALLEL engine does not"
            + " restore; use the PG_RESTORE strategy for this archive", false, null);
      }
      return new Item(e, Item.Kind.TABLE_DATA, e.copyStmt(), postAcl);
    }
    String sql;
    if (desc.equals("BLOB METADATA")) {
      StringBuilder b = new StringBuilder();
      for (String line : e.defn().split("\n")) {
        if (!line.isBlank()) {
          b.append("SELECT pg_catalog.lo_create('").append(line.trim()).append("');\n");
        }
      }
      sql = b.toString();
    } else if (desc.equals("SCHEMA") && !e.defn().startsWith("--")) {
      sql = "CREATE SCHEMA " + Sql.id(e.tag()) + ";";
    } else {
      sql = e.defn();
    }
    if (sql.isBlank() || isOnlyComments(sql)) {
      return null;
    }
    if (e.relkind() == 'p' && !e.tableAm().isEmpty()) {
      sql = sql + "\nALTER TABLE " + Sql.qualified(e.namespace(), e.tag()) + " SET ACCESS METHOD " + Sql.id(e.tableAm())
          + ";";
    }
    return new Item(e, Item.Kind.SQL, sql, postAcl);
  }

  private static boolean isOnlyComments(String sql) {
    return sql.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("--"));
  }

  /** Repoints post-data dependencies from tables to their data and builds the pending graph. */
  private void link(ArchiveToc toc) {
    Map<Integer, TocEntry> byId = toc.byId();
    Map<Integer, Integer> tableToData = new HashMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("TABLE DATA") && e.dependencies().size() == 1) {
        tableToData.put(e.dependencies().get(0), e.dumpId());
      }
    }
    // TABLE ATTACH depends on the parent and the partition: lets a constraint on a partitioned
    // table (a foreign key) wait for the data of every partition, not only for the empty parent.
    Map<Integer, List<Integer>> partitions = new HashMap<>();
    for (TocEntry e : toc.entries()) {
      if (e.desc().equals("TABLE ATTACH") && e.dependencies().size() >= 2) {
        List<Integer> tables = e.dependencies().stream()
            .filter(d -> byId.containsKey(d) && byId.get(d).desc().equals("TABLE")).toList();
        TocEntry child = tables.stream().map(byId::get).filter(t -> t.tag().equals(e.tag())).findFirst().orElse(null);
        if (child != null) {
          tables.stream().filter(d -> d != child.dumpId())
              .forEach(parent -> partitions.computeIfAbsent(parent, k -> new ArrayList<>()).add(child.dumpId()));
        }
      }
    }
    for (Item item : pending.values()) {
      boolean post = item.entry.section() == TocEntry.Section.POST_DATA;
      for (int d : item.entry.dependencies()) {
        List<Integer> targets = new ArrayList<>();
        targets.add(post ? tableToData.getOrDefault(d, d) : d);
        if (post && byId.containsKey(d) && byId.get(d).desc().equals("TABLE")) {
          for (int child : partitions.getOrDefault(d, List.of())) {
            collectData(child, tableToData, partitions, targets, 0);
          }
        }
        for (int t : targets) {
          item.deps.add(t);
          Item dep = pending.get(t);
          if (dep != null && post) {
            item.length = Math.max(item.length, dep.length);
          }
          TocEntry te = byId.get(t);
          if (post && !item.entry.desc().equals("INDEX") && te != null
              && (te.desc().equals("TABLE DATA") || te.desc().equals("TABLE"))) {
            item.lockDeps.add(t);
          }
        }
      }
    }
    for (Item item : pending.values()) {
      if (item.afterData) {
        item.length = readsData(item.entry, byId, tableToData, partitions);
      }
    }
    for (Item item : pending.values()) {
      for (int d : item.deps) {
        Item dep = pending.get(d);
        if (dep != null && dep != item) {
          dep.dependents.add(item);
          item.depCount++;
        }
      }
    }
  }

  /**
   * How much data a materialized view refresh reads, for the largest-first order: the archived data
   * of the tables (and their partitions) its view reads, directly or through other views.
   */
  private long readsData(TocEntry refresh, Map<Integer, TocEntry> byId, Map<Integer, Integer> tableToData,
      Map<Integer, List<Integer>> partitions) {
    List<Integer> data = new ArrayList<>();
    ArrayDeque<Integer> todo = new ArrayDeque<>(refresh.dependencies());
    Set<Integer> seen = new HashSet<>();
    while (!todo.isEmpty()) {
      TocEntry e = byId.get(todo.pop());
      if (e == null || !seen.add(e.dumpId())) {
        continue;
      }
      switch (e.desc()) {
        case "TABLE" -> collectData(e.dumpId(), tableToData, partitions, data, 0);
        case "VIEW", "MATERIALIZED VIEW" -> todo.addAll(e.dependencies());
        default -> {
          // schemas, types, functions: no data
        }
      }
    }
    long sum = 0;
    for (int d : data) {
      Item item = pending.get(d);
      sum += item == null ? 0 : item.length;
    }
    return sum;
  }

  private static void collectData(int table, Map<Integer, Integer> tableToData, Map<Integer, List<Integer>> partitions,
      List<Integer> out, int depth) {
    Integer data = tableToData.get(table);
    if (data != null) {
      out.add(data);
    }
    if (depth < 32) {
      for (int child : partitions.getOrDefault(table, List.of())) {
        collectData(child, tableToData, partitions, out, depth + 1);
      }
    }
  }
}
