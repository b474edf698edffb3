package dev.cutover.postgres;

import dev.cutover.core.PgToolException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.TocEntry;
import dev.cutover.postgres.parallel.RestoreHooks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A restore by pg_restore in phases, so that {@link RestoreHooks} run where they must: the pre-data
 * in segments that end at each entry with statements to run after it, then the statements before
 * the data, then everything else (data and post-data) at once, then the statements at the end. Each
 * phase restores a {@code pg_restore -L} list of the archive's entries, in archive order. Only used
 * when there is a hook: otherwise one pg_restore does it all.
 */
final class PhasedRestore {
  /** Restores the entries of one list file (its {@code -L} arguments given). */
  interface Phase {
    Restorers.Outcome restore(List<String> listArgs, boolean preData);
  }

  private PhasedRestore() {}

  /**
   * Runs the phases for {@code toc} with {@code phase}, hooks on JDBC connections to {@code target}.
   * List files go to a private directory next to {@code workDir}, removed afterwards.
   */
  static Restorers.Outcome run(ArchiveToc toc, RestoreHooks hooks, PgConnection target, Path workDir, Phase phase) {
    List<List<TocEntry>> preData = new ArrayList<>();
    List<TocEntry> rest = new ArrayList<>();
    int lastPre = -1;
    for (int i = 0; i < toc.entries().size(); i++) {
      if (toc.entries().get(i).section() == TocEntry.Section.PRE_DATA) {
        lastPre = i;
      }
    }
    List<TocEntry> segment = new ArrayList<>();
    for (int i = 0; i < toc.entries().size(); i++) {
      TocEntry e = toc.entries().get(i);
      boolean pre = e.section() == TocEntry.Section.PRE_DATA || e.section() == TocEntry.Section.NONE && i < lastPre
          && !Set.of("ACL", "DEFAULT ACL").contains(e.desc());
      if (!pre) {
        rest.add(e);
        continue;
      }
      segment.add(e);
      if (hooks.afterEntry().containsKey(e.dumpId())) {
        preData.add(segment);
        segment = new ArrayList<>();
      }
    }
    preData.add(segment);
    Path dir = ToolRun.privateDirectory(workDir, "cutover-phases-");
    try {
      Restorers.Outcome outcome = Restorers.Outcome.NONE;
      int n = 0;
      for (List<TocEntry> entries : preData) {
        if (!entries.isEmpty()) {
          outcome = outcome.plus(phase.restore(listArgs(dir.resolve("pre-data-" + (++n) + ".list"), entries), true));
          run(target, hooks.afterEntry().getOrDefault(entries.get(entries.size() - 1).dumpId(), List.of()));
        }
      }
      run(target, hooks.beforeData());
      outcome = outcome.plus(phase.restore(listArgs(dir.resolve("rest.list"), rest), false));
      run(target, hooks.atEnd());
      return outcome;
    } finally {
      ToolRun.deleteQuietly(dir);
    }
  }

  private static List<String> listArgs(Path file, List<TocEntry> entries) {
    StringBuilder list = new StringBuilder();
    entries.forEach(e -> list.append(e.listLine()).append('\n'));
    try {
      Files.writeString(file, list);
    } catch (IOException e) {
      throw new PgToolException("restore", "restore: cannot write " + file + ": " + e.getMessage(), false, e);
    }
    return List.of("-L", file.toString());
  }

  /** Runs hook statements on one connection; a failing one fails the restore. */
  static void run(PgConnection target, List<String> statements) {
    if (statements.isEmpty()) {
      return;
    }
    try (Connection c = PgCli.open(target, "restore"); Statement st = c.createStatement()) {
      for (String sql : statements) {
        try {
          st.execute(sql);
        } catch (SQLException e) {
          throw PgCli.failed("restore", "running " + SqlErrors.shorten(sql), target, e);
        }
      }
    } catch (SQLException e) {
      throw PgCli.failed("restore", "closing the connection", target, e);
    }
  }
}
