package dev.cutover.heroku.internal;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Secret;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the real {@code heroku} CLI as a child: token in the environment, an isolated HOME that is
 * deleted afterwards, autoupdate, update checks, telemetry and debug output off. Thread-safe.
 */
public final class CliRunner {
  private static final Logger LOG = LoggerFactory.getLogger(CliRunner.class);
  /** The oldest CLI whose behaviour {@code reference/heroku.md} describes. */
  public static final int MIN_MAJOR = 11;
  private static final Pattern VERSION = Pattern.compile("heroku/(\\d+)\\.(\\d+)\\.(\\d+)");
  /** Inherited variables that would change what the CLI does or make it print secrets. */
  private static final List<String> UNSET = List.of("HEROKU_DEBUG", "HEROKU_DEBUG_HEADERS", "HTTP_CALL_REDACT",
      "HEROKU_HEADERS", "HEROKU_APP", "HEROKU_API_TOKEN", "HEROKU_POSTGRESQL_HOST", "HEROKU_HOST",
      "HEROKU_DATA_HOST", "NODE_EXTRA_CA_CERTS", "HEROKU_DATA_SERVICE", "HEROKU_POSTGRESQL_ADDON_NAME");

  private final List<String> command;
  private final Secret token;
  private final Map<String, String> environment;
  private final ProcessRunner runner;
  private volatile String checkedVersion;

  /**
   * @param command the program and leading arguments, e.g. {@code [heroku]} or {@code [node, .../run.js]}
   * @param environment extra variables (HEROKU_HOST, HEROKU_DATA_HOST, NODE_EXTRA_CA_CERTS) when not the defaults
   */
  public CliRunner(List<String> command, Secret token, Map<String, String> environment, ProcessRunner runner) {
    this.command = List.copyOf(command);
    this.token = Objects.requireNonNull(token, "token");
    this.environment = Map.copyOf(environment);
    this.runner = Objects.requireNonNull(runner, "runner");
  }

  /**
   * Checks once that the CLI runs and is version {@value #MIN_MAJOR} or newer.
   *
   * @return the version, e.g. {@code 11.10.0}
   */
  public String checkVersion() {
    String version = checkedVersion;
    if (version != null) {
      return version;
    }
    CommandResult result;
    try {
      result = execute("heroku.cli", List.of("--version"), Duration.ofMinutes(1), line -> {});
    } catch (CommandFailedException e) {
      throw new MigrationException("heroku.cli", "heroku.cli: the Heroku CLI could not be run ("
          + String.join(" ", command) + ", exit " + e.exitCode() + "). Install it with `npm install -g heroku@11` "
          + "or pass its location with HerokuClient.builder().cliCommand(...).", false, e);
    }
    Matcher m = VERSION.matcher(result.stdout());
    if (!m.find()) {
      throw new MigrationException("heroku.cli", "heroku.cli: `" + String.join(" ", command)
          + " --version` did not print a heroku/X.Y.Z version. Is this the Heroku CLI? Install it with "
          + "`npm install -g heroku@11`.");
    }
    if (Integer.parseInt(m.group(1)) < MIN_MAJOR) {
      throw new MigrationException("heroku.cli", "heroku.cli: Heroku CLI " + m.group(1) + "." + m.group(2) + "."
          + m.group(3) + " is too old (" + MIN_MAJOR + ".0.0 or newer needed). Update it with "
          + "`npm install -g heroku@11`.");
    }
    version = m.group(1) + "." + m.group(2) + "." + m.group(3);
    checkedVersion = version;
    return version;
  }

  /**
   * Runs {@code heroku ARGS} after the version check. Blocks.
   *
   * @throws CommandFailedException on a non-zero exit, with the redacted output tail
   */
  public CommandResult run(String step, List<String> args, Duration timeout, Consumer<OutputLine> output) {
    checkVersion();
    return execute(step, args, timeout, output);
  }

  private CommandResult execute(String step, List<String> args, Duration timeout, Consumer<OutputLine> output) {
    Path home = createHome();
    try {
      Command.Builder b = Command.builder(command).args(args)
          .secretEnv("HEROKU_API_KEY", token)
          .env("HOME", home.toString())
          .env("HEROKU_DISABLE_AUTOUPDATE", "true")
          .env("HEROKU_SKIP_NEW_VERSION_CHECK", "true")
          .env("DISABLE_TELEMETRY", "true")
          .env("TERM", "dumb")
          .workingDirectory(home)
          .timeout(timeout);
      UNSET.stream().filter(name -> !environment.containsKey(name)).forEach(b::unsetEnv);
      environment.forEach(b::env);
      LOG.debug("{}: running {}", step, args.isEmpty() ? "heroku" : "heroku " + args.get(0));
      return runner.run(b.build(), output);
    } finally {
      deleteTree(home);
    }
  }

  private static Path createHome() {
    try {
      return dev.cutover.core.PrivateFiles.createTempDirectory("cutover-heroku-home-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary HOME for the heroku CLI", e);
    }
  }

  private static void deleteTree(Path root) {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(file);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
          Files.deleteIfExists(dir);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete the CLI's temporary HOME {}: {}", root, e.getMessage());
    }
  }

  /** The program and leading arguments. */
  public List<String> command() {
    return command;
  }

  /** The extra variables this CLI is given (none of them secret). */
  public Map<String, String> environment() {
    return environment;
  }
}
