package dev.cutover.postgres;

import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.PgToolException;
import dev.cutover.core.Redactor;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.postgres.parallel.ParallelRestore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The restore strategies themselves; {@link PgMigrator} does the checks and the work around them. */
final class Restorers {
  /**
   * What a strategy did.
   *
   * @param rows rows per table when the strategy counted them itself
   */
  record Outcome(Optional<Map<String, Long>> rows, Map<String, Integer> expectedErrors, List<String> warnings) {
    Outcome {
      expectedErrors = Map.copyOf(expectedErrors);
      warnings = List.copyOf(warnings);
    }

    static final Outcome NONE = new Outcome(Optional.of(Map.of()), Map.of(), List.of());

    /** This and {@code later} together (rows known only if both counted them). */
    Outcome plus(Outcome later) {
      Optional<Map<String, Long>> both = rows.isPresent() && later.rows.isPresent()
          ? Optional.of(merge(rows.get(), later.rows.get())) : Optional.empty();
      Map<String, Integer> errors = new java.util.TreeMap<>(expectedErrors);
      later.expectedErrors.forEach((k, v) -> errors.merge(k, v, Integer::sum));
      List<String> all = new ArrayList<>(warnings);
      all.addAll(later.warnings);
      return new Outcome(both, errors, all);
    }

    private static Map<String, Long> merge(Map<String, Long> a, Map<String, Long> b) {
      Map<String, Long> out = new java.util.TreeMap<>(a);
      b.forEach((k, v) -> out.merge(k, v, Long::sum));
      return out;
    }
  }

  private static final String STEP = "restore";
  private static final Pattern COPY_START = Pattern.compile("^COPY (.+?) (?:\\(.*\\) )?FROM stdin;$");
  private static final Pattern COPY_DONE = Pattern.compile("^COPY (\\d+)$");
  private static final int SHOWN_ERRORS = 10;

  /**
   * The pipe for STREAM. The two argv lists arrive as positional parameters ({@code $1} = how many
   * belong to pg_dump), never through the shell's parser; each side gets its own password from the
   * environment.
   */
  private static final String STREAM_SCRIPT = "set -o pipefail\n"
      + "n=$1; shift\n"
      + "dump=(\"${@:1:$n}\"); restore=(\"${@:$((n + 1))}\")\n"
      + "PGPASSWORD=\"$CUTOVER_SOURCE_PASSWORD\" PGSSLMODE=\"$CUTOVER_SOURCE_SSLMODE\" \"${dump[@]}\" | "
      + "PGPASSWORD=\"$CUTOVER_TARGET_PASSWORD\" PGSSLMODE=\"$CUTOVER_TARGET_SSLMODE\" \"${restore[@]}\"\n"
      + "status=(\"${PIPESTATUS[@]}\")\n"
      + "if [ \"${status[0]}\" != 0 ] || [ \"${status[1]}\" != 0 ]; then\n"
      + "  echo \"cutover: pg_dump exited ${status[0]}, pg_restore exited ${status[1]}\" >&2; exit 1\n"
      + "fi\n";

  private final ProcessRunner runner;
  /** Found on first use: PARALLEL needs no client tools, and looking for them costs a dozen processes. */
  private final java.util.function.Supplier<PgTools> tools;
  private final int jobs;
  private final Duration timeout;
  private final Redactor redactor;
  /** Schemas created before the restore (for extensions at the source's versions): "already exists" is expected. */
  private final java.util.Set<String> createdFirst;

  Restorers(ProcessRunner runner, java.util.function.Supplier<PgTools> tools, int jobs, Duration timeout,
      Redactor redactor, java.util.Set<String> createdFirst) {
    this.runner = runner;
    this.tools = tools;
    this.jobs = jobs;
    this.timeout = timeout;
    this.redactor = redactor;
    this.createdFirst = java.util.Set.copyOf(createdFirst);
  }

  /**
   * The guide's way: {@code pg_restore -f data.sql} (owner and privilege statements kept, as the
   * guide does, so revocations survive and missing roles show up), then {@code psql -f data.sql}
   * with ON_ERROR_STOP off, echoing statements so each {@code COPY n} can be attributed to its
   * table. Errors are classified; a real one fails the step with its statement.
   */
  Outcome guideSql(Path archive, PgConnection target, List<String> restoreArgs, MigrationListener events) {
    Path dir = ToolRun.privateDirectory(archive.toAbsolutePath().getParent(), "cutover-sql-");
    try {
      Path sql = dir.resolve("data.sql");
      ToolRun.run(runner, STEP, "pg_restore", Command.builder(tools.get().require("pg_restore").path().toString(),
          "-f", sql.toString()).args(restoreArgs).arg(archive.toString()).timeout(timeout).build(), events, line -> {});
      Map<String, Long> rows = new ConcurrentHashMap<>();
      AtomicReference<String> copying = new AtomicReference<>();
      AtomicLong total = new AtomicLong();
      Command psql = PgCli.credentials(Command.builder(tools.get().require("psql").path().toString(), "-X", "-e",
          "-v", "ON_ERROR_STOP=0", "--no-password"), target)
          .args(PgCli.serverArgs(target)).arg("-d").arg(target.database()).arg("-f").arg(sql.toString())
          .timeout(timeout).build();
      CommandResult result = ToolRun.run(runner, STEP, "psql", psql, events, line -> {
        Matcher start = COPY_START.matcher(line);
        Matcher done = COPY_DONE.matcher(line);
        if (start.matches()) {
          copying.set(unquoteName(start.group(1)));
        } else if (done.matches() && copying.get() != null) {
          long n = Long.parseLong(done.group(1));
          rows.merge(copying.getAndSet(null), n, Long::sum);
          events.progress(new MigrationEvent.Progress(STEP, Instant.now(), "rows", total.addAndGet(n), -1));
        }
      });
      List<SqlErrors.SqlError> errors = SqlErrors.parsePsql(result.stderr());
      Map<Long, String> statements = ScriptLines.statementsEndingAt(sql,
          errors.stream().map(SqlErrors::lineOf).toList());
      List<SqlErrors.SqlError> withStatements = errors.stream()
          .map(e -> e.withStatement(statements.getOrDefault(SqlErrors.lineOf(e), ""))).toList();
      SqlErrors.Classified classified = SqlErrors.classify(withStatements, createdFirst);
      failOnRealErrors("psql", classified);
      List<String> warnings = new ArrayList<>();
      if (classified.expectedCount() > 0) {
        warnings.add("psql: " + classified.expectedCount() + " expected error(s) ignored (owners and grants of roles "
            + "that do not exist on the target; those objects now belong to " + target.user() + "): "
            + describe(classified.expected()));
      }
      return new Outcome(Optional.of(Map.copyOf(rows)), classified.expected(), warnings);
    } finally {
      ToolRun.deleteQuietly(dir);
    }
  }

  /** {@code pg_restore --no-owner --no-acl -j N -d} with {@code restoreArgs}: any error it reports fails the step. */
  Outcome pgRestore(Path archive, PgConnection target, List<String> restoreArgs, int jobs, MigrationListener events) {
    Command command = PgCli.credentials(Command.builder(tools.get().require("pg_restore").path().toString(),
        "--no-owner", "--no-acl", "--no-password", "-j", Integer.toString(jobs)), target)
        .args(restoreArgs).args(PgCli.serverArgs(target)).arg("-d").arg(target.database()).arg(archive.toString())
        .successExitCodes(0, 1).timeout(timeout).build();
    CommandResult result = ToolRun.run(runner, STEP, "pg_restore", command, events, line -> {});
    return afterPgRestore(result, "pg_restore");
  }

  /**
   * {@code pg_dump -Fc -Z0 | pg_restore --no-owner --no-acl}, through {@code bash}, no file in between;
   * {@code dumpArgs} go to pg_dump (e.g. sections).
   */
  Outcome stream(PgTool pgDump, PgTool pgRestore, PgConnection source, PgConnection target, List<String> dumpArgs,
      MigrationListener events) {
    List<String> dump = new ArrayList<>(List.of(pgDump.path().toString(), "-Fc", "-Z", "0", "--no-password"));
    dump.addAll(dumpArgs);
    dump.addAll(PgCli.serverArgs(source));
    dump.addAll(List.of("-d", source.database()));
    List<String> restore = new ArrayList<>(List.of(pgRestore.path().toString(), "--no-owner", "--no-acl",
        "--no-password"));
    restore.addAll(PgCli.serverArgs(target));
    restore.addAll(List.of("-d", target.database()));
    Command command = Command.builder("bash", "-c", STREAM_SCRIPT, "cutover-stream", Integer.toString(dump.size()))
        .args(dump).args(restore)
        .secretEnv("CUTOVER_SOURCE_PASSWORD", source.password()).env("CUTOVER_SOURCE_SSLMODE", source.sslMode())
        .secretEnv("CUTOVER_TARGET_PASSWORD", target.password()).env("CUTOVER_TARGET_SSLMODE", target.sslMode())
        .env("PGCONNECT_TIMEOUT", "30").unsetEnv("PGPASSFILE").unsetEnv("PGSERVICE")
        .successExitCodes(0, 1).timeout(timeout).build();
    CommandResult result = ToolRun.run(runner, STEP, "pg_dump | pg_restore", command, events, line -> {});
    return afterPgRestore(result, "pg_dump | pg_restore");
  }

  /** The SDK's own engine (package {@code dev.cutover.postgres.parallel}). */
  Outcome parallel(Path archive, PgConnection target, dev.cutover.postgres.parallel.RestoreHooks hooks,
      MigrationListener events) {
    RestoreResult r = ParallelRestore.builder().jobs(jobs).redactor(redactor).listener(events).hooks(hooks).build()
        .restore(archive, target);
    return new Outcome(Optional.of(r.rowsRestored()), r.expectedErrors(), r.warnings());
  }

  private Outcome afterPgRestore(CommandResult result, String source) {
    SqlErrors.Classified classified = SqlErrors.classify(SqlErrors.parsePgRestore(result.stderr()), createdFirst);
    failOnRealErrors(source, classified);
    if (result.exitCode() != 0 && classified.expectedCount() == 0) {
      String tail = result.stderr().lines().skip(Math.max(0, result.stderr().lines().count() - 15))
          .map(redactor::redact).collect(Collectors.joining("\n  "));
      throw new PgToolException(STEP, STEP + ": " + source + " failed (exit " + result.exitCode() + "):\n  " + tail,
          false, null);
    }
    List<String> warnings = classified.expectedCount() == 0 ? List.of()
        : List.of(source + ": " + classified.expectedCount() + " expected error(s) ignored: "
            + describe(classified.expected()));
    return new Outcome(Optional.empty(), classified.expected(), warnings);
  }

  private void failOnRealErrors(String source, SqlErrors.Classified classified) {
    List<SqlErrors.SqlError> real = classified.unexpected();
    if (real.isEmpty()) {
      return;
    }
    String shown = real.stream().limit(SHOWN_ERRORS).map(e -> "  - " + redactor.redact(e.describe()))
        .collect(Collectors.joining("\n"));
    throw new PgToolException(STEP, STEP + ": " + source + " reported " + real.size() + " error(s)"
        + (classified.expectedCount() == 0 ? "" : " besides " + classified.expectedCount()
        + " expected role error(s), which were ignored") + ":\n" + shown
        + (real.size() > SHOWN_ERRORS ? "\n  … and " + (real.size() - SHOWN_ERRORS) + " more" : "")
        + "\nThe target is partially restored: fix the cause, then restore again with replaceExisting = true.",
        false, null);
  }

  private static String describe(Map<String, Integer> counts) {
    return counts.entrySet().stream().map(e -> e.getValue() + " × " + e.getKey()).collect(Collectors.joining(", "));
  }

  /** {@code "My Schema"."t"} to {@code My Schema.t}, as the row counts are keyed. */
  static String unquoteName(String qualified) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < qualified.length(); i++) {
      char ch = qualified.charAt(i);
      if (ch == '"') {
        if (quoted && i + 1 < qualified.length() && qualified.charAt(i + 1) == '"') {
          out.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }
}
