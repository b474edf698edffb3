package dev.cutover.core.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A snapshot of a PostgreSQL database's own write counters: how many transactions it has committed
 * and how many rows each table has had inserted, updated and deleted, as the server counts them
 * ({@code pg_stat_database}, {@code pg_stat_user_tables}). Two snapshots prove that nobody wrote in
 * between, or name the tables that were written: {@code later.since(earlier)}.
 *
 * <pre>{@code
 * WriteCounters baseline = mover.writeCounters(source).orElseThrow();   // right after the write fence
 * // ... capture, restore ...
 * WriteCounters.Comparison c = mover.writeCounters(source).orElseThrow().since(baseline);
 * if (!c.frozen()) throw new ...(c.describe());                        // "public.events (+12 inserted)"
 * }</pre>
 *
 * @param database the database's name
 * @param takenAt the server's clock when the snapshot was read
 * @param commits the database's committed transactions ({@code xact_commit}) when read; readers and
 *     autovacuum count too, and each snapshot adds two of its own (its connection's start and its
 *     read), which {@link #since} subtracts
 * @param statsResetAt when the database's statistics were last reset, or empty if never
 * @param tables every user table ({@code schema.name}) with its counters
 * @param otherSessions the other client sessions connected when the snapshot was read (our own
 *     excluded), e.g. {@code app@10.1.2.3 (worker.1) active}
 * @param flushDelay how long after a commit another session's counts can take to reach the
 *     server's view (PostgreSQL 15+ flushes an idle session's pending counts within 10 s, and at
 *     once when it disconnects): compare snapshots taken at least this far apart after the writers
 *     stopped
 */
public record WriteCounters(String database, Instant takenAt, long commits, String statsResetAt,
    Map<String, TableWrites> tables, List<String> otherSessions, Duration flushDelay) {
  /** The commits one snapshot's own session adds: the server's when it connects, and its read. */
  private static final int OWN_COMMITS = 2;

  /**
   * Validates the components and copies collections; throws {@link NullPointerException} on a null component.
   *
   * @param database see {@link #database()}
   * @param takenAt see {@link #takenAt()}
   * @param commits see {@link #commits()}
   * @param statsResetAt see {@link #statsResetAt()}
   * @param tables see {@link #tables()}
   * @param otherSessions see {@link #otherSessions()}
   * @param flushDelay see {@link #flushDelay()}
   */
  public WriteCounters {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(takenAt, "takenAt");
    Objects.requireNonNull(statsResetAt, "statsResetAt");
    tables = Map.copyOf(tables);
    otherSessions = List.copyOf(otherSessions);
    Objects.requireNonNull(flushDelay, "flushDelay");
  }

  /**
   * One table's counters ({@code n_tup_ins}, {@code n_tup_upd}, {@code n_tup_del}).
   *
   * @param inserted rows inserted since the statistics began
   * @param updated rows updated
   * @param deleted rows deleted
   */
  public record TableWrites(long inserted, long updated, long deleted) {}

  /**
   * A table written between two snapshots, with how many rows.
   *
   * @param table {@code schema.name}
   * @param inserted rows inserted in between
   * @param updated rows updated in between
   * @param deleted rows deleted in between
   */
  public record WrittenTable(String table, long inserted, long updated, long deleted) {
    /**
     * Validates the components; throws {@link NullPointerException} on a null component.
     *
     * @param table see {@link #table()}
     * @param inserted see {@link #inserted()}
     * @param updated see {@link #updated()}
     * @param deleted see {@link #deleted()}
     */
    public WrittenTable {
      Objects.requireNonNull(table, "table");
    }

    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      if (inserted != 0) {
        parts.add("+" + inserted + " inserted");
      }
      if (updated != 0) {
        parts.add(updated + " updated");
      }
      if (deleted != 0) {
        parts.add(deleted + " deleted");
      }
      return table + " (" + String.join(", ", parts) + ")";
    }
  }

  /**
   * What changed between two snapshots.
   *
   * @param from when the earlier snapshot was taken
   * @param to when the later one was taken
   * @param written the tables whose rows changed, by name
   * @param created tables that exist only in the later snapshot
   * @param dropped tables that exist only in the earlier snapshot
   * @param otherCommits transactions committed in between by sessions other than the two snapshots'
   *     (readers, Cutover's own verification and autovacuum included, so never proof of a write)
   * @param countersReset whether the statistics were reset in between: then nothing is proven
   * @param otherSessions the other sessions connected at the later snapshot
   */
  public record Comparison(Instant from, Instant to, List<WrittenTable> written, List<String> created,
      List<String> dropped, long otherCommits, boolean countersReset, List<String> otherSessions) {
    /**
     * Validates the components and copies collections; throws {@link NullPointerException} on a null component.
     *
     * @param from see {@link #from()}
     * @param to see {@link #to()}
     * @param written see {@link #written()}
     * @param created see {@link #created()}
     * @param dropped see {@link #dropped()}
     * @param otherCommits see {@link #otherCommits()}
     * @param countersReset see {@link #countersReset()}
     * @param otherSessions see {@link #otherSessions()}
     */
    public Comparison {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      written = List.copyOf(written);
      created = List.copyOf(created);
      dropped = List.copyOf(dropped);
      otherSessions = List.copyOf(otherSessions);
    }

    /**
     * Whether the freeze held.
     *
     * @return true when no table was written, created or dropped and the counters were not reset
     */
    public boolean frozen() {
      return written.isEmpty() && created.isEmpty() && dropped.isEmpty() && !countersReset;
    }

    /**
     * The tables that changed.
     *
     * @return the names of the tables written, created or dropped, in that order
     */
    public List<String> tablesChanged() {
      List<String> out = new ArrayList<>(written.stream().map(WrittenTable::table).toList());
      out.addAll(created);
      out.addAll(dropped);
      return out;
    }

    /**
     * One line for a message or report.
     *
     * @return e.g. {@code "written between 12:00:01Z and 12:04:10Z: public.events (+12 inserted); 3 other
     *     commits; other sessions: app@10.0.0.5 (worker.1) active"}
     */
    public String describe() {
      String span = "between " + from + " and " + to;
      if (countersReset) {
        return "the statistics were reset " + span + ", so the freeze cannot be proven";
      }
      if (frozen()) {
        return "no table written " + span + " (" + otherCommits + " other commits, reads included)";
      }
      List<String> parts = new ArrayList<>();
      if (!written.isEmpty()) {
        parts.add("written " + span + ": " + written.stream().map(WrittenTable::toString)
            .collect(Collectors.joining(", ")));
      }
      if (!created.isEmpty()) {
        parts.add("created: " + String.join(", ", created));
      }
      if (!dropped.isEmpty()) {
        parts.add("dropped: " + String.join(", ", dropped));
      }
      parts.add(otherCommits + " other commits");
      if (!otherSessions.isEmpty()) {
        parts.add("other sessions: " + String.join(", ", otherSessions));
      }
      return String.join("; ", parts);
    }
  }

  /**
   * What changed between {@code earlier} and this snapshot. Pure: reads nothing.
   *
   * @param earlier a snapshot of the same database taken before this one
   * @return what changed in between
   * @throws IllegalArgumentException when {@code earlier} is of another database
   */
  public Comparison since(WriteCounters earlier) {
    Objects.requireNonNull(earlier, "earlier");
    if (!earlier.database.equals(database)) {
      throw new IllegalArgumentException("snapshots of different databases: " + earlier.database + " and " + database);
    }
    boolean reset = !earlier.statsResetAt.equals(statsResetAt) || commits < earlier.commits;
    List<WrittenTable> written = new ArrayList<>();
    List<String> created = new ArrayList<>();
    for (Map.Entry<String, TableWrites> e : new TreeMap<>(tables).entrySet()) {
      TableWrites before = earlier.tables.get(e.getKey());
      if (before == null) {
        created.add(e.getKey());
        continue;
      }
      TableWrites now = e.getValue();
      long ins = now.inserted() - before.inserted();
      long upd = now.updated() - before.updated();
      long del = now.deleted() - before.deleted();
      if (ins < 0 || upd < 0 || del < 0) {
        reset = true;
      } else if (ins + upd + del > 0) {
        written.add(new WrittenTable(e.getKey(), ins, upd, del));
      }
    }
    List<String> dropped = new TreeMap<>(earlier.tables).keySet().stream().filter(t -> !tables.containsKey(t))
        .toList();
    long others = Math.max(0, commits - earlier.commits - OWN_COMMITS);
    return new Comparison(earlier.takenAt, takenAt, written, created, dropped, others, reset, otherSessions);
  }

  @Override
  public String toString() {
    return "WriteCounters[" + database + " at " + takenAt + ", " + commits + " commits, " + tables.size() + " tables, "
        + otherSessions.size() + " other sessions]";
  }
}
