package dev.cutover.testkit.redis;

import dev.cutover.core.Secret;
import dev.cutover.core.model.RedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.tls.HeldCertificate;

/**
 * A real {@code redis-server} child process on free loopback ports, in a temporary directory,
 * persisting nothing ({@code --save "" --appendonly no}), ready when returned. With
 * {@link Builder#tls()} it also serves TLS on a second port with a fresh self-signed certificate,
 * as Heroku Redis does. {@link #close()} stops it and deletes its directory; whoever starts it
 * closes it (a {@code ProcessLeakCheck} catches one left running).
 *
 * <pre>{@code
 * try (RedisServer source = RedisServer.builder().password(Secret.of("pw")).tls().start()) {
 *   RedisConnection c = source.tlsConnection();      // rediss://, certificate not pinned yet
 *   source.call("SET", "k", "v");
 * }
 * }</pre>
 */
public final class RedisServer implements AutoCloseable {
  private static final String EXECUTABLE = "redis-server";

  private final Process process;
  private final Path dir;
  private final int port;
  private final int tlsPort;
  private final Secret password;
  private final String certificatePin;

  private RedisServer(Process process, Path dir, int port, int tlsPort, Secret password, String certificatePin) {
    this.process = process;
    this.dir = dir;
    this.port = port;
    this.tlsPort = tlsPort;
    this.password = password;
    this.certificatePin = certificatePin;
  }

  /** A builder: no password, no TLS, Redis's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code redis-server} is on the {@code PATH}. */
  public static boolean isAvailable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String d : path.split(java.io.File.pathSeparator)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, EXECUTABLE))) {
        return true;
      }
    }
    return false;
  }

  /** The plain-text port's connection. */
  public RedisConnection connection() {
    return new RedisConnection("127.0.0.1", port, "", password, false, "");
  }

  /**
   * The TLS port's connection, certificate not pinned (trust on first use).
   *
   * @throws IllegalStateException when the server was started without TLS
   */
  public RedisConnection tlsConnection() {
    if (tlsPort == 0) {
      throw new IllegalStateException("started without tls()");
    }
    return new RedisConnection("127.0.0.1", tlsPort, "", password, true, "");
  }

  /** The SHA-256 fingerprint of the TLS certificate ({@code AB:CD:…}), empty without TLS. */
  public String certificatePin() {
    return certificatePin;
  }

  /** The plain-text port. */
  public int port() {
    return port;
  }

  /** The TLS port, 0 without TLS. */
  public int tlsPort() {
    return tlsPort;
  }

  /** The process id, e.g. to check that it is gone. */
  public long pid() {
    return process.pid();
  }

  /**
   * Runs one command on the plain port (a new connection each time) and returns the reply as text:
   * a status or bulk string, an integer, or the elements of an array one per line. For test set-up
   * and faults ({@code CONFIG SET}, {@code CLIENT KILL}, {@code DBSIZE}), not for bulk data.
   *
   * @throws IllegalStateException on an error reply or I/O failure
   */
  public String call(String... args) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
      if (!password.reveal().isEmpty()) {
        Resp.write(out, "AUTH", password.reveal());
        Resp.read(in);
      }
      Resp.write(out, args);
      return Resp.read(in);
    } catch (IOException e) {
      throw new IllegalStateException("redis-server on port " + port + ": " + e.getMessage(), e);
    }
  }

  /** The last lines of the server's log. */
  public String logTail() {
    try (Stream<String> lines = Files.lines(dir.resolve("redis.log"))) {
      List<String> all = lines.toList();
      return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server (SIGTERM, then SIGKILL after 10 s) and deletes its directory. Idempotent. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // already gone
    }
  }

  @Override
  public String toString() {
    return "RedisServer[pid " + process.pid() + ", port " + port + (tlsPort == 0 ? "" : ", tls port " + tlsPort) + "]";
  }

  /** Options for {@link RedisServer}. */
  public static final class Builder {
    private Secret password = Secret.of("");
    private boolean tls;
    private final Map<String, String> config = new LinkedHashMap<>();

    private Builder() {}

    /** {@code requirepass}. */
    public Builder password(Secret secret) {
      this.password = secret;
      return this;
    }

    /** Also serve TLS, with a fresh self-signed certificate for {@code localhost}/{@code 127.0.0.1}. */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /** Any {@code redis.conf} directive, e.g. {@code config("maxmemory", "10mb")}. */
    public Builder config(String name, String value) {
      config.put(name, value);
      return this;
    }

    /**
     * Starts the server and waits until it answers {@code PING} (at most 10 s).
     *
     * @throws IllegalStateException when it does not start, with its log's tail
     */
    public RedisServer start() {
      IllegalStateException last = null;
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          return startOnce();
        } catch (IllegalStateException e) {
          last = e; // most likely another process took the free port first
        }
      }
      throw last;
    }

    private RedisServer startOnce() {
      Path dir;
      try {
        dir = Files.createTempDirectory("cutover-redis-");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a directory for redis-server: " + e.getMessage(), e);
      }
      int port = freePort();
      int tlsPort = tls ? freePort() : 0;
      List<String> argv = new ArrayList<>(List.of(EXECUTABLE, "--port", String.valueOf(port), "--bind", "127.0.0.1",
          "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no",
          "--logfile", dir.resolve("redis.log").toString()));
      String pin = "";
      if (!password.reveal().isEmpty()) {
        // through the config file, not argv: ps shows argv to every user
        writeConfig(dir, "requirepass \"" + password.reveal().replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n");
        argv.add(1, dir.resolve("redis.conf").toString());
      }
      if (tls) {
        pin = writeCertificate(dir);
        argv.addAll(List.of("--tls-port", String.valueOf(tlsPort), "--tls-cert-file", dir.resolve("cert.pem").toString(),
            "--tls-key-file", dir.resolve("key.pem").toString(), "--tls-auth-clients", "no"));
      }
      config.forEach((k, v) -> argv.addAll(List.of("--" + k, v)));
      Process process;
      try {
        process = new ProcessBuilder(argv).redirectErrorStream(true)
            .redirectOutput(dir.resolve("stdout.log").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      } catch (IOException e) {
        deleteTree(dir);
        throw new IllegalStateException("cannot start redis-server (is it installed?): " + e.getMessage(), e);
      }
      RedisServer server = new RedisServer(process, dir, port, tlsPort, password, pin);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline && process.isAlive()) {
        try {
          if (server.call("PING").equals("PONG")) {
            return server;
          }
        } catch (IllegalStateException e) {
          sleep();
        }
      }
      String tail = server.logTail();
      server.close();
      throw new IllegalStateException("redis-server did not start on port " + port + ": " + tail);
    }

    private static void sleep() {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while redis-server started", e);
      }
    }

    private static void writeConfig(Path dir, String text) {
      try {
        Path file = dir.resolve("redis.conf");
        Files.writeString(file, text);
        file.toFile().setReadable(false, false);
        file.toFile().setReadable(true, true);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write redis.conf: " + e.getMessage(), e);
      }
    }

    private static String writeCertificate(Path dir) {
      HeldCertificate cert = new HeldCertificate.Builder().commonName("cutover-test-redis")
          .addSubjectAlternativeName("localhost").addSubjectAlternativeName("127.0.0.1").build();
      try {
        Files.writeString(dir.resolve("cert.pem"), cert.certificatePem());
        Files.writeString(dir.resolve("key.pem"), cert.privateKeyPkcs8Pem());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.certificate().getEncoded());
        return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
      } catch (IOException | NoSuchAlgorithmException | java.security.cert.CertificateEncodingException e) {
        throw new IllegalStateException("cannot write the TLS certificate: " + e.getMessage(), e);
      }
    }

    private static int freePort() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException("no free port: " + e.getMessage(), e);
      }
    }
  }

  /** Just enough RESP for {@link #call}. */
  private static final class Resp {
    static void write(OutputStream out, String... args) throws IOException {
      StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        byte[] b = a.getBytes(StandardCharsets.UTF_8);
        sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
      }
      out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    static String read(InputStream in) throws IOException {
      String line = line(in);
      switch (line.charAt(0)) {
        case '+', ':' -> {
          return line.substring(1);
        }
        case '-' -> throw new IllegalStateException(line.substring(1));
        case '$' -> {
          int n = Integer.parseInt(line.substring(1));
          if (n < 0) {
            return "";
          }
          byte[] b = in.readNBytes(n + 2);
          return new String(b, 0, n, StandardCharsets.UTF_8);
        }
        case '*' -> {
          int n = Integer.parseInt(line.substring(1));
          List<String> items = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            items.add(read(in));
          }
          return String.join("\n", items);
        }
        default -> throw new IOException("unexpected reply: " + line);
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); c != '\r'; c = in.read()) {
        if (c < 0) {
          throw new IOException("connection closed");
        }
        sb.append((char) c);
      }
      in.read();
      return sb.toString();
    }
  }
}
