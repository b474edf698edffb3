package dev.cutover.testkit.aptible;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The fake tunnel's {@code ssh}: listens on 127.0.0.1:PORT, forwards each connection to
 * {@code HOST:PORT}, prints {@value #READY} once listening. After {@code TTL} seconds (0 = never) it
 * exits 124, as {@code ssh} does when the portal times the tunnel out. A program: prints by design.
 */
public final class TunnelForwarder {
  static final String READY = "ready";

  private TunnelForwarder() {}

  /** {@code PORT TARGET_HOST:TARGET_PORT TTL_SECONDS READY_DELAY_MILLIS}. */
  public static void main(String[] args) throws IOException {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    int port = Integer.parseInt(args[0]);
    String[] target = args[1].split(":");
    long ttl = Long.parseLong(args[2]);
    ServerSocket server = new ServerSocket();
    try {
      server.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
    } catch (IOException e) {
      out.println("bind [127.0.0.1]:" + port + ": Address already in use");
      System.exit(255);
    }
    try {
      Thread.sleep(Long.parseLong(args[3])); // reaching the SSH portal
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    out.println(READY);
    if (ttl > 0) {
      Thread timer = new Thread(() -> {
        try {
          Thread.sleep(ttl * 1000);
        } catch (InterruptedException e) {
          return;
        }
        Runtime.getRuntime().halt(124);
      });
      timer.setDaemon(true);
      timer.start();
    }
    while (true) {
      Socket client = server.accept();
      try {
        Socket upstream = new Socket(target[0], Integer.parseInt(target[1]));
        pump(client.getInputStream(), upstream.getOutputStream(), client, upstream);
        pump(upstream.getInputStream(), client.getOutputStream(), client, upstream);
      } catch (IOException e) {
        client.close();
      }
    }
  }

  private static void pump(InputStream in, OutputStream out, Socket a, Socket b) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[64 * 1024];
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the other side closed: close both below
      } finally {
        try {
          a.close();
          b.close();
        } catch (IOException ignored) {
          // already closed
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }
}
