package dev.cutover.maven;

import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.examples.DemoEnvironment;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TrickyDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The world an invoker IT runs {@code mvn cutover:...} against, started by its {@code setup.groovy}
 * and closed by its {@code verify.groovy}: a {@link DemoEnvironment} (fake Heroku API with the real
 * {@code heroku} CLI, fake {@code aptible} CLI with real tunnels, seeded local PostgreSQL, SSH git
 * server), two launcher scripts standing in for {@code heroku} and {@code aptible} on a user's PATH,
 * and the {@code -Dcutover.*} properties that point the plugin at them.
 *
 * <p>The secrets are the ones the ITs' {@code settings.xml} and {@code invoker.properties} hold
 * (encrypted there where the IT says so): the fake accepts exactly these.
 */
public final class ItWorld implements AutoCloseable {
  /** The Heroku API key the fake accepts; {@code settings.xml} holds it encrypted as server {@code heroku}. */
  public static final String HEROKU_API_KEY = "it-heroku-api-key-5d1e8a7c";
  /** An Aptible token (JWT-shaped, as the CLI checks) the fake accepts, as if {@code aptible login} wrote it. */
  public static final String APTIBLE_TOKEN = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJpdCJ9.aXQtYXB0aWJsZS10b2tlbi0zYjlm";
  /** The seeded source database's password (trust auth accepts any); must never reach a log. */
  public static final String SOURCE_DB_PASSWORD = "it-source-db-password-91c4";

  private final DemoEnvironment env;
  private final Map<String, Integer> formation = new LinkedHashMap<>();
  private final Map<String, Long> sourceRows;

  private ItWorld(DemoEnvironment env) {
    this.env = env;
    for (String type : List.of("web", "worker")) {
      formation.put(type, env.heroku().app(DemoEnvironment.SOURCE_APP).quantity(type));
    }
    this.sourceRows = rowCounts(env.source().connection());
  }

  /**
   * Whether the IT can run here: true with the local PostgreSQL server, and always when
   * {@code CI=true} (so that a missing server fails the IT there instead of skipping it).
   */
  public static boolean canRun() {
    return "true".equalsIgnoreCase(System.getenv("CI")) || PgFixture.local().isAvailable();
  }

  /**
   * Starts the world and puts the properties that point the plugin at it into {@code userProperties}
   * (the invoker passes them to the IT's build as {@code -D}). Blocks for a few seconds.
   */
  public static ItWorld start(Properties userProperties) {
    if (!PgFixture.local().isAvailable()) {
      throw new IllegalStateException("CI=true but the local PostgreSQL server at 127.0.0.1:5432 is not reachable");
    }
    DemoEnvironment env = DemoEnvironment.start(20, Secret.of(HEROKU_API_KEY), Secret.of(SOURCE_DB_PASSWORD));
    try {
      Path bin = env.toolsOnPath();
      Path config = Path.of(env.aptible().cliEnvironment().get("APTIBLE_CONFIG_PATH"));
      Files.writeString(Files.createDirectories(config).resolve("tokens.json"),
          "{\"https://auth.aptible.com\":\"" + APTIBLE_TOKEN + "\"}\n");
      Path aptible = bin.resolve("aptible");
      Path heroku = bin.resolve("heroku");
      Map<String, String> p = new LinkedHashMap<>();
      p.put("cutover.herokuApiUrl", env.heroku().apiUrl());
      p.put("cutover.herokuDataApiHost", env.heroku().dataApiHost());
      p.put("cutover.herokuCaFile", env.heroku().caCertificatePem().toString());
      p.put("cutover.herokuCli", heroku.toString());
      p.put("cutover.aptibleCli", aptible.toString());
      p.put("cutover.aptibleApiUrl", env.aptible().apiUrl());
      p.put("cutover.gitRemoteTemplate", env.gitServer().remoteTemplate());
      p.put("cutover.sshKey", env.gitServer().clientKey().toString());
      p.put("cutover.knownHosts", env.gitServer().knownHosts().toString());
      p.put("cutover.tunnelSslMode", "prefer");
      p.put("cutover.repository", env.repository().toString());
      userProperties.putAll(p);
      return new ItWorld(env);
    } catch (IOException | RuntimeException e) {
      env.close();
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /**
   * The problems with the migration to {@code targetApp}, empty when there are none: the app was
   * deployed, and every seeded table holds the source's row count.
   */
  public List<String> migrationProblems(String targetApp) {
    List<String> problems = new ArrayList<>();
    if (env.aptible().deploys().stream().noneMatch(op -> op.resource().contains(targetApp))) {
      problems.add("no deploy of " + targetApp + " in " + env.aptible().deploys());
    }
    String db = env.aptible().database(targetApp + "-db").flatMap(d -> d.postgresName()).orElse(null);
    if (db == null) {
      problems.add("no database " + targetApp + "-db on the fake Aptible");
      return problems;
    }
    Map<String, Long> source = rowCounts(env.source().connection());
    Map<String, Long> target = rowCounts(PgFixture.local().admin().withDatabase(db));
    if (!source.equals(target)) {
      problems.add("row counts differ: source " + source + ", target " + target);
    }
    return problems;
  }

  /** Whether the Heroku app is in maintenance mode (migrate turns it on, rollback off). */
  public boolean sourceInMaintenance() {
    return env.heroku().app(DemoEnvironment.SOURCE_APP).maintenance();
  }

  /**
   * What changed on the Heroku side since the world started, empty when nothing did: a request other than a
   * {@code GET}, maintenance on, a formation quantity, a backup captured, the source's row counts.
   */
  public List<String> sourceChanges() {
    List<String> changes = new ArrayList<>();
    env.heroku().requests().stream().filter(r -> !r.method().equals("GET"))
        .forEach(r -> changes.add(r.method() + " " + r.path()));
    dev.cutover.testkit.heroku.FakeApp app = env.heroku().app(DemoEnvironment.SOURCE_APP);
    if (app.maintenance()) {
      changes.add("maintenance on");
    }
    formation.forEach((type, quantity) -> {
      if (app.quantity(type) != quantity) {
        changes.add(type + " scaled from " + quantity + " to " + app.quantity(type));
      }
    });
    if (!app.transfers().isEmpty()) {
      changes.add(app.transfers().size() + " backup(s) captured");
    }
    Map<String, Long> rows = rowCounts(env.source().connection());
    if (!rows.equals(sourceRows)) {
      changes.add("source row counts changed: " + sourceRows + " -> " + rows);
    }
    return changes;
  }

  private static Map<String, Long> rowCounts(PgConnection db) {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection c = PgFixture.open(db); Statement st = c.createStatement()) {
      for (String table : TrickyDatabase.tables()) {
        try (ResultSet rs = st.executeQuery("select count(*) from " + table)) {
          rs.next();
          counts.put(table, rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("counting rows in " + db.database() + ": " + e.getMessage(), e);
    }
    return counts;
  }

  /** Stops the fakes, drops every database and role, deletes the files. Idempotent. */
  @Override
  public void close() {
    env.close();
  }

  @Override
  public String toString() {
    return "ItWorld[" + env + "]";
  }
}
