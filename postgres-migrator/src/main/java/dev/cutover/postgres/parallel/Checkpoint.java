package dev.cutover.postgres.parallel;

import java.sql.SQLException;
import java.util.Collection;
import java.util.Set;

/**
 * What an earlier attempt of a restore finished, so that a re-run skips it, and where this attempt records
 * what it finishes. Called on the engine's scheduler thread only. {@link #NONE} keeps nothing: every run
 * starts from an empty target.
 */
interface Checkpoint {
  /** No earlier attempt, nothing recorded. */
  Checkpoint NONE = new Checkpoint() {
    @Override
    public boolean preDataDone() {
      return false;
    }

    @Override
    public void preDataDone(Collection<Item> preData) {
      // not recorded
    }

    @Override
    public Set<Item> finished(Session leader, Collection<Item> pending) {
      return Set.of();
    }

    @Override
    public void finished(Item item, long rows) {
      // not recorded
    }
  };

  /** Whether an earlier attempt created the whole schema (the serial pre-data), which is then not run again. */
  boolean preDataDone();

  /** Records that the pre-data ran to its end; durable when this returns. */
  void preDataDone(Collection<Item> preData) throws SQLException;

  /**
   * The items of {@code pending} an earlier attempt finished, each checked against the target through
   * {@code leader} (a finished table must still hold the rows it was loaded with). Tables that are not
   * finished are left empty, so loading them again cannot duplicate rows.
   *
   * @throws SQLException when the target cannot be read
   * @throws dev.cutover.core.PgToolException when the target no longer holds what was recorded
   */
  Set<Item> finished(Session leader, Collection<Item> pending) throws SQLException;

  /** Records a finished item with the rows it loaded (0 for anything but table data); durable when this returns. */
  void finished(Item item, long rows);

  /** Whether this run continues an earlier attempt (then an object that already exists was made by it). */
  default boolean resuming() {
    return preDataDone();
  }
}
