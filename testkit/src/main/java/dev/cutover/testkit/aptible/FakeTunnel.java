package dev.cutover.testkit.aptible;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code db:tunnel} as the real CLI does it (reference §3): a child process holds the port (here a
 * {@link TunnelForwarder} JVM in place of {@code ssh}); the CLI prints {@code Connect at} only once
 * the child says it is ready; SIGINT closes the child and exits 0; SIGTERM kills only the CLI and
 * leaves the child running, holding the port.
 */
final class FakeTunnel {
  private final Map<String, String> env;
  private final PrintStream err;
  private volatile boolean closing;

  FakeTunnel(Map<String, String> env, PrintStream err) {
    this.env = env;
    this.err = err;
  }

  void run(FakeAptibleCli.TunnelTarget target, String requestedPort, boolean typeGiven) {
    err.println("Creating " + target.type() + " tunnel to " + target.handle() + "...");
    if (!typeGiven) {
      err.println("Use --type TYPE to specify a tunnel type");
      err.println("Valid types for " + target.handle() + ": " + String.join(", ", target.types()));
    }
    int port = requestedPort == null ? freePort() : (int) Double.parseDouble(requestedPort);
    Process child = startForwarder(port, target.forwardTo());
    recordChild(child); // at once: a child left behind before it is ready is a leftover too
    String first = readFirstLine(child);
    if (!TunnelForwarder.READY.equals(first)) {
      throw new FakeAptibleCli.Exit(1, "Tunnel did not come up: " + (first == null ? "" : first));
    }
    URI url = URI.create(target.url());
    String host = env.getOrDefault("FAKE_APTIBLE_TUNNEL_HOST", "localhost.aptible.in");
    String userInfo = url.getRawUserInfo() == null ? "" : url.getRawUserInfo();
    int colon = userInfo.indexOf(':');
    String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
    String password = colon < 0 ? "" : userInfo.substring(colon + 1);
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    Signals.onInterrupt(() -> {
      closing = true;
      err.println("Closing tunnel");
      child.destroy();
      try {
        if (!child.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      } catch (InterruptedException e) {
        child.destroyForcibly();
      }
      err.flush();
      Runtime.getRuntime().halt(0);
    });
    err.println("Connect at " + url.getScheme() + "://" + userInfo + "@" + host + ":" + port + path);
    err.println("Or, use the following arguments:");
    err.println("* Host: " + host);
    err.println("* Port: " + port);
    if (!user.isEmpty()) {
      err.println("* Username: " + user);
    }
    err.println("* Password: " + password);
    if (path.length() > 1) {
      err.println("* Database: " + path.substring(1));
    }
    err.println("Connected. Ctrl-C to close connection.");
    err.flush();
    int code;
    try {
      code = child.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = -1;
    }
    if (closing) {
      sleepForever();
    }
    throw new FakeAptibleCli.Exit(1, code == 124 ? "Tunnel timed out" : "Tunnel crashed (" + code + ")");
  }

  private static void sleepForever() {
    while (true) {
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** As the real CLI: bind port 0, read the port, close, hand it to the child (racy by design). */
  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new FakeAptibleCli.Exit(1, "Tunnel did not come up: " + e.getMessage());
    }
  }

  private Process startForwarder(int port, String forwardTo) {
    List<String> argv = new ArrayList<>();
    argv.add(ProcessHandle.current().info().command().orElse("java"));
    argv.addAll(FakeStore.jvmOptions());
    argv.addAll(List.of("-cp", System.getProperty("java.class.path"), TunnelForwarder.class.getName(),
        String.valueOf(port), forwardTo != null ? forwardTo
            : env.getOrDefault("FAKE_APTIBLE_TUNNEL_TARGET", FakePostgres.server(env)),
        env.getOrDefault("FAKE_APTIBLE_TUNNEL_TTL", "0"), env.getOrDefault("FAKE_APTIBLE_TUNNEL_READY_DELAY", "0")));
    try {
      return new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new FakeAptibleCli.Exit(1, "Tunnel did not come up: " + e.getMessage());
    }
  }

  private static String readFirstLine(Process child) {
    try {
      return new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  /**
   * Leaves the child's pid and start time where {@link FakeAptible} can find leftovers: the start
   * time tells the child from a later process that reuses its pid (pids wrap at 32768 here).
   */
  private void recordChild(Process child) {
    try {
      Path dir = Path.of(env.get("FAKE_APTIBLE_HOME")).resolve("tunnels");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(String.valueOf(child.pid())), startMillis(child.toHandle()) + " "
          + ProcessHandle.current().pid());
    } catch (IOException e) {
      err.println("WARN -- : fake aptible could not record tunnel pid: " + e.getMessage());
    }
  }

  /** When {@code process} started, in epoch milliseconds, or -1 when the system does not say. */
  static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(-1L);
  }
}
