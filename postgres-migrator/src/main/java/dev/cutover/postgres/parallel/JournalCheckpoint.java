package dev.cutover.postgres.parallel;

import dev.cutover.core.PgToolException;
import dev.cutover.core.spi.CopyJournal;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Checkpoint} kept in a {@link CopyJournal}: {@code pre-data} with a digest of the schema's SQL once
 * the schema is in, then one entry per finished item (table data with its rows), keyed by what the item is
 * ({@code TABLE DATA public.users}), not by its dump id, which another {@code pg_dump} run may number
 * differently. On a re-run, a table recorded as finished is skipped only if the target still holds exactly
 * the rows it was loaded with; the schema is skipped only if the source's schema is the same.
 */
final class JournalCheckpoint implements Checkpoint {
  static final String PRE_DATA = "pre-data";

  private final CopyJournal journal;
  private final Map<Integer, String> keys = new HashMap<>();
  private final Map<String, CopyJournal.Entry> recorded = new HashMap<>();
  private final String schemaDigest;

  JournalCheckpoint(CopyJournal journal, ArchiveToc toc) {
    this.journal = journal;
    Map<String, Integer> seen = new HashMap<>();
    for (TocEntry e : toc.entries()) {
      String key = e.desc() + " " + e.qualifiedName();
      int n = seen.merge(key, 1, Integer::sum);
      keys.put(e.dumpId(), n == 1 ? key : key + " #" + n);
    }
    journal.entries().forEach(entry -> recorded.put(entry.item(), entry));
    this.schemaDigest = digest(toc);
  }

  @Override
  public boolean preDataDone() {
    CopyJournal.Entry entry = recorded.get(PRE_DATA);
    if (entry == null) {
      return false;
    }
    if (!entry.digest().equals(schemaDigest)) {
      throw new PgToolException(RestoreEngine.STEP, RestoreEngine.STEP + ": the source's schema changed since the "
          + "interrupted copy (schema digest " + abbreviate(entry.digest()) + " then, " + abbreviate(schemaDigest)
          + " now); the partly copied target cannot be continued: copy again into an emptied target (replaceExisting)",
          false, null);
    }
    return true;
  }

  @Override
  public void preDataDone(Collection<Item> preData) {
    append(new CopyJournal.Entry(PRE_DATA, 0, schemaDigest));
  }

  @Override
  public Set<Item> finished(Session leader, Collection<Item> pending) throws SQLException {
    if (!preDataDone()) {
      return Set.of();
    }
    Set<Item> finished = new LinkedHashSet<>();
    Set<String> checked = new HashSet<>();
    for (Item item : pending) {
      CopyJournal.Entry entry = recorded.get(keys.get(item.id()));
      if (entry != null) {
        if (item.kind == Item.Kind.TABLE_DATA) {
          long rows = count(leader, table(item));
          if (rows != entry.rows()) {
            throw new PgToolException(RestoreEngine.STEP, RestoreEngine.STEP + ": " + item.entry.qualifiedName()
                + " was copied by the interrupted attempt with " + entry.rows() + " rows but the target now holds "
                + rows + "; the target was changed since: copy again into an emptied target (replaceExisting)", false,
                null);
          }
          item.rows = rows;
        }
        finished.add(item);
      } else if (item.kind == Item.Kind.TABLE_DATA && checked.add(table(item)) && hasRows(leader, table(item))) {
        // A table loaded in parts by the interrupted attempt may hold some of them: load it again whole.
        leader.execute("TRUNCATE TABLE ONLY " + table(item));
      }
    }
    return finished;
  }

  @Override
  public void finished(Item item, long rows) {
    append(new CopyJournal.Entry(keys.get(item.id()), rows, ""));
  }

  private void append(CopyJournal.Entry entry) {
    journal.append(entry);
    recorded.put(entry.item(), entry);
  }

  private static String table(Item item) {
    return Sql.qualified(item.entry.namespace(), item.entry.tag());
  }

  private static long count(Session s, String table) throws SQLException {
    try (Statement st = s.jdbc().createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM ONLY " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean hasRows(Session s, String table) throws SQLException {
    try (Statement st = s.jdbc().createStatement();
        ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT FROM ONLY " + table + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * SHA-256 over the schema entries in order: what the re-run would create. Data entries and privileges
   * (which are not restored, and change when a role is renamed) do not count.
   */
  private static String digest(ArchiveToc toc) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (TocEntry e : toc.entries()) {
        if (e.section() != TocEntry.Section.DATA && !e.desc().contains("ACL")) {
          sha.update((e.desc() + "\0" + e.qualifiedName() + "\0" + e.defn() + "\0").getBytes(StandardCharsets.UTF_8));
        }
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String abbreviate(String digest) {
    return digest.length() > 12 ? digest.substring(0, 12) : digest;
  }

  @Override
  public String toString() {
    return "JournalCheckpoint[" + journal + "]";
  }
}
