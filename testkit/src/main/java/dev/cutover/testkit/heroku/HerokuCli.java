package dev.cutover.testkit.heroku;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real {@code heroku} CLI (npm {@code heroku@}{@value #VERSION}) for tests against
 * {@link FakeHeroku}: where it is, how to run it, and the environment that points it at a fake.
 *
 * <p>Found at {@code $CUTOVER_HEROKU_CLI} (a {@code run.js} or an executable), else at
 * {@code ${CUTOVER_CACHE:-~/.cache/cutover}/heroku-cli/node_modules/heroku/bin/run.js}, which
 * {@link #locateOrInstall()} fills with {@code npm install} when it is missing (about 400 MB, a
 * few minutes, once per machine; concurrent installs wait on a file lock).
 *
 * <pre>{@code
 * HerokuCli cli = HerokuCli.locateOrInstall();
 * HerokuClient heroku = HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl())
 *     .dataApiHost(fake.dataApiHost()).extraCaCertificate(fake.caCertificatePem())
 *     .cliCommand(cli.command()).build();
 * }</pre>
 */
public final class HerokuCli {
  /** The CLI version the reference describes and tests install. */
  public static final String VERSION = "11.10.0";
  private static final Logger LOG = LoggerFactory.getLogger(HerokuCli.class);

  private final List<String> command;

  private HerokuCli(List<String> command) {
    this.command = List.copyOf(command);
  }

  /** The CLI if it is already there; never installs. */
  public static Optional<HerokuCli> find() {
    String configured = System.getenv("CUTOVER_HEROKU_CLI");
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      return Files.exists(p) ? Optional.of(of(p)) : Optional.empty();
    }
    Path runJs = cacheDir().resolve("node_modules/heroku/bin/run.js");
    return Files.isRegularFile(runJs) ? Optional.of(of(runJs)) : Optional.empty();
  }

  /**
   * The CLI, installed into the cache first when missing. Blocks (minutes on the first install).
   *
   * @throws IllegalStateException when it is missing and cannot be installed (no node/npm, no network),
   *     with the reason
   */
  public static synchronized HerokuCli locateOrInstall() {
    Optional<HerokuCli> found = find();
    if (found.isPresent()) {
      return found.get();
    }
    if (System.getenv("CUTOVER_HEROKU_CLI") != null && !System.getenv("CUTOVER_HEROKU_CLI").isBlank()) {
      throw new IllegalStateException("CUTOVER_HEROKU_CLI=" + System.getenv("CUTOVER_HEROKU_CLI") + " does not exist");
    }
    Path dir = cacheDir();
    try {
      Files.createDirectories(dir);
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE)) {
        FileLock lock = lockFile.lock();
        LOG.debug("holding {}", lock);
        Optional<HerokuCli> meanwhile = find();
        if (meanwhile.isPresent()) {
          return meanwhile.get();
        }
        LOG.info("installing heroku@{} into {} (about 400 MB, once)", VERSION, dir);
        ProcessRunner.create(Redactor.create()).run(Command.builder("npm", "install", "--no-audit", "--no-fund",
                "--prefix", dir.toString(), "heroku@" + VERSION)
            .timeout(Duration.ofMinutes(20)).build());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot install the heroku CLI into " + dir + ": " + e.getMessage(), e);
    } catch (CommandFailedException e) {
      throw new IllegalStateException("`npm install heroku@" + VERSION + "` failed (exit " + e.exitCode() + "): "
          + String.join(" | ", e.outputTail()), e);
    }
    return find().orElseThrow(() -> new IllegalStateException("npm install finished but " + dir
        + "/node_modules/heroku/bin/run.js is missing"));
  }

  private static HerokuCli of(Path program) {
    return new HerokuCli(program.toString().endsWith(".js") ? List.of("node", program.toString())
        : List.of(program.toString()));
  }

  private static Path cacheDir() {
    String cache = System.getenv("CUTOVER_CACHE");
    Path base = cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "cutover")
        : Path.of(cache);
    return base.resolve("heroku-cli");
  }

  /** How to run it, e.g. {@code [node, /home/me/.cache/cutover/heroku-cli/node_modules/heroku/bin/run.js]}. */
  public List<String> command() {
    return command;
  }

  /**
   * The environment that points the CLI at {@code fake} and keeps it quiet and self-contained:
   * {@code HEROKU_HOST}, {@code HEROKU_DATA_HOST}, {@code NODE_EXTRA_CA_CERTS}, autoupdate, update
   * check and telemetry off, {@code TERM=dumb}. Add {@code HEROKU_API_KEY} and an isolated {@code HOME}.
   */
  public Map<String, String> environment(FakeHeroku fake) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HEROKU_HOST", fake.apiUrl());
    env.put("HEROKU_DATA_HOST", fake.dataApiHost());
    env.put("NODE_EXTRA_CA_CERTS", fake.caCertificatePem().toString());
    env.put("HEROKU_DISABLE_AUTOUPDATE", "true");
    env.put("HEROKU_SKIP_NEW_VERSION_CHECK", "true");
    env.put("DISABLE_TELEMETRY", "true");
    env.put("TERM", "dumb");
    return env;
  }

  /**
   * Runs {@code heroku ARGS} against {@code fake} with its token, {@code home} as HOME and working
   * directory, and stdin from /dev/null. Blocks. Any exit code is returned, none throws.
   */
  public CommandResult run(FakeHeroku fake, Path home, String... args) {
    Objects.requireNonNull(home, "home");
    Command.Builder b = Command.builder(command).args(List.of(args))
        .secretEnv("HEROKU_API_KEY", fake.apiKey())
        .env("HOME", home.toString())
        .workingDirectory(home)
        .timeout(Duration.ofMinutes(5));
    environment(fake).forEach(b::env);
    List.of("HEROKU_DEBUG", "HEROKU_APP", "HEROKU_HEADERS").forEach(b::unsetEnv);
    Command c = b.build();
    try {
      return ProcessRunner.create(Redactor.create()).run(c.toBuilder().successExitCodes(exitCodes()).build());
    } catch (CommandFailedException e) {
      throw new UncheckedIOException(new IOException("heroku " + String.join(" ", args) + " could not run: "
          + e.getMessage(), e));
    }
  }

  private static Integer[] exitCodes() {
    Integer[] codes = new Integer[256];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = i;
    }
    return codes;
  }

  @Override
  public String toString() {
    return "HerokuCli" + command;
  }
}
