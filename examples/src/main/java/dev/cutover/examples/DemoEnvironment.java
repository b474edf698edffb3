package dev.cutover.examples;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.spi.SourceApp;
import dev.cutover.core.spi.TargetApp;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.postgres.PgMigrator;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.git.SshGitServer;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.HerokuCli;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import dev.cutover.testkit.postgres.TrickyDatabase;
import dev.cutover.testkit.postgres.TrickyDatabaseGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Objects;

/**
 * The whole migration world on this machine, with no credentials and no network: a seeded
 * PostgreSQL database standing in for Heroku Postgres, {@link FakeHeroku} serving the app that uses
 * it (formation, config vars, add-ons, a custom domain, the release's process types), the real
 * {@code heroku} CLI pointed at it, {@link FakeAptible} (a fake {@code aptible} CLI creating real
 * databases and tunnels), and the guide's Node.js app in a local git repository whose Aptible remote
 * is a local bare repository.
 *
 * <p>Used by the {@code cutover demo} command and by the end-to-end tests. {@link #close()} stops
 * the fakes, drops every database and role they and this environment made, and deletes the
 * temporary directory. Not thread-safe.
 */
public final class DemoEnvironment implements AutoCloseable {
  /** The Heroku app's name. */
  public static final String SOURCE_APP = "legacy-shop";
  /** The Aptible environment. */
  public static final String ENVIRONMENT = "demo-env";
  /** The Aptible app's handle. */
  public static final String TARGET_APP = "legacy-shop";
  /** The custom domain of the Heroku app. */
  public static final String DOMAIN = "www.legacy-shop.example";

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final Path dir;
  private final Redactor redactor = Redactor.create();
  private final TestDatabase sourceDatabase;
  private final TrickyDatabase seeded;
  private final FakeHeroku heroku;
  private final FakeAptible aptible;
  private final HerokuCli herokuCli;
  private final SshGitServer git;
  private final Path repo;

  private DemoEnvironment(long users, Secret herokuApiKey, Secret sourcePassword) {
    try {
      dir = Files.createTempDirectory("cutover-demo-");
      resources.push(() -> deleteTree(dir));
      sourceDatabase = PgFixture.local().createDatabase("cut_facade_src_");
      resources.push(sourceDatabase);
      seeded = TrickyDatabaseGenerator.builder().users(users).rolePrefix("cut_facade_").build()
          .generate(sourceDatabase.connection());
      resources.push(seeded);
      herokuCli = HerokuCli.locateOrInstall();
      heroku = FakeHeroku.start(herokuApiKey);
      resources.push(heroku);
      heroku.app(SOURCE_APP)
          .buildpacks("heroku/nodejs")
          .formation("web", 2, "Standard-2X", "npm start")
          .formation("worker", 1, "Standard-1X", "node worker.js")
          .processTypes(Map.of("web", "npm start", "worker", "node worker.js", "release", "npm run migrate"))
          .configVar("NODE_ENV", "production")
          .configVar("SESSION_SECRET", "demo-session-secret-4f9a1c")
          .configVar("STRIPE_API_KEY", "sk_test_demo_51HxYz")
          .configVar("HEROKU_SLUG_COMMIT", "2f9c1e7")
          .configVar("HEROKU_RELEASE_VERSION", "v42")
          .configVar("REDIS_URL", "rediss://:demo-redis-pass@ec2-1-2-3-4.compute-1.amazonaws.com:6380")
          .addon("heroku-redis:mini", "REDIS_URL")
          .addon("scheduler:standard")
          .domains(DOMAIN)
          .postgres(sourcePassword == null ? seeded.connection() : withPassword(seeded.connection(), sourcePassword));
      aptible = FakeAptible.builder().environment(ENVIRONMENT).home(dir.resolve("aptible")).build();
      resources.push(aptible);
      git = SshGitServer.start(aptible.gitRoot(), dir.resolve("ssh"));
      resources.push(git);
      repo = SampleNodeApp.create(dir.resolve("legacy-shop"));
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Builds the world with {@code users} rows in the seeded users table (and proportionally more in
   * the others). Blocks for a few seconds; installs the {@code heroku} CLI from npm on first use.
   */
  public static DemoEnvironment start(long users) {
    return new DemoEnvironment(users, Secret.of("fake-heroku-api-key"), null);
  }

  /**
   * {@link #start(long)} with the fake Heroku's API key and the password in the source database's
   * URL chosen by the caller (canary runs). The local server must accept any password (trust auth).
   */
  public static DemoEnvironment start(long users, Secret herokuApiKey, Secret sourceDatabasePassword) {
    return new DemoEnvironment(users, Objects.requireNonNull(herokuApiKey, "herokuApiKey"),
        Objects.requireNonNull(sourceDatabasePassword, "sourceDatabasePassword"));
  }

  private static PgConnection withPassword(PgConnection c, Secret password) {
    return new PgConnection(c.host(), c.port(), c.database(), c.user(), password, c.sslMode());
  }

  /** The redactor shared by the clients, the mover and the migration. */
  public Redactor redactor() {
    return redactor;
  }

  /** A client for the fake Heroku, running the real CLI against it. */
  public HerokuClient herokuClient() {
    HerokuClient client = HerokuClient.builder().apiKey(heroku.apiKey()).apiUrl(heroku.apiUrl())
        .dataApiHost(heroku.dataApiHost()).cliCommand(herokuCli.command()).extraCaCertificate(heroku.caCertificatePem())
        .redactor(redactor).build();
    resources.push(client);
    return client;
  }

  /** A client for the fake Aptible; git pushes go over SSH to the fake's repositories, whose hook deploys. */
  public AptibleClient aptibleClient() {
    return AptibleClient.builder().environment(ENVIRONMENT).accessToken(aptible.token())
        .cliCommand(aptible.cliCommand()).cliEnvironment(aptible.cliEnvironment()).apiUrl(aptible.apiUrl())
        .gitRemoteTemplate(git.remoteTemplate()).gitSshKey(git.clientKey()).gitKnownHosts(git.knownHosts())
        .tunnelSslMode("prefer").redactor(redactor).build();
  }

  /** The SSH git server standing in for {@code beta.aptible.com}. */
  public SshGitServer gitServer() {
    return git;
  }

  /** The data mover, with the shared redactor. */
  public PgMigrator mover() {
    return PgMigrator.builder().redactor(redactor).build();
  }

  /** The migration of the demo app, configured but not planned: add options, then {@code plan()}. */
  public Migration migration(HerokuClient herokuClient, AptibleClient aptibleClient) {
    Objects.requireNonNull(herokuClient, "herokuClient");
    return migration(herokuClient.app(SOURCE_APP), aptibleClient.app(TARGET_APP)).dataMover(mover());
  }

  /**
   * The migration of the demo app's repository from {@code source} to {@code target}, with its own
   * work directory ({@code work-<target>}), configured but not planned. The run's redactor is the
   * one of the clients' toolkit ({@code plan()} takes it from the source and target).
   */
  public Migration migration(SourceApp source, TargetApp target) {
    return Migration.from(source)
        .to(target)
        .deploy(Deploy.git(repo, SampleNodeApp.BRANCH))
        .workDirectory(workDirectory(target.handle()));
  }

  /** The work directory (dumps, journal, report) of the migration to the target app {@code handle}. */
  public Path workDirectory(String handle) {
    return dir.resolve("work-" + handle);
  }

  /**
   * A directory with {@code heroku} and {@code aptible} launchers, as a user has them on the PATH:
   * they run the real {@code heroku} CLI and the fake {@code aptible} CLI with its environment.
   * Written on first call, deleted with the environment. Pair with {@link HerokuClient#builder()}'s
   * {@code apiUrl} and friends for the fake Heroku API (the CLI reaches it through them).
   */
  public Path toolsOnPath() {
    Path bin = dir.resolve("bin");
    try {
      if (!Files.isDirectory(bin)) {
        Files.createDirectories(bin);
        launcher(bin.resolve("aptible"), aptible.cliEnvironment(), aptible.cliCommand());
        launcher(bin.resolve("heroku"), Map.of(), herokuCli.command());
      }
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void launcher(Path file, Map<String, String> environment, java.util.List<String> command)
      throws IOException {
    StringBuilder s = new StringBuilder("#!/bin/sh\n");
    environment.forEach((k, v) -> s.append("export ").append(k).append('=').append(shellQuote(v)).append('\n'));
    s.append("exec");
    command.forEach(part -> s.append(' ').append(shellQuote(part)));
    Files.writeString(file, s.append(" \"$@\"\n"));
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
  }

  private static String shellQuote(String value) {
    return "'" + value.replace("'", "'\\''") + "'";
  }

  /** The temporary directory everything lives in. */
  public Path directory() {
    return dir;
  }

  /** The app's repository. */
  public Path repository() {
    return repo;
  }

  public FakeHeroku heroku() {
    return heroku;
  }

  public FakeAptible aptible() {
    return aptible;
  }

  /** The command that runs the real {@code heroku} CLI. */
  public HerokuCli herokuCli() {
    return herokuCli;
  }

  /** The seeded source database (what Heroku Postgres holds). */
  public TrickyDatabase source() {
    return seeded;
  }

  /** Stops the fakes, drops what was created, deletes the directory. Idempotent. */
  @Override
  public void close() {
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(DemoEnvironment.class).warn("Cleaning up the demo: {}", e.toString());
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  @Override
  public String toString() {
    return "DemoEnvironment[" + dir + ", " + heroku + ", " + aptible + "]";
  }
}
