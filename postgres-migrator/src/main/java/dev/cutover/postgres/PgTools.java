package dev.cutover.postgres;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.PgToolException;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL client programs ({@code pg_dump}, {@code pg_restore}, {@code psql}) found on this
 * machine, with their versions.
 *
 * <p>Looked for in this order: the configured directory (which wins whenever it has the program),
 * then every directory on {@code PATH}, {@code pg_config --bindir} and
 * {@code /usr/lib/postgresql/*}{@code /bin}; among those the newest version wins, because a newer
 * {@code pg_restore} reads every older archive but not the other way round. Immutable.
 *
 * <pre>{@code
 * PgTools tools = PgTools.discover(ProcessRunner.create(redactor), Optional.empty());
 * PgTool restore = tools.require("pg_restore"); // pg_restore 15.20 (/usr/lib/postgresql/15/bin/pg_restore)
 * }</pre>
 */
public final class PgTools {
  /** The programs the migrator uses. */
  public static final List<String> PROGRAMS = List.of("pg_dump", "pg_restore", "psql");

  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+((\\d+)(?:\\.(\\d+))?\\S*(?:\\s.*)?)$");
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(20);

  private final Map<String, PgTool> tools;
  private final List<Path> searched;

  private PgTools(Map<String, PgTool> tools, List<Path> searched) {
    this.tools = Map.copyOf(tools);
    this.searched = List.copyOf(searched);
  }

  /**
   * Finds the programs. Blocks while it runs {@code pg_config --bindir} and each candidate's
   * {@code --version} (a few milliseconds each). A program that is not found is simply absent.
   *
   * @param configuredDirectory a directory to prefer, e.g. a PostgreSQL 17 client unpacked by the user
   */
  public static PgTools discover(ProcessRunner runner, Optional<Path> configuredDirectory) {
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(configuredDirectory, "configuredDirectory");
    Set<Path> dirs = new LinkedHashSet<>();
    String pathEnv = System.getenv("PATH");
    if (pathEnv != null) {
      for (String p : pathEnv.split(java.io.File.pathSeparator)) {
        if (!p.isBlank()) {
          dirs.add(Path.of(p));
        }
      }
    }
    pgConfigBindir(runner, dirs).ifPresent(dirs::add);
    dirs.addAll(debianClusterDirs());
    Map<String, PgTool> found = new LinkedHashMap<>();
    for (String program : PROGRAMS) {
      Optional<PgTool> configured = configuredDirectory.flatMap(dir -> probe(runner, program, dir));
      if (configured.isPresent()) {
        found.put(program, configured.get());
        continue;
      }
      dirs.stream()
          .map(dir -> probe(runner, program, dir))
          .flatMap(Optional::stream)
          .max(Comparator.comparingInt(PgTool::major).thenComparingInt(PgTool::minor))
          .ifPresent(tool -> found.put(program, tool));
    }
    List<Path> searched = new ArrayList<>();
    configuredDirectory.ifPresent(searched::add);
    searched.addAll(dirs);
    return new PgTools(found, searched);
  }

  /** The program {@code name} (one of {@link #PROGRAMS}), when found. */
  public Optional<PgTool> find(String name) {
    return Optional.ofNullable(tools.get(name));
  }

  /**
   * The program {@code name}.
   *
   * @throws PgToolException when it was not found, listing where it was looked for and how to install it
   */
  public PgTool require(String name) {
    PgTool tool = tools.get(name);
    if (tool == null) {
      throw new PgToolException("pg.tools", "pg.tools: " + name + " not found (looked in " + searched.size()
          + " directories: PATH, pg_config --bindir, /usr/lib/postgresql/*/bin and the configured directory); "
          + "install the PostgreSQL client tools (e.g. apt-get install postgresql-client) or configure "
          + "PgMigrator.builder().toolsDirectory(dir)", false, null);
    }
    return tool;
  }

  /** Every program found, in {@link #PROGRAMS} order. */
  public List<PgTool> all() {
    return PROGRAMS.stream().map(tools::get).filter(Objects::nonNull).toList();
  }

  @Override
  public String toString() {
    return "PgTools" + all();
  }

  static Optional<PgTool> parseVersion(String program, Path path, String versionOutput) {
    for (String line : versionOutput.split("\n")) {
      Matcher m = VERSION.matcher(line.strip());
      if (m.find()) {
        int minor = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
        return Optional.of(new PgTool(program, path, m.group(1).strip(), Integer.parseInt(m.group(2)), minor));
      }
    }
    return Optional.empty();
  }

  private static Optional<PgTool> probe(ProcessRunner runner, String program, Path dir) {
    Path candidate = dir.resolve(program);
    if (!Files.isRegularFile(candidate) || !Files.isExecutable(candidate)) {
      return Optional.empty();
    }
    try {
      String out = runner.run(Command.builder(candidate.toString(), "--version").timeout(VERSION_TIMEOUT).build()).stdout();
      return parseVersion(program, candidate, out);
    } catch (CommandFailedException e) {
      return Optional.empty();
    }
  }

  private static Optional<Path> pgConfigBindir(ProcessRunner runner, Set<Path> dirs) {
    for (Path dir : dirs) {
      Path pgConfig = dir.resolve("pg_config");
      if (Files.isExecutable(pgConfig)) {
        try {
          String out = runner.run(Command.builder(pgConfig.toString(), "--bindir").timeout(VERSION_TIMEOUT).build())
              .stdout().strip();
          return out.isEmpty() ? Optional.empty() : Optional.of(Path.of(out));
        } catch (CommandFailedException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static List<Path> debianClusterDirs() {
    Path root = Path.of("/usr/lib/postgresql");
    List<Path> out = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
        versions.forEach(v -> out.add(v.resolve("bin")));
      } catch (IOException e) {
        return List.of();
      }
    }
    return out;
  }
}
