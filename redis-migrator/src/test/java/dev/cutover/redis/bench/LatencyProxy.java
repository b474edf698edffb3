package dev.cutover.redis.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A TCP forwarder on loopback that delays every chunk by half the round-trip time each way, so the
 * benchmark sees a network like the one between Aptible's tunnel and Heroku, not loopback's
 * microseconds. Bytes pass through untouched (TLS included). Daemon threads; {@link #close()} stops
 * accepting.
 */
final class LatencyProxy implements AutoCloseable {
  private record Chunk(long dueNanos, byte[] bytes) {}

  private final ServerSocket server;
  private final long oneWayNanos;

  private final int directPort;

  /**
   * A proxy to {@code targetPort} adding {@code rttMillis}; at 0, none: {@link #port()} is the target's
   * own, since a forwarder's two thread hops each way would slow every round trip (the naive loop's most).
   */
  static LatencyProxy over(int targetPort, long rttMillis) throws IOException {
    return rttMillis == 0 ? new LatencyProxy(targetPort) : new LatencyProxy(targetPort, rttMillis);
  }

  private LatencyProxy(int targetPort) {
    this.server = null;
    this.oneWayNanos = 0;
    this.directPort = targetPort;
  }

  private LatencyProxy(int targetPort, long rttMillis) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.oneWayNanos = TimeUnit.MILLISECONDS.toNanos(rttMillis) / 2;
    this.directPort = 0;
    daemon(() -> {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          client.setTcpNoDelay(true);
          upstream.setTcpNoDelay(true);
          pipe(client, upstream);
          pipe(upstream, client);
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  int port() {
    return server == null ? directPort : server.getLocalPort();
  }

  private void pipe(Socket from, Socket to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    daemon(() -> {
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = from.getInputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          queue.put(new Chunk(System.nanoTime() + oneWayNanos, Arrays.copyOf(buffer, n)));
        }
      } catch (IOException | InterruptedException e) {
        // the connection ended
      }
      queue.add(new Chunk(0, null));
    });
    daemon(() -> {
      try (OutputStream out = to.getOutputStream()) {
        for (Chunk c = queue.take(); c.bytes() != null; c = queue.take()) {
          long wait = c.dueNanos() - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
          out.write(c.bytes());
        }
      } catch (IOException | InterruptedException e) {
        // the connection ended
      } finally {
        try {
          to.close();
          from.close();
        } catch (IOException e) {
          // already closed
        }
      }
    });
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r, "latency-proxy");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    if (server != null) {
      server.close();
    }
  }
}
