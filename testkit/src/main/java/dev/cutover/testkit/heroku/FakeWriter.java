package dev.cutover.testkit.heroku;

import dev.cutover.core.model.PgConnection;
import dev.cutover.testkit.postgres.PgFixture;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A "dyno" that writes into its app's database: one thread that runs one statement every
 * {@code interval}, each its own transaction. A formation dyno runs while the formation has its
 * type above 0; when it drops to 0 the dyno goes on writing for a short shutdown grace (as a real
 * one finishes its job after SIGTERM) and then disconnects. A one-off dyno (a scheduled job,
 * {@code heroku run:detached}) runs whatever the formation says.
 */
final class FakeWriter {
  private static final Logger LOG = LoggerFactory.getLogger(FakeWriter.class);
  private static final long SHUTDOWN_GRACE_NANOS = Duration.ofMillis(400).toNanos();

  final FakeApp app;
  final String dynoType;
  final boolean oneOff;
  final String sql;
  private final Duration interval;
  private final AtomicLong writes = new AtomicLong();
  private final Thread thread;
  private volatile boolean connected;
  private volatile boolean stopped;

  FakeWriter(FakeApp app, String dynoType, boolean oneOff, String sql, Duration interval) {
    this.app = app;
    this.dynoType = dynoType;
    this.oneOff = oneOff;
    this.sql = sql;
    this.interval = interval;
    this.thread = new Thread(this::run, "fake-heroku-" + app.name() + "-" + dynoType);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Committed writes so far. */
  long writes() {
    return writes.get();
  }

  /** Whether its dyno is running (connected to the database). */
  boolean connected() {
    return connected;
  }

  /** Stops the thread and closes its connection; waits up to two seconds. Idempotent. */
  void stop() {
    stopped = true;
    thread.interrupt();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    Connection c = null;
    long stoppingSince = 0;
    try {
      while (!stopped) {
        boolean wanted = oneOff || app.quantity(dynoType) > 0;
        if (wanted) {
          stoppingSince = 0;
        } else if (c != null && stoppingSince == 0) {
          stoppingSince = System.nanoTime();
        }
        boolean running = wanted || (c != null && System.nanoTime() - stoppingSince < SHUTDOWN_GRACE_NANOS);
        if (running) {
          if (c == null) {
            c = connect(app.writerDatabase());
            connected = true;
          }
          try (Statement st = c.createStatement()) {
            st.execute(sql);
            writes.incrementAndGet();
          }
        } else if (c != null) {
          c.close();
          c = null;
          connected = false;
        }
        Thread.sleep(interval.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (SQLException | RuntimeException e) {
      if (!stopped) {
        LOG.warn("FakeHeroku: the {} dyno of {} stopped writing: {}", dynoType, app.name(), e.getMessage());
      }
    } finally {
      connected = false;
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          LOG.debug("closing the {} dyno's connection: {}", dynoType, ignored.getMessage());
        }
      }
    }
  }

  private static Connection connect(PgConnection db) throws SQLException {
    Connection c = PgFixture.open(db);
    c.setClientInfo("ApplicationName", "fake-dyno");
    return c;
  }

  @Override
  public String toString() {
    return "FakeWriter[" + app.name() + " " + dynoType + (oneOff ? " one-off" : "") + ", " + writes() + " writes]";
  }
}
