package dev.cutover.postgres;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.postgres.archive.ArchiveReader;
import dev.cutover.postgres.archive.ArchiveToc;
import dev.cutover.postgres.archive.DumpSql;
import dev.cutover.postgres.parallel.RestoreHooks;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** STREAM's restore: one pipe, or, when {@link ArchiveFixes} has something to fix, in phases around the fixes. */
final class StreamPhases {
  private final ProcessRunner runner;
  private final Duration timeout;
  private final Restorers restorers;

  StreamPhases(ProcessRunner runner, Duration timeout, Restorers restorers) {
    this.runner = runner;
    this.timeout = timeout;
    this.restorers = restorers;
  }

  /**
   * The stream itself, in one pipe; or, when the source has inherited tables or functions its
   * constraints, indexes or views call (which {@link ArchiveFixes} may have to fix), its schema is
   * dumped first (a small file), its pre-data restored in phases around the fixes, and only the data
   * and post-data are streamed.
   */
  Restorers.Outcome run(PgTool pgDump, PgTool pgRestore, PgConnection source, PgConnection target,
      List<String> warnings, MigrationListener events) {
    if (!mayNeedFixes(source)) {
      return restorers.stream(pgDump, pgRestore, source, target, List.of(), events);
    }
    Path dir = ToolRun.privateDirectory(Path.of(System.getProperty("java.io.tmpdir")), "cutover-schema-");
    try {
      Path schema = dir.resolve("schema.dump");
      // not --schema-only, which leaves out the large objects that pg_dump 15 and 16 create in the pre-data
      ToolRun.run(runner, "restore", "pg_dump", PgCli.credentials(Command.builder(pgDump.path().toString(), "-Fc",
          "--section=pre-data", "--section=post-data", "--no-password", "-f", schema.toString()), source)
          .args(PgCli.serverArgs(source))
          .arg("-d").arg(source.database()).timeout(timeout).build(), events, line -> {});
      ArchiveToc toc = ArchiveReader.readToc(schema);
      RestoreHooks hooks = ArchiveFixes.of(toc, columnOrder(source), warnings);
      if (hooks.isEmpty()) {
        return restorers.stream(pgDump, pgRestore, source, target, List.of(), events);
      }
      return PhasedRestore.run(toc, hooks, target, dir, (list, pre) -> pre
          ? restorers.pgRestore(schema, target, list, 1, events)
          : restorers.stream(pgDump, pgRestore, source, target, List.of("--section=data", "--section=post-data"), events));
    } finally {
      ToolRun.deleteQuietly(dir);
    }
  }

  /** Every table's non-generated columns in order, as a COPY would list them, by {@code schema.table} as pg_dump quotes it. */
  private static Map<String, List<String>> columnOrder(PgConnection source) {
    Map<String, List<String>> out = new HashMap<>();
    try (Connection c = PgCli.open(source, "restore"); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("select n.nspname, c.relname, a.attname from pg_attribute a "
            + "join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace "
            + "where c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and a.attgenerated = '' and "
            + TargetDatabase.USER_SCHEMA + " order by c.oid, a.attnum")) {
      while (rs.next()) {
        out.computeIfAbsent(DumpSql.fmtQualifiedId(rs.getString(1), rs.getString(2)),
            k -> new ArrayList<>()).add(rs.getString(3));
      }
    } catch (SQLException e) {
      throw PgCli.failed("restore", "reading the source's columns", source, e);
    }
    return out;
  }

  /** Whether the source has what {@link ArchiveFixes} fixes: plain inheritance, or functions that expressions call. */
  private static boolean mayNeedFixes(PgConnection source) {
    try (Connection c = PgCli.open(source, "restore")) {
      return TargetDatabase.count(c, "select count(*) from pg_inherits i join pg_class c on c.oid = i.inhrelid "
          + "where not c.relispartition") > 0 || TargetDatabase.count(c, "select count(*) from pg_depend d "
          + "join pg_proc p on d.refclassid = 'pg_proc'::regclass and d.refobjid = p.oid "
          + "join pg_namespace n on n.oid = p.pronamespace where d.classid in ('pg_constraint'::regclass, "
          + "'pg_class'::regclass, 'pg_type'::regclass, 'pg_attrdef'::regclass, 'pg_rewrite'::regclass) and "
          + TargetDatabase.USER_SCHEMA + " and not exists (select 1 from unnest(p.proconfig) g "
          + "where g like 'search\\_path=%')") > 0;
    } catch (SQLException e) {
      throw PgCli.failed("restore", "reading the source's catalogue", source, e);
    }
  }

}
