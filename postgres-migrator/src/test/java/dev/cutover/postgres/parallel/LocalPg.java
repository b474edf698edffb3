package dev.cutover.postgres.parallel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test helper: the local PostgreSQL 15 server and its client tools, run as real processes. */
public final class LocalPg {
  public static final String HOST = "127.0.0.1";
  public static final int PORT = 5432;
  public static final String USER = "postgres";

  private LocalPg() {}

  /** Skips the test when the server or a tool is missing, unless CI=true, where it fails. */
  public static void assumeAvailable(String... tools) {
    List<String> missing = new ArrayList<>();
    for (String tool : tools) {
      if (!onPath(tool)) {
        missing.add(tool);
      }
    }
    boolean serverUp;
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/postgres", USER, "")) {
      serverUp = c.isValid(5);
    } catch (SQLException e) {
      serverUp = false;
    }
    if (!serverUp) {
      missing.add("PostgreSQL server at " + HOST + ":" + PORT);
    }
    if ("true".equals(System.getenv("CI")) && !missing.isEmpty()) {
      throw new AssertionError("CI=true but missing: " + missing);
    }
    assumeTrue(missing.isEmpty(), "needs " + missing);
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Path.of(dir, tool).toFile().canExecute()) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code prefix} plus a random suffix: the same tests may run at once in several worktrees
   * against the one local server, so fixed database names would collide.
   */
  public static String unique(String prefix) {
    return prefix + "_" + String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
  }

  public static PgConnection connection(String database) {
    return new PgConnection(HOST, PORT, database, USER, Secret.of("-none-"), "disable");
  }

  public static Connection jdbc(String database) throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + database, USER, "");
  }

  public static void createDatabase(String name) {
    psql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    psql("postgres", "CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
  }

  /** A new database {@code name} holding {@code tricky.sql} (this package's test resource). */
  public static void createTrickyDatabase(String name) {
    createDatabase(name);
    try {
      Path sql = java.nio.file.Files.createTempFile("tricky-", ".sql");
      try (InputStream in = LocalPg.class.getResourceAsStream("tricky.sql")) {
        java.nio.file.Files.copy(in, sql, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      try {
        psqlFile(name, sql);
      } finally {
        java.nio.file.Files.deleteIfExists(sql);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void dropDatabase(String name) {
    psql("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  /** Runs SQL through psql with ON_ERROR_STOP; returns stdout. */
  public static String psql(String database, String sql) {
    return run(List.of("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", "" + PORT, "-U", USER,
        "-d", database, "-c", sql));
  }

  public static String psqlFile(String database, Path file) {
    return run(List.of("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", HOST, "-p", "" + PORT, "-U", USER,
        "-d", database, "-f", file.toString()));
  }

  /** Runs a pg tool with the usual connection options appended; returns stdout; fails on a non-zero exit. */
  public static String tool(String tool, String... args) {
    List<String> argv = new ArrayList<>(List.of(tool));
    argv.addAll(List.of(args));
    return run(argv);
  }

  public static String run(List<String> argv) {
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("PGHOST", HOST);
      pb.environment().put("PGPORT", "" + PORT);
      pb.environment().put("PGUSER", USER);
      Process p = pb.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t = new Thread(() -> copy(p.getErrorStream(), err));
      t.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      copy(p.getInputStream(), out);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + argv);
      }
      t.join();
      if (p.exitValue() != 0) {
        throw new AssertionError("exit " + p.exitValue() + " from " + argv + ": " + err.toString(StandardCharsets.UTF_8));
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
