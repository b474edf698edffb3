package dev.cutover.core.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a resumable copy ({@code RestoreStrategy.DIRECT}) has finished, so that a re-run after a crash
 * skips it instead of copying it again. The mover appends an entry as each piece of work commits on the
 * target; the caller keeps the entries durably (the migration keeps them in its journal) and hands the
 * same journal to the re-run. Implementations must be safe to call from one thread at a time; an
 * {@link #append} must be durable when it returns.
 */
public interface CopyJournal {
  /**
   * One finished piece of work.
   *
   * @param item what was finished, e.g. {@code pre-data} or {@code TABLE DATA public.users}
   * @param rows rows loaded (table data), else 0
   * @param digest a fingerprint the re-run checks before skipping (the pre-data's SQL), or {@code ""}
   */
  record Entry(String item, long rows, String digest) {
    /**
     * Validates the components; throws {@link NullPointerException} on a null one.
     *
     * @param item what was finished
     * @param rows rows loaded, else 0
     * @param digest a fingerprint to check, or {@code ""}
     */
    public Entry {
      Objects.requireNonNull(item, "item");
      Objects.requireNonNull(digest, "digest");
    }
  }

  /**
   * The entries so far, oldest first.
   *
   * @return an immutable copy
   */
  List<Entry> entries();

  /**
   * Records one more finished piece of work; durable when it returns.
   *
   * @param entry what was finished
   */
  void append(Entry entry);

  /**
   * A journal held in memory only: survives a failed attempt within this JVM, not a crash of it.
   *
   * @return a new, empty journal
   */
  static CopyJournal inMemory() {
    return new CopyJournal() {
      private final List<Entry> entries = new ArrayList<>();

      @Override
      public synchronized List<Entry> entries() {
        return List.copyOf(entries);
      }

      @Override
      public synchronized void append(Entry entry) {
        entries.add(Objects.requireNonNull(entry, "entry"));
      }

      @Override
      public synchronized String toString() {
        return "CopyJournal[in memory, " + entries.size() + " entries]";
      }
    };
  }
}
