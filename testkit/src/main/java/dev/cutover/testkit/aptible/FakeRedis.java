package dev.cutover.testkit.aptible;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Redis behind a fake {@code db:create --type redis}: a {@code redis-server} daemon (it must
 * outlive the CLI process that created it) on a free loopback port, with the credential's password,
 * persisting nothing, its directory and pid file under {@code $FAKE_APTIBLE_HOME/redis/ID}.
 * {@link FakeAptible#close()} stops every one of them.
 */
final class FakeRedis {
  private FakeRedis() {}

  /**
   * Starts database {@code id}'s server and waits until it listens; returns its port, or 0 when no
   * {@code redis-server} is installed (the database then has credentials but no server, as before).
   */
  static int start(Map<String, String> env, long id, String password, java.io.PrintStream err) {
    if (!installed(env)) {
      err.println("WARN -- : fake aptible: no redis-server on the PATH; database " + id + " has no server");
      return 0;
    }
    Path dir = Path.of(env.get("FAKE_APTIBLE_HOME")).resolve("redis").resolve(String.valueOf(id));
    try {
      Files.createDirectories(dir);
      // the password goes in a file of its own, not argv (ps shows argv to everyone)
      // the credential's user is "aptible": an ACL user of that name, and the default user for pre-ACL clients
      Files.writeString(dir.resolve("redis.conf"), "requirepass " + password + "\nuser aptible on >" + password
          + " ~* &* +@all\n");
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Process p = new ProcessBuilder(List.of("redis-server", dir.resolve("redis.conf").toString(), "--port",
          String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--appendonly", "no",
          "--daemonize", "yes", "--pidfile", dir.resolve("redis.pid").toString(), "--logfile",
          dir.resolve("redis.log").toString())).redirectErrorStream(true)
          .redirectOutput(dir.resolve("start.log").toFile()).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new FakeAptibleCli.Exit(1, "An error occurred: fake aptible could not start redis-server for database "
            + id + ": " + Files.readString(dir.resolve("start.log")));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
          return port;
        } catch (IOException e) {
          Thread.sleep(20);
        }
      }
      throw new FakeAptibleCli.Exit(1, "An error occurred: fake aptible's redis-server for database " + id
          + " did not listen on port " + port);
    } catch (IOException e) {
      throw new FakeAptibleCli.Exit(1, "An error occurred: fake aptible could not start redis-server: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FakeAptibleCli.Exit(1, "An error occurred: interrupted while starting redis-server");
    }
  }

  private static boolean installed(Map<String, String> env) {
    for (String d : env.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "")).split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "redis-server"))) {
        return true;
      }
    }
    return false;
  }

  /** Stops every server started under {@code home} (SIGTERM, then SIGKILL after 5 s). */
  static void stopAll(Path home) {
    Path root = home.resolve("redis");
    if (!Files.isDirectory(root)) {
      return;
    }
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path pidFile : dirs.map(d -> d.resolve("redis.pid")).filter(Files::exists).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(p -> {
          p.destroy();
          try {
            p.onExit().get(5, TimeUnit.SECONDS);
          } catch (Exception e) {
            p.destroyForcibly();
          }
        });
      }
    } catch (IOException | NumberFormatException e) {
      // nothing more to stop
    }
  }
}
