package dev.cutover.core.process.internal;

import dev.cutover.core.process.OutputLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.commons.exec.ExecuteStreamHandler;

/**
 * Reads a child's stdout and stderr on two daemon threads, splitting them into lines for
 * {@code sink} and (optionally) keeping the raw bytes. Replaces commons-exec's
 * {@code PumpStreamHandler}, whose defaults copy output to {@code System.out}.
 */
final class LinePumps implements ExecuteStreamHandler {
  /** How long {@link #stop()} waits for output after the child exited: a grandchild may hold the pipe. */
  private static final Duration DRAIN = Duration.ofSeconds(2);

  private final String name;
  private final boolean keepRaw;
  private final BiConsumer<OutputLine.Stream, String> sink;
  private final ByteArrayOutputStream rawOut = new ByteArrayOutputStream();
  private final ByteArrayOutputStream rawErr = new ByteArrayOutputStream();
  private final List<Thread> threads = new ArrayList<>();
  private InputStream stdout;
  private InputStream stderr;

  LinePumps(String name, boolean keepRaw, BiConsumer<OutputLine.Stream, String> sink) {
    this.name = name;
    this.keepRaw = keepRaw;
    this.sink = sink;
  }

  @Override
  public void setProcessInputStream(OutputStream os) throws IOException {
    os.close(); // stdin is /dev/null already; nothing is ever written
  }

  @Override
  public void setProcessOutputStream(InputStream is) {
    stdout = is;
  }

  @Override
  public void setProcessErrorStream(InputStream is) {
    stderr = is;
  }

  @Override
  public void start() {
    threads.add(pump(stdout, OutputLine.Stream.STDOUT, rawOut));
    threads.add(pump(stderr, OutputLine.Stream.STDERR, rawErr));
  }

  @Override
  public void stop() {
    long deadline = System.nanoTime() + DRAIN.toNanos();
    boolean interrupted = false;
    for (Thread t : threads) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      try {
        t.join(left);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Everything read from stdout so far, undecoded text as UTF-8; empty unless raw output is kept. */
  String rawStdout() {
    synchronized (rawOut) {
      return rawOut.toString(StandardCharsets.UTF_8);
    }
  }

  String rawStderr() {
    synchronized (rawErr) {
      return rawErr.toString(StandardCharsets.UTF_8);
    }
  }

  private Thread pump(InputStream in, OutputLine.Stream stream, ByteArrayOutputStream raw) {
    Thread t = new Thread(() -> read(in, stream, raw), "cutover-" + name + "-" + stream.name().toLowerCase());
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void read(InputStream in, OutputLine.Stream stream, ByteArrayOutputStream raw) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        if (keepRaw) {
          synchronized (raw) {
            raw.write(buf, 0, n);
          }
        }
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            emit(stream, line);
          } else {
            line.write(buf[i]);
          }
        }
      }
    } catch (IOException e) {
      // The stream was closed under us (the child was killed): what was read is all there is.
    } finally {
      if (line.size() > 0) {
        emit(stream, line);
      }
    }
  }

  private void emit(OutputLine.Stream stream, ByteArrayOutputStream line) {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    sink.accept(stream, text.endsWith("\r") ? text.substring(0, text.length() - 1) : text);
  }
}
