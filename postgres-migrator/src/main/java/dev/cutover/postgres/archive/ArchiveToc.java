package dev.cutover.postgres.archive;

import dev.cutover.core.model.ArchiveSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The header and table of contents of a custom-format archive, as {@link ArchiveReader#readToc}
 * read them. Immutable; holds no open file.
 *
 * @param header the archive header
 * @param entries every TOC entry, in archive order
 * @param dataStart the file position right after the TOC, where the data blocks begin
 */
public record ArchiveToc(ArchiveHeader header, List<TocEntry> entries, long dataStart) {
  public ArchiveToc {
    Objects.requireNonNull(header, "header");
    entries = List.copyOf(entries);
  }

  /** The entry with {@code dumpId}, if the archive has it. */
  public Optional<TocEntry> entry(int dumpId) {
    return entries.stream().filter(e -> e.dumpId() == dumpId).findFirst();
  }

  /** The dump's character encoding from the {@code ENCODING} entry (e.g. {@code UTF8}); {@code UTF8} if absent. */
  public String encoding() {
    return special("ENCODING").map(ArchiveToc::quoted).orElse("UTF8");
  }

  /** Whether the dump was made with {@code standard_conforming_strings = on} (the {@code STDSTRINGS} entry). */
  public boolean standardConformingStrings() {
    return special("STDSTRINGS").map(d -> !"off".equals(quoted(d))).orElse(true);
  }

  /** The {@code SEARCHPATH} entry's SQL, replayed at the start of every session (archives 1.13+). */
  public Optional<String> searchPathSql() {
    return special("SEARCHPATH").filter(d -> !d.isBlank());
  }

  private Optional<String> special(String desc) {
    return entries.stream().filter(e -> e.desc().equals(desc)).map(TocEntry::defn).findFirst();
  }

  private static String quoted(String defn) {
    int a = defn.indexOf('\'');
    int b = a < 0 ? -1 : defn.indexOf('\'', a + 1);
    return b < 0 ? defn.trim() : defn.substring(a + 1, b);
  }

  /** Schema-qualified names of the tables that have data, in archive order. */
  public List<String> tablesWithData() {
    return entries.stream().filter(e -> e.desc().equals("TABLE DATA")).map(TocEntry::qualifiedName).toList();
  }

  /** OIDs of the large objects in the archive ({@code BLOB} entries up to 1.15, {@code BLOB METADATA} lists from 1.16). */
  public List<Long> largeObjectOids() {
    List<Long> oids = new ArrayList<>();
    for (TocEntry e : entries) {
      if (e.desc().equals("BLOB")) {
        oids.add(Long.parseLong(e.tag().trim()));
      } else if (e.desc().equals("BLOB METADATA")) {
        for (String line : e.defn().split("\n")) {
          if (!line.isBlank()) {
            oids.add(Long.parseLong(line.trim()));
          }
        }
      }
    }
    return oids;
  }

  /**
   * The summary the rest of the SDK reports.
   *
   * @param sizeBytes the archive's size on disk
   */
  public ArchiveSummary summary(long sizeBytes) {
    List<String> extensions = entries.stream().filter(e -> e.desc().equals("EXTENSION")).map(TocEntry::tag).toList();
    TreeSet<String> schemas = new TreeSet<>();
    for (TocEntry e : entries) {
      if (e.desc().equals("SCHEMA")) {
        schemas.add(e.tag());
      } else if (!e.namespace().isEmpty()) {
        schemas.add(e.namespace());
      }
    }
    return new ArchiveSummary(header.version(), header.compression(), header.serverVersion(), header.pgDumpVersion(),
        header.database(), sizeBytes, tablesWithData(), extensions, List.copyOf(schemas), entries.size(),
        largeObjectOids().size());
  }

  /** Entries by dump id, in archive order. */
  public Map<Integer, TocEntry> byId() {
    Map<Integer, TocEntry> map = new LinkedHashMap<>();
    entries.forEach(e -> map.put(e.dumpId(), e));
    return map;
  }

  @Override
  public String toString() {
    return "ArchiveToc[" + header + ", " + entries.size() + " entries]";
  }
}
