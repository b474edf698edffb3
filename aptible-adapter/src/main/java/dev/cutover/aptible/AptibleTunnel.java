package dev.cutover.aptible;

import dev.cutover.aptible.internal.TunnelRegistry;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Poller;
import dev.cutover.core.Secret;
import dev.cutover.core.WaitTimeoutException;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.process.RunningProcess;
import dev.cutover.core.spi.DatabaseTunnel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open {@code aptible db:tunnel}: ready when returned (the CLI printed {@code Connect at}), with
 * the host, port, user, password and database it printed.
 *
 * <pre>{@code
 * try (AptibleTunnel tunnel = aptible.openTunnel("my-app-db")) {
 *   PgConnection pg = tunnel.connection();
 *   DriverManager.getConnection(tunnel.jdbcUrl(), pg.user(), pg.password().reveal());
 * }
 * }</pre>
 *
 * <p>{@link #close()} sends SIGINT (the CLI then closes its {@code ssh} child), then stops every
 * process of the tree that is left (the real CLI's {@code ssh} survives a plain SIGTERM and keeps the
 * port), and returns once the local port is free. Whoever opened the tunnel closes it. If the
 * tunnel dies while in use, {@link #connection()} and {@link #ensureAlive()} throw an
 * {@link AptibleException} saying so, with the CLI's last words. Thread-safe.
 */
public final class AptibleTunnel implements DatabaseTunnel {
  private static final Logger LOG = LoggerFactory.getLogger(AptibleTunnel.class);
  private static final Pattern CONNECT_AT = Pattern.compile("^Connect at (\\S+)$");
  /** The CLI prints the password on its own line too, possibly before the SDK could register it. */
  private static final Pattern PASSWORD_LINE = Pattern.compile("^(\\* Password: ).+$");
  private static final Duration PORT_RELEASE_TIMEOUT = Duration.ofSeconds(10);
  /** Marks a Redis tunnel's connection (it has no sslmode): plain, or TLS ({@code rediss://}). */
  private static final String REDIS = "redis";
  private static final String REDIS_TLS = "rediss";

  private final AptibleClient client;
  private final String dbHandle;
  private final String commandLine;
  private final RunningProcess process;
  private final PgConnection connection;
  private final Set<ProcessHandle> tree = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private AptibleTunnel(AptibleClient client, String dbHandle, String commandLine, RunningProcess process,
      PgConnection connection) {
    this.client = client;
    this.dbHandle = dbHandle;
    this.commandLine = commandLine;
    this.process = process;
    this.connection = connection;
    rememberTree();
    TunnelRegistry.standard().register(process.pid(), tree);
    ownChild(process.pid()).ifPresent(h -> h.onExit().thenRun(() -> {
      if (!closed) {
        LOG.warn("Tunnel to {} ended while open: {}", dbHandle, lastWords());
      }
    }));
  }

  static AptibleTunnel open(AptibleClient client, String dbHandle, List<String> args) {
    String step = "aptible.db:tunnel";
    String commandLine = client.cli().commandLine(args);
    Instant started = client.clock().instant();
    RunningProcess process = client.cli().start(args, line -> LOG.debug("db:tunnel {}: {}", dbHandle,
        mask(line.line())));
    // registered at once, not when ready: a JVM killed while the tunnel comes up must not leave it unknown
    ownChild(process.pid()).ifPresent(root -> TunnelRegistry.standard().register(process.pid(), List.of(root)));
    try {
      String line = process.awaitLine(l -> CONNECT_AT.matcher(l).matches(), client.tunnelTimeout());
      Matcher m = CONNECT_AT.matcher(line);
      if (!m.matches()) {
        throw new IllegalStateException("awaitLine returned a line that does not match");
      }
      Secret url = client.redactor().register(Secret.of(m.group(1)));
      PgConnection connection;
      if (url.reveal().startsWith("redis://") || url.reveal().startsWith("rediss://")) {
        // a Redis database's tunnel: same fields, no database name, no sslmode (see url())
        RedisConnection printed = RedisConnection.parse(url);
        client.redactor().register(printed.password());
        connection = new PgConnection(client.tunnelHost(), printed.port(), "", printed.user(), printed.password(),
            printed.tls() ? REDIS_TLS : REDIS);
      } else {
        PgConnection printed = PgConnection.parse(url);
        client.redactor().register(printed.password());
        connection = new PgConnection(client.tunnelHost(), printed.port(), printed.database(),
            printed.user(), printed.password(), client.tunnelSslMode());
      }
      LOG.info("Tunnel to {} open on {}:{}", dbHandle, connection.host(), connection.port());
      return new AptibleTunnel(client, dbHandle, commandLine, process, connection);
    } catch (CommandFailedException e) {
      closeUnready(process);
      List<String> tail = tail(process);
      String text = tail.stream().filter(l -> l.startsWith("Tunnel ") || l.startsWith("Could not find")
          || l.contains("is not provisioned") || l.contains("credential")).reduce((a, b) -> b)
          .orElse(tail.isEmpty() ? "(no output)" : tail.get(tail.size() - 1));
      AptibleException.Kind kind = text.startsWith("Could not find") ? AptibleException.Kind.NOT_FOUND
          : AptibleException.Kind.TUNNEL;
      throw new AptibleException(step, step + ": the tunnel to database " + dbHandle + " did not come up: " + text
          + " (exit " + e.exitCode() + "). Check the database is provisioned and the local port is free.",
          commandLine, e.exitCode(), tail, Duration.between(started, client.clock().instant()), kind, text, e);
    } catch (WaitTimeoutException e) {
      closeUnready(process);
      throw new WaitTimeoutException(step, "the 'Connect at' line of the tunnel to database " + dbHandle
          + " (output so far: " + String.join(" | ", tail(process)) + ")", e.elapsed(), "no Connect at line");
    } catch (MigrationCancelledException e) {
      closeUnready(process);
      throw e;
    } catch (RuntimeException e) {
      closeUnready(process);
      throw new AptibleException(step, step + ": could not read the tunnel's address for database " + dbHandle + ": "
          + client.redactor().redact(String.valueOf(e.getMessage())), commandLine, -1, tail(process),
          Duration.between(started, client.clock().instant()), AptibleException.Kind.TUNNEL, "unparsable Connect at line",
          null);
    }
  }

  private static void closeUnready(RunningProcess process) {
    process.close();
    TunnelRegistry.standard().unregister(process.pid());
  }

  /** The process {@code pid} if it is this JVM's descendant (a fake runner's pid may belong to a stranger). */
  private static Optional<ProcessHandle> ownChild(long pid) {
    return ProcessHandle.current().descendants().filter(h -> h.pid() == pid).findFirst();
  }

  private void rememberTree() {
    ownChild(process.pid()).ifPresent(root -> {
      tree.add(root);
      root.descendants().forEach(tree::add);
    });
  }

  /** The database handle the tunnel leads to. */
  public String database() {
    return dbHandle;
  }

  /**
   * Where to connect, with the credentials the tunnel printed (the password is a {@link Secret},
   * registered with the client's redactor).
   *
   * @throws AptibleException when the tunnel has died or was closed
   */
  @Override
  public PgConnection connection() {
    ensureAlive();
    if (isRedis()) {
      throw new IllegalStateException("the tunnel to " + dbHandle + " leads to a Redis database: use url()");
    }
    return connection;
  }

  /**
   * The local URL with the printed credentials: {@code postgresql://…} for a PostgreSQL database,
   * {@code redis://user:password@host:port} for a Redis one. A secret.
   *
   * @throws AptibleException when the tunnel has died or was closed
   */
  @Override
  public Secret url() {
    ensureAlive();
    if (!isRedis()) {
      return connection.url();
    }
    return new RedisConnection(connection.host(), connection.port(), connection.user(), connection.password(),
        REDIS_TLS.equals(connection.sslMode()), "").url();
  }

  private boolean isRedis() {
    return REDIS.equals(connection.sslMode()) || REDIS_TLS.equals(connection.sslMode());
  }

  /** The local host the tunnel listens on. */
  public String host() {
    return connection.host();
  }

  /** The local port the tunnel listens on. */
  public int port() {
    return connection.port();
  }

  /** The database user. */
  public String user() {
    return connection.user();
  }

  /** The database password. */
  public Secret password() {
    return connection.password();
  }

  /** The database name on the server (e.g. {@code db}). */
  public String databaseName() {
    return connection.database();
  }

  /** A JDBC URL without credentials. */
  public String jdbcUrl() {
    return connection.jdbcUrl();
  }

  @Override
  public boolean isAlive() {
    return !closed && process.isAlive();
  }

  /**
   * Why the tunnel is no longer usable, if it is not: closed, or died with the CLI's last words
   * ({@code Tunnel timed out}, {@code Tunnel crashed (N)}, a signal).
   */
  public Optional<AptibleException> failure() {
    if (!closed && process.isAlive()) {
      return Optional.empty();
    }
    String text = closed ? "the tunnel was closed" : lastWords();
    OptionalInt exit = closed ? OptionalInt.empty() : process.waitFor(Duration.ofMillis(1));
    String step = "aptible.db:tunnel";
    return Optional.of(new AptibleException(step, step + ": the tunnel to database " + dbHandle + " is gone: " + text
        + (exit.isPresent() ? " (exit " + exit.getAsInt() + ")" : "") + ". Open a new tunnel and retry the step.",
        commandLine, exit.orElse(-1), tail(process), Duration.ZERO, AptibleException.Kind.TUNNEL, text, null));
  }

  /**
   * Throws when the tunnel is gone.
   *
   * @throws AptibleException when the tunnel died or was closed
   */
  public void ensureAlive() {
    Optional<AptibleException> failure = failure();
    if (failure.isPresent()) {
      throw failure.get();
    }
  }

  private static String mask(String line) {
    return PASSWORD_LINE.matcher(line).replaceFirst("$1" + Secret.mask());
  }

  /** The CLI's last lines, the password line masked. */
  private static List<String> tail(RunningProcess process) {
    return process.outputTail().stream().map(AptibleTunnel::mask).toList();
  }

  private String lastWords() {
    List<String> tail = tail(process);
    return tail.stream().filter(l -> l.startsWith("Tunnel ") || l.startsWith("Closing")).reduce((a, b) -> b)
        .orElse(tail.isEmpty() ? "the tunnel process exited" : "the tunnel process exited after: "
            + tail.get(tail.size() - 1));
  }

  /**
   * Stops the tunnel: SIGINT, then the whole process tree, then waits (up to 10 s) until the local
   * port is free. Idempotent; never throws.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    rememberTree();
    process.close();
    Set<ProcessHandle> left = tree.stream().filter(ProcessHandle::isAlive).collect(Collectors.toSet());
    if (!left.isEmpty()) {
      LOG.warn("Tunnel to {}: {} process(es) outlived the CLI; killing them", dbHandle, left.size());
      left.forEach(ProcessHandle::destroyForcibly);
    }
    TunnelRegistry.standard().unregister(process.pid());
    try {
      Poller.of(client.clock(), client.sleeper(), Duration.ofMillis(50), PORT_RELEASE_TIMEOUT)
          .until("local port " + connection.port() + " to be released", this::portFree, free -> free,
              free -> free ? "free" : "still bound");
    } catch (WaitTimeoutException e) {
      LOG.warn("Tunnel to {}: port {} still in use after close", dbHandle, connection.port());
    } catch (MigrationException e) {
      LOG.warn("Tunnel to {}: {}", dbHandle, e.getMessage());
    }
  }

  private boolean portFree() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), connection.port()));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "AptibleTunnel[" + dbHandle + " at " + connection.host() + ":" + connection.port()
        + (closed ? ", closed" : process.isAlive() ? ", open" : ", dead") + "]";
  }
}
