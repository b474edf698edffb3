package dev.cutover.postgres.parallel;

import dev.cutover.postgres.archive.TocEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** One unit of restore work: an archive entry with its SQL, dependencies and scheduling state. Scheduler-thread only. */
final class Item {
  enum Kind { SQL, TABLE_DATA, BLOBS }

  final TocEntry entry;
  final Kind kind;
  final String sql;
  final boolean postAcl;
  /**
   * A materialized view refresh: it waits for its dependencies and for all the data (every DATA-section
   * entry and every {@code RULE}, which can still change what a view returns), not for the indexes and
   * constraints, so it runs alongside the last index builds instead of after them.
   */
  final boolean afterData;
  /** Dependencies after repointing (FORMAT.md, "Parallel schedule"). */
  final Set<Integer> deps = new HashSet<>();
  final Set<Integer> lockDeps = new HashSet<>();
  final List<Item> dependents = new ArrayList<>();
  long length;
  int parts = 1;
  int partsStarted;
  int partsDone;
  int depCount;
  boolean done;
  boolean freeze;
  long rows;
  /** Data bytes sent to the target (table data). */
  long bytes;

  Item(TocEntry entry, Kind kind, String sql, boolean postAcl) {
    this.entry = entry;
    this.kind = kind;
    this.sql = sql;
    this.postAcl = postAcl;
    this.afterData = entry.desc().equals("MATERIALIZED VIEW DATA");
  }

  int id() {
    return entry.dumpId();
  }

  /** Data, or a rule: what a materialized view refresh must wait for (see {@link #afterData}). */
  boolean feedsRefresh() {
    return entry.section() == TocEntry.Section.DATA && !afterData || entry.desc().equals("RULE");
  }

  /** Whether this builds an index (an index, or a primary key, unique or exclusion constraint). */
  boolean buildsIndex() {
    return entry.desc().equals("INDEX") || entry.desc().equals("CONSTRAINT");
  }

  String describe() {
    return entry.desc() + " " + entry.qualifiedName() + " (TOC entry " + entry.dumpId() + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
