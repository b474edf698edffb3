package dev.cutover.core.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a Redis copy has done: the checkpoint it journals while it runs, and its result once
 * {@link #finished()}. Small (one entry per logical database) and serialisable with Jackson as is.
 *
 * <p><b>Why resuming from it neither loses nor resurrects a key.</b> The copy runs after the write
 * fence, so the source changes only by keys expiring. {@code SCAN} returns every key that exists
 * for a whole iteration, and a cursor is a position in that iteration, valid for as long as the
 * same server process ({@link #sourceRunId}) runs. A database's {@code cursor} is advanced only
 * once every key {@code SCAN} returned before it is on the target ({@code RESTORE} acknowledged),
 * so resuming at the cursor copies the rest. Keys after the cursor that were already copied are
 * copied again with {@code RESTORE … REPLACE}: the same value and the TTL the source has now, so
 * never a longer life than on the source. A key the source no longer has (it expired) is deleted
 * from the target. When either server was restarted since ({@code run_id} changed), the cursors
 * mean nothing and every database is copied again from the start, with the same effect.
 *
 * @param sourceRunId the source's {@code run_id} when the copy started
 * @param targetRunId the target's {@code run_id} when the copy started
 * @param certificatePin the source's pinned certificate fingerprint, empty without TLS
 * @param startedAtEpochMs when the first attempt started (wall clock, milliseconds)
 * @param finishedAtEpochMs when the copy finished, 0 while it has not
 * @param databases one entry per logical database with keys, by number
 */
public record RedisCopyState(String sourceRunId, String targetRunId, String certificatePin, long startedAtEpochMs,
    long finishedAtEpochMs, List<RedisCopyState.Database> databases) {

  /**
   * One logical database's progress.
   *
   * @param db its number ({@code SELECT n})
   * @param cursor the {@code SCAN} cursor before which every key is on the target; {@code "0"} at the start
   * @param done whether the whole database is copied
   * @param keys keys copied so far (a key copied twice after a resume counts twice)
   * @param bytes {@code DUMP} payload bytes copied so far
   * @param expired keys {@code SCAN} returned that had expired by the time they were read
   */
  public record Database(int db, String cursor, boolean done, long keys, long bytes, long expired) {
    /** Validates the components; throws {@link NullPointerException} on a null component. */
    public Database {
      Objects.requireNonNull(cursor, "cursor");
    }
  }

  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public RedisCopyState {
    Objects.requireNonNull(sourceRunId, "sourceRunId");
    Objects.requireNonNull(targetRunId, "targetRunId");
    Objects.requireNonNull(certificatePin, "certificatePin");
    databases = List.copyOf(databases);
  }

  /** The state of database {@code db}, when it is part of the copy. */
  public Optional<Database> database(int db) {
    return databases.stream().filter(d -> d.db() == db).findFirst();
  }

  /** A copy with {@code db}'s entry replaced by {@code update}. */
  public RedisCopyState with(Database update) {
    List<Database> next = new ArrayList<>(databases);
    next.replaceAll(d -> d.db() == update.db() ? update : d);
    return new RedisCopyState(sourceRunId, targetRunId, certificatePin, startedAtEpochMs, finishedAtEpochMs, next);
  }

  /** A copy marked finished at {@code epochMs}. */
  public RedisCopyState finishedAt(long epochMs) {
    return new RedisCopyState(sourceRunId, targetRunId, certificatePin, startedAtEpochMs, epochMs, databases);
  }

  /** Whether every database is copied. */
  public boolean finished() {
    return finishedAtEpochMs > 0;
  }

  /** Keys copied, in every database. */
  public long keys() {
    return databases.stream().mapToLong(Database::keys).sum();
  }

  /** Payload bytes copied, in every database. */
  public long bytes() {
    return databases.stream().mapToLong(Database::bytes).sum();
  }

  /** From the first attempt's start to the finish (or to {@code nowEpochMs} while unfinished). */
  public Duration duration(long nowEpochMs) {
    return Duration.ofMillis(Math.max(0, (finished() ? finishedAtEpochMs : nowEpochMs) - startedAtEpochMs));
  }

  @Override
  public String toString() {
    return "RedisCopyState[" + (finished() ? "finished" : "in progress") + ", " + keys() + " keys, " + bytes()
        + " bytes, " + databases.size() + " databases" + (certificatePin.isEmpty() ? "" : ", pinned " + certificatePin)
        + "]";
  }
}
