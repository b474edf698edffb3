package dev.cutover.core.migration;

import dev.cutover.core.spi.CopyJournal;
import java.util.List;
import java.util.Objects;

/**
 * The {@link CopyJournal} of one data move, kept in the migration's journal ({@code moves.<id>.copied}): each
 * entry is written atomically to the journal file before {@link #append} returns, so a JVM killed mid-copy
 * leaves exactly what had committed on the target, and the resumed copy skips it. The mover calls it from
 * its own threads while the runner's thread waits in the copy, so every call holds this object's lock.
 */
final class MoveCopyJournal implements CopyJournal {
  private final StepContext ctx;
  private final Journal.MoveState state;

  MoveCopyJournal(StepContext ctx, Journal.MoveState state) {
    this.ctx = ctx;
    this.state = state;
  }

  @Override
  public synchronized List<Entry> entries() {
    return List.copyOf(state.copied);
  }

  @Override
  public synchronized void append(Entry entry) {
    state.copied.add(Objects.requireNonNull(entry, "entry"));
    ctx.save();
  }

  /** The tables whose data an earlier attempt finished, e.g. {@code public.users}. */
  synchronized List<String> finishedTables() {
    return tables(state.copied);
  }

  /** The tables whose data {@code entries} say finished. */
  static List<String> tables(List<Entry> entries) {
    return entries.stream().map(Entry::item).filter(i -> i.startsWith(TABLE_DATA))
        .map(i -> i.substring(TABLE_DATA.length())).toList();
  }

  /** Runs {@code write} (a change to the journal from another thread than the mover's) under this journal's lock. */
  synchronized void locked(Runnable write) {
    write.run();
  }

  private static final String TABLE_DATA = "TABLE DATA ";

  @Override
  public synchronized String toString() {
    return "MoveCopyJournal[" + state.copied.size() + " entries]";
  }
}
