package dev.cutover.postgres.parallel;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where a restore's rows and large objects come from: the data blocks of an archive
 * ({@link ArchiveData}) or a live source database ({@link SourceData}). The engine ({@link RestoreEngine})
 * plans and schedules the same way for both; this says how big each table is, how its COPY is framed, and
 * feeds the rows. {@link #start} is called on the scheduler thread, {@link #feed} and {@link #largeObjects}
 * on the connections' worker threads, {@link #abort} from either.
 */
interface RestoreInput extends AutoCloseable {
  /**
   * The size of each entry's data, by dump id (compressed archive bytes, or bytes on the source server), for
   * the largest-first order and the split decision; entries not listed count as 0.
   */
  Map<Integer, Long> lengths();

  /** The total for byte progress, or -1 while it is not known. */
  long totalBytes();

  /** Data bytes read so far (for progress). */
  long bytesRead();

  /** Decides how each table's data is sent (binary or text), on the first connection after the pre-data. */
  void prepare(Session leader, Collection<Item> items) throws SQLException;

  /** Whether a table may be loaded over several connections at once. */
  boolean splittable(Item item);

  /** Options of the item's COPY on the target besides {@code FREEZE}, e.g. {@code FORMAT binary}. */
  List<String> copyOptions(Item item);

  /** Bytes the engine sends before each part's rows (a binary COPY header), or none. */
  byte[] header(Item item);

  /** Bytes the engine sends after each part's rows (a binary COPY trailer), or none. */
  byte[] trailer(Item item);

  /**
   * Whether the item's data can be read now. An archive that is still being downloaded says no until the
   * item's data block has begun to arrive, then calls the engine's wake-up; everything else is always ready.
   */
  default boolean ready(Item item) {
    return true;
  }

  /** Where to signal that more items became {@link #ready}; called once, before scheduling starts. */
  default void onReady(Runnable wake) {
    // always ready: nothing to signal
  }

  /** Called on the scheduler thread when the first part of a table starts. */
  void start(Item item);

  /**
   * Sends part {@code part} (of {@code item.parts}) of the table's rows to {@code sink}, whole rows only;
   * blocks until that part is done.
   *
   * @return the bytes sent
   */
  long feed(Item item, int part, TableStream.Sink sink) throws Exception;

  /** Called on the scheduler thread when every part of a table is loaded, to drop what it held. */
  default void done(Item item) {
    // nothing held
  }

  /** Stops every running producer (another part of the restore failed or was cancelled). */
  void abort();

  /** Writes the large objects of a {@code BLOBS} entry through {@code target} in its open transaction. */
  long largeObjects(Session target, Item item) throws Exception;

  /** Releases what the input holds (threads, files, source connections). Idempotent. */
  @Override
  void close();
}
