package dev.cutover.testkit.heroku;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fake's "S3": HTTPS on 127.0.0.1 with a self-signed certificate, one request per connection,
 * streaming files from disk. Written on plain sockets so a response can be cut off mid-body.
 */
final class DownloadServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadServer.class);

  /**
   * What to send for a request: a status and either a file (possibly cut off, possibly at a limited rate in
   * bytes per second, 0 for unlimited) or a small body.
   */
  record Answer(int status, String contentType, byte[] body, Path file, long cutAfter, long bytesPerSecond) {}

  /** A parsed request line and headers. */
  record Request(String method, String path, String query, Map<String, String> headers) {}

  private final ServerSocket socket;
  private final ExecutorService executor;
  private final Function<Request, Answer> handler;
  private volatile boolean closed;

  DownloadServer(SSLContext tls, ExecutorService executor, Function<Request, Answer> handler) throws IOException {
    this.socket = tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ((SSLServerSocket) socket).setNeedClientAuth(false);
    this.executor = executor;
    this.handler = handler;
    Thread acceptor = new Thread(this::acceptLoop, "fake-heroku-downloads");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket s = socket.accept();
        executor.execute(() -> serve(s));
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("download server accept failed: {}", e.getMessage());
        }
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1));
      String requestLine = reader.readLine();
      if (requestLine == null) {
        return;
      }
      Map<String, String> headers = new LinkedHashMap<>();
      String line;
      while ((line = reader.readLine()) != null && !line.isEmpty()) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
      }
      String[] parts = requestLine.split(" ");
      String target = parts.length > 1 ? parts[1] : "/";
      int q = target.indexOf('?');
      Request request = new Request(parts[0], q < 0 ? target : target.substring(0, q), q < 0 ? "" : target.substring(q + 1),
          headers);
      Answer answer = handler.apply(request);
      write(s.getOutputStream(), answer);
    } catch (SocketException e) {
      LOG.debug("download client went away: {}", e.getMessage());
    } catch (IOException e) {
      LOG.debug("download failed: {}", e.getMessage());
    }
  }

  private static void write(OutputStream out, Answer a) throws IOException {
    long length = a.file() != null ? Files.size(a.file()) : a.body().length;
    String head = "HTTP/1.1 " + a.status() + " " + reason(a.status()) + "\r\n"
        + "Content-Type: " + a.contentType() + "\r\n"
        + "Content-Length: " + length + "\r\n"
        + "x-amz-request-id: FAKE" + Long.toHexString(System.nanoTime()).toUpperCase(Locale.ROOT) + "\r\n"
        + "Connection: close\r\n\r\n";
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    if (a.file() == null) {
      out.write(a.body());
      out.flush();
      return;
    }
    long limit = a.cutAfter() >= 0 ? Math.min(a.cutAfter(), length) : length;
    byte[] buffer = new byte[a.bytesPerSecond() > 0 ? (int) Math.max(1024, Math.min(64 * 1024, a.bytesPerSecond() / 50))
        : 64 * 1024];
    long sent = 0;
    long start = System.nanoTime();
    try (InputStream file = Files.newInputStream(a.file())) {
      while (sent < limit) {
        int n = file.read(buffer, 0, (int) Math.min(buffer.length, limit - sent));
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        sent += n;
        if (a.bytesPerSecond() > 0) {
          out.flush();
          pace(start, sent, a.bytesPerSecond());
        }
      }
    }
    out.flush();
  }

  /** Sleeps until {@code sent} bytes are due at {@code bytesPerSecond} since {@code start}. */
  private static void pace(long start, long sent, long bytesPerSecond) throws IOException {
    long due = start + sent * 1_000_000_000L / bytesPerSecond;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("download server stopped");
      }
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      default -> status >= 500 ? "Server Error" : "Status";
    };
  }

  @Override
  public void close() {
    closed = true;
    try {
      socket.close();
    } catch (IOException e) {
      LOG.debug("closing the download server: {}", e.getMessage());
    }
  }
}
