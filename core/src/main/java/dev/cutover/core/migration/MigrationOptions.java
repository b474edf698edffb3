package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RestoreStrategy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Every option of a migration, as one immutable value: what {@link Migration}'s fluent calls set,
 * what the plan decides from, and what the journal keeps (serialised as it is, so a resume rebuilds
 * the same migration without mapping options by hand). Holds no secret: registry credentials are
 * never journalled, so a private image deploy passes {@link Migration#deploy(Deploy)} again on resume.
 *
 * <p>Change one with its {@code with...} methods, or through
 * {@link Migration#options(java.util.function.UnaryOperator)}. Values are checked by
 * {@link Migration#plan()}, every problem at once, not here.
 *
 * @param restore how the backup is restored
 * @param deploy how the code reaches the target; required by {@code plan()}
 * @param database the target database; empty: PostgreSQL of the source's major version, sized from its data
 * @param workDirectory dumps, journal and report; empty: {@code .cutover/<source>-to-<target>}
 * @param journal the journal file; empty: {@code <workDirectory>/journal.json}
 * @param keepDump keep the dump after the run
 * @param replaceExisting restore into a target database that already holds data, replacing it
 * @param containerSizes container size (MB) per process type, overriding the one mapped from its dyno
 * @param port the port the app listens on, set as {@code PORT}; 0: the repository decides (its
 *     Dockerfile's {@code EXPOSE}, else the generated template's port)
 * @param jobs parallel restore workers (1-64) for the strategies that run several; 0: the data mover's own setting
 */
public record MigrationOptions(
    RestoreStrategy restore,
    Optional<Deploy> deploy,
    Optional<DatabaseSpec> database,
    Optional<Path> workDirectory,
    Optional<Path> journal,
    boolean keepDump,
    boolean replaceExisting,
    Map<String, Integer> containerSizes,
    int port,
    int jobs) {

  /** Fills what an older journal lacks with the defaults, and copies the map. */
  public MigrationOptions {
    restore = restore == null ? RestoreStrategy.PARALLEL : restore;
    deploy = deploy == null ? Optional.empty() : deploy;
    database = database == null ? Optional.empty() : database;
    workDirectory = workDirectory == null ? Optional.empty() : workDirectory;
    journal = journal == null ? Optional.empty() : journal;
    containerSizes = containerSizes == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(containerSizes));
  }

  /** The defaults: PARALLEL restore, no deploy yet, everything else derived from the source. */
  public static MigrationOptions defaults() {
    return new MigrationOptions(RestoreStrategy.PARALLEL, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), false, false, Map.of(), 0, 0);
  }

  /** A copy restoring with {@code strategy}. */
  public MigrationOptions withRestore(RestoreStrategy strategy) {
    Objects.requireNonNull(strategy, "strategy");
    return new MigrationOptions(strategy, deploy, database, workDirectory, journal, keepDump, replaceExisting,
        containerSizes, port, jobs);
  }

  /** A copy deploying with {@code value}. */
  public MigrationOptions withDeploy(Deploy value) {
    Objects.requireNonNull(value, "value");
    return new MigrationOptions(restore, Optional.of(value), database, workDirectory, journal, keepDump, replaceExisting,
        containerSizes, port, jobs);
  }

  /** A copy creating the target database {@code spec}. */
  public MigrationOptions withDatabase(DatabaseSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return new MigrationOptions(restore, deploy, Optional.of(spec), workDirectory, journal, keepDump, replaceExisting,
        containerSizes, port, jobs);
  }

  /** A copy working in {@code directory}. */
  public MigrationOptions withWorkDirectory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    return new MigrationOptions(restore, deploy, database, Optional.of(directory), journal, keepDump, replaceExisting,
        containerSizes, port, jobs);
  }

  /** A copy journalling to {@code file}. */
  public MigrationOptions withJournal(Path file) {
    Objects.requireNonNull(file, "file");
    return new MigrationOptions(restore, deploy, database, workDirectory, Optional.of(file), keepDump, replaceExisting,
        containerSizes, port, jobs);
  }

  /** A copy that keeps (or deletes) the dump after the run. */
  public MigrationOptions withKeepDump(boolean keep) {
    return new MigrationOptions(restore, deploy, database, workDirectory, journal, keep, replaceExisting,
        containerSizes, port, jobs);
  }

  /** A copy that may (or may not) replace data already in the target database. */
  public MigrationOptions withReplaceExisting(boolean replace) {
    return new MigrationOptions(restore, deploy, database, workDirectory, journal, keepDump, replace,
        containerSizes, port, jobs);
  }

  /** A copy giving process type {@code processType} containers of {@code containerSizeMb}. */
  public MigrationOptions withContainerSize(String processType, int containerSizeMb) {
    Objects.requireNonNull(processType, "processType");
    Map<String, Integer> sizes = new LinkedHashMap<>(containerSizes);
    sizes.put(processType, containerSizeMb);
    return new MigrationOptions(restore, deploy, database, workDirectory, journal, keepDump, replaceExisting, sizes,
        port, jobs);
  }

  /** A copy whose app listens on {@code value} (0: the repository decides). */
  public MigrationOptions withPort(int value) {
    return new MigrationOptions(restore, deploy, database, workDirectory, journal, keepDump, replaceExisting,
        containerSizes, value, jobs);
  }

  /** A copy restoring with {@code value} parallel workers (0: the data mover's own setting). */
  public MigrationOptions withJobs(int value) {
    return new MigrationOptions(restore, deploy, database, workDirectory, journal, keepDump, replaceExisting,
        containerSizes, port, value);
  }

  /** Adds a problem for every option value that is out of range (the plan checks the rest against the source). */
  void validate(ValidationException.Collector problems) {
    if (restore == RestoreStrategy.STREAM || restore == RestoreStrategy.DIRECT) {
      problems.add("restore", restore, restore + " moves the data straight from the live source, without a backup; the"
          + " journalled pipeline restores from a captured backup", "use PARALLEL, PG_RESTORE or GUIDE_SQL");
    }
    if (port != 0 && (port < 1 || port > 65535)) {
      problems.add("port", port, "must be 1-65535", "pass the port your app listens on, e.g. 3000");
    }
    if (jobs < 0 || jobs > 64) {
      problems.add("jobs", jobs, "must be 1-64 (or 0 for the data mover's own setting)",
          "pass about the number of CPU cores of the target database, e.g. 4");
    }
  }
}
