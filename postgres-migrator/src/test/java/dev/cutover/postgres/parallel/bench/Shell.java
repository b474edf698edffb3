package dev.cutover.postgres.parallel.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The benchmark's shell: runs a command with libpq defaults for the local server. */
final class Shell {
  private Shell() {}

  /** Runs {@code command} with {@code bash -o pipefail -c}; returns stdout; fails on a non-zero exit. */
  static String sh(String command) {
    return sh(command, Map.of());
  }

  /** As {@link #sh(String)}, with extra environment variables. */
  static String sh(String command, Map<String, String> env) {
    try {
      ProcessBuilder pb = new ProcessBuilder("bash", "-o", "pipefail", "-c", command)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().putIfAbsent("PGHOST", "127.0.0.1");
      pb.environment().putIfAbsent("PGPORT", "5432");
      pb.environment().putIfAbsent("PGUSER", "postgres");
      pb.environment().putAll(env);
      Process p = pb.start();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Thread t = new Thread(() -> {
        try (InputStream e = p.getErrorStream()) {
          e.transferTo(err);
        } catch (IOException ignored) {
          // the exit code tells
        }
      });
      t.start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(2, TimeUnit.HOURS)) {
        p.destroyForcibly();
        throw new IllegalStateException("timed out: " + command);
      }
      t.join();
      if (p.exitValue() != 0) {
        String stderr = err.toString(StandardCharsets.UTF_8);
        throw new IllegalStateException("exit " + p.exitValue() + ": " + command + "\n"
            + stderr.substring(Math.max(0, stderr.length() - 4000)));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
