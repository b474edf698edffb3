package dev.cutover.postgres.parallel;

import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of contents of a direct copy: the schema {@code pg_dump --section=pre-data --section=post-data}
 * wrote (so the target gets exactly what pg_dump would create), plus the data entries that dump leaves out,
 * made as {@code pg_dump} makes them from the source catalogue: a {@code TABLE DATA} entry for every ordinary
 * table and every extension configuration table, a {@code SEQUENCE SET} for every sequence, and the large
 * objects ({@code BLOBS}, with their {@code BLOB METADATA} and comments where the dump has no {@code BLOB}
 * entries, as pg_dump 17 puts them in the data section).
 *
 * @param toc the whole table of contents, data entries after the dump's own
 * @param tables how to read each {@code TABLE DATA} entry's rows from the source, by dump id
 * @param largeObjects the OIDs of each {@code BLOBS} entry, by dump id
 */
record DirectToc(ArchiveToc toc, Map<Integer, SourceTable> tables, Map<Integer, List<Long>> largeObjects) {
  /** pg_dump 17 and 18 group large objects by this many per {@code BLOB METADATA} entry. */
  static final int LARGE_OBJECTS_PER_GROUP = 1000;

  /**
   * The whole table of contents.
   *
   * @param sequenceValues {@code last_value} and {@code is_called} by sequence OID
   * @param largeObjects every large object's OID with its comment (or null), used only when the dump has no
   *     {@code BLOB} entries
   */
  static DirectToc of(ArchiveToc schema, SourceCatalog catalog, Map<Long, String[]> sequenceValues,
      Map<Long, String> largeObjects) {
    List<TocEntry> entries = new ArrayList<>(schema.entries());
    int[] next = {schema.entries().stream().mapToInt(TocEntry::dumpId).max().orElse(0) + 1};
    Map<Integer, SourceTable> tables = new LinkedHashMap<>();
    Map<Integer, List<Long>> blobs = new LinkedHashMap<>();
    Map<String, TocEntry> extensions = new HashMap<>();
    List<Long> dumpedLargeObjects = new ArrayList<>();
    for (TocEntry e : schema.entries()) {
      switch (e.desc()) {
        case "TABLE" -> {
          SourceCatalog.Table t = catalog.tables().get(oid(e));
          if (t != null && t.relkind() == 'r') {
            int id = next[0]++;
            entries.add(tableData(id, e, t));
            tables.put(id, SourceTable.of(t, ""));
          }
        }
        case "SEQUENCE" -> {
          String[] value = sequenceValues.get(oid(e));
          if (value != null) {
            entries.add(sequenceSet(next[0]++, e, value));
          }
        }
        case "EXTENSION" -> extensions.put(e.tag(), e);
        case "BLOB" -> dumpedLargeObjects.add(Long.parseLong(e.tag().trim()));
        default -> {
          // nothing to add for other entries
        }
      }
    }
    for (SourceCatalog.ConfigTable config : catalog.extensionConfig()) {
      TocEntry extension = extensions.get(config.extension());
      SourceCatalog.Table t = catalog.tables().get(config.oid());
      if (extension != null && t != null && config.relkind() == 'r') {
        int id = next[0]++;
        entries.add(new TocEntry(id, true, "0", Long.toString(t.oid()), t.name(), "TABLE DATA", TocEntry.Section.DATA,
            "", "", copyStatement(t), t.schema(), "", "", 0, "", List.of(extension.dumpId()), -1));
        tables.put(id, SourceTable.of(t, config.condition()));
      }
    }
    if (!dumpedLargeObjects.isEmpty()) {
      int id = next[0]++;
      entries.add(new TocEntry(id, true, "0", "0", "BLOBS", "BLOBS", TocEntry.Section.DATA, "", "", "", "", "", "", 0, "",
          List.of(), -1));
      blobs.put(id, List.copyOf(dumpedLargeObjects));
    } else if (!largeObjects.isEmpty() && schema.entries().stream().noneMatch(e -> e.desc().equals("BLOB METADATA"))) {
      addLargeObjects(entries, next, largeObjects, blobs);
    }
    return new DirectToc(new ArchiveToc(schema.header(), entries, schema.dataStart()), tables, blobs);
  }

  /** The source OIDs of the sequences among {@code entries}, with their quoted names, to read their values. */
  static Map<Long, String> sequences(ArchiveToc schema) {
    Map<Long, String> out = new LinkedHashMap<>();
    for (TocEntry e : schema.entries()) {
      if (e.desc().equals("SEQUENCE")) {
        out.put(oid(e), Sql.qualified(e.namespace(), e.tag()));
      }
    }
    return out;
  }

  /** Whether large objects must be read from the catalogue: the dump has no entry for them (pg_dump 17+). */
  static boolean needsLargeObjects(ArchiveToc schema) {
    return schema.entries().stream().noneMatch(e -> e.desc().equals("BLOB") || e.desc().equals("BLOB METADATA"));
  }

  private static TocEntry tableData(int id, TocEntry table, SourceCatalog.Table t) {
    return new TocEntry(id, true, "0", table.oid(), table.tag(), "TABLE DATA", TocEntry.Section.DATA, "", "",
        copyStatement(t), table.namespace(), "", "", 0, table.owner(), List.of(table.dumpId()), -1);
  }

  /** The statement pg_dump writes for the target: {@code COPY schema.table (a, b) FROM stdin;}. */
  private static String copyStatement(SourceCatalog.Table t) {
    String columns = t.columns().stream().map(c -> Sql.id(c.name())).reduce((a, b) -> a + ", " + b)
        .map(c -> " (" + c + ")").orElse("");
    return "COPY " + t.qualified() + columns + " FROM stdin;\n";
  }

  private static TocEntry sequenceSet(int id, TocEntry sequence, String[] value) {
    String name = Sql.qualified(sequence.namespace(), sequence.tag());
    String defn = "SELECT pg_catalog.setval(" + SourceSession.literal(name) + ", " + value[0] + ", " + value[1] + ");\n";
    return new TocEntry(id, false, "0", "0", sequence.tag(), "SEQUENCE SET", TocEntry.Section.DATA, defn, "", "",
        sequence.namespace(), "", "", 0, sequence.owner(), List.of(sequence.dumpId()), -1);
  }

  /** {@code BLOB METADATA} groups, their {@code BLOBS} and the comments, as pg_dump 17 writes them. */
  private static void addLargeObjects(List<TocEntry> entries, int[] next, Map<Long, String> largeObjects,
      Map<Integer, List<Long>> blobs) {
    List<Long> oids = new ArrayList<>(largeObjects.keySet());
    for (int from = 0; from < oids.size(); from += LARGE_OBJECTS_PER_GROUP) {
      List<Long> group = oids.subList(from, Math.min(oids.size(), from + LARGE_OBJECTS_PER_GROUP));
      String tag = group.size() == 1 ? group.get(0).toString() : group.get(0) + ".." + group.get(group.size() - 1);
      StringBuilder defn = new StringBuilder();
      group.forEach(oid -> defn.append(oid).append('\n'));
      int metadata = next[0]++;
      entries.add(new TocEntry(metadata, false, "2613", group.get(0).toString(), tag, "BLOB METADATA",
          TocEntry.Section.DATA, defn.toString(), "-- dummy", "", "", "", "", 0, "", List.of(), -1));
      int data = next[0]++;
      entries.add(new TocEntry(data, true, "0", "0", tag, "BLOBS", TocEntry.Section.DATA, "", "", "", "", "", "", 0, "",
          List.of(metadata), -1));
      blobs.put(data, List.copyOf(group));
      for (long oid : group) {
        String comment = largeObjects.get(oid);
        if (comment != null) {
          entries.add(new TocEntry(next[0]++, false, "0", "0", "LARGE OBJECT " + oid, "COMMENT", TocEntry.Section.NONE,
              "COMMENT ON LARGE OBJECT " + oid + " IS " + SourceSession.literal(comment) + ";\n", "", "", "", "", "", 0,
              "", List.of(metadata), -1));
        }
      }
    }
  }

  private static long oid(TocEntry e) {
    try {
      return Long.parseLong(e.oid());
    } catch (NumberFormatException ex) {
      return -1;
    }
  }
}
