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
  TableStream stream;
  long rows;

  Item(TocEntry entry, Kind kind, String sql, boolean postAcl) {
    this.entry = entry;
    this.kind = kind;
    this.sql = sql;
    this.postAcl = postAcl;
  }

  int id() {
    return entry.dumpId();
  }

  String describe() {
    return entry.desc() + " " + entry.qualifiedName() + " (TOC entry " + entry.dumpId() + ")";
  }

  @Override
  public String toString() {
    return describe();
  }
}
