package dev.cutover.core;

import java.io.Flushable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MigrationListener} that shows a migration on a console: one line when a step starts,
 * finishes or fails, warnings, and progress with bytes or rows, rate and ETA.
 *
 * <p>On a terminal, progress is a bar redrawn in place. Anywhere else (a CI log, a file), progress
 * is plain periodic lines, at most one every 2 seconds per step unless another 10% is done, with
 * no escape codes. Output lines of child processes are not shown (failures carry their tail).
 *
 * <pre>{@code
 * Migration.from(heroku).to(aptible).listener(ConsoleProgress.stderr()).plan().run();
 * }</pre>
 *
 * <p>Thread-safe; calls from several threads are serialised. Writes are flushed at once; write
 * errors are logged at debug and ignored. The caller's stream is never closed.
 */
public final class ConsoleProgress implements MigrationListener {
  private static final Logger log = LoggerFactory.getLogger(ConsoleProgress.class);
  private static final String CLEAR_LINE = "\r\u001b[2K";
  private static final Duration PLAIN_INTERVAL = Duration.ofSeconds(2);
  private static final Duration BAR_INTERVAL = Duration.ofMillis(100);
  private static final int BAR_WIDTH = 24;

  private final Appendable out;
  private final boolean terminal;
  private final Clock clock;
  private final Map<String, Meter> meters = new HashMap<>();
  private boolean barShown;

  private ConsoleProgress(Appendable out, boolean terminal, Clock clock) {
    this.out = Objects.requireNonNull(out, "out");
    this.terminal = terminal;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Progress on {@link System#err}, as a bar when this JVM runs on a terminal
   * ({@code System.console() != null} and {@code TERM} is not {@code dumb}), as plain lines otherwise.
   */
  public static ConsoleProgress stderr() {
    return new ConsoleProgress(System.err, isTerminal(System.console() != null, System.getenv("TERM")), Clock.systemUTC());
  }

  /** Progress on {@code out}; {@code terminal} chooses the redrawn bar over plain lines. */
  public static ConsoleProgress to(PrintStream out, boolean terminal) {
    return new ConsoleProgress(out, terminal, Clock.systemUTC());
  }

  /** Progress on {@code out} (e.g. a {@link StringBuilder} or a {@code Writer}). */
  public static ConsoleProgress to(Appendable out, boolean terminal) {
    return new ConsoleProgress(out, terminal, Clock.systemUTC());
  }

  /** The same console with {@code clock} for rates, ETAs and throttling (for tests). */
  public ConsoleProgress withClock(Clock clock) {
    return new ConsoleProgress(out, terminal, clock);
  }

  /** Whether output goes to a terminal: a console is attached and {@code TERM} is not {@code dumb}. */
  static boolean isTerminal(boolean hasConsole, String term) {
    return hasConsole && !"dumb".equals(term);
  }

  @Override
  public synchronized void stepStarted(MigrationEvent.StepStarted event) {
    meters.keySet().removeIf(k -> k.startsWith(event.step() + "\u0000"));
    line("==> " + event.step() + ": " + event.description());
  }

  @Override
  public synchronized void progress(MigrationEvent.Progress event) {
    Instant now = clock.instant();
    Meter meter = meters.computeIfAbsent(event.step() + "\u0000" + event.unit(), k -> new Meter(now, event.done()));
    if (!meter.due(event, now, terminal)) {
      return;
    }
    meter.shown(event, now);
    String text = describe(event, meter, now);
    if (terminal) {
      write(CLEAR_LINE + event.step() + " " + text);
      barShown = true;
    } else {
      write(event.step() + ": " + text + "\n");
    }
  }

  @Override
  public synchronized void stepFinished(MigrationEvent.StepFinished event) {
    line(event.step() + ": done in " + duration(event.duration())
        + (event.summary().isEmpty() ? "" : " (" + event.summary() + ")"));
  }

  @Override
  public synchronized void stepFailed(MigrationEvent.StepFailed event) {
    line(event.step() + ": FAILED after " + duration(event.duration()) + ": " + event.message());
  }

  @Override
  public synchronized void warning(MigrationEvent.Warning event) {
    line(event.step() + ": warning: " + event.message());
  }

  /** Writes a whole line, first clearing a bar drawn on the terminal. */
  private void line(String text) {
    write((barShown ? CLEAR_LINE : "") + text + "\n");
    barShown = false;
  }

  private void write(String text) {
    try {
      out.append(text);
      if (out instanceof Flushable f) {
        f.flush();
      }
    } catch (IOException e) {
      log.debug("Console write failed: {}", e.getMessage());
    }
  }

  private String describe(MigrationEvent.Progress event, Meter meter, Instant now) {
    StringBuilder sb = new StringBuilder();
    boolean known = event.total() > 0;
    double fraction = known ? Math.min(1.0, (double) event.done() / event.total()) : 0;
    if (known && terminal) {
      int filled = (int) Math.round(fraction * BAR_WIDTH);
      sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
    }
    if (known) {
      sb.append(String.format(Locale.ROOT, "%3d%% ", (int) Math.floor(fraction * 100)));
      sb.append(amount(event.unit(), event.done())).append(" of ").append(amount(event.unit(), event.total()));
    } else {
      sb.append(amount(event.unit(), event.done()));
    }
    double seconds = Duration.between(meter.start, now).toMillis() / 1000.0;
    if (seconds > 0 && event.done() > meter.startDone) {
      double rate = (event.done() - meter.startDone) / seconds;
      sb.append(", ").append(amount(event.unit(), (long) rate)).append("/s");
      if (known && event.done() < event.total()) {
        sb.append(", ETA ").append(duration(Duration.ofSeconds((long) Math.ceil((event.total() - event.done()) / rate))));
      }
    }
    return sb.toString();
  }

  /** {@code 1.5 GiB} for bytes, {@code 12,345 rows} for anything else. */
  static String amount(String unit, long n) {
    if (!"bytes".equals(unit)) {
      return String.format(Locale.ROOT, "%,d %s", n, unit);
    }
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return i == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
  }

  /** {@code 850 ms}, {@code 42 s}, {@code 3 min 05 s}, {@code 1 h 02 min}. */
  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s < 1) {
      return d.toMillis() + " ms";
    } else if (s < 60) {
      return s + " s";
    } else if (s < 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
  }

  @Override
  public String toString() {
    return "ConsoleProgress[" + (terminal ? "terminal" : "plain") + "]";
  }

  /** Rate and throttling state of one step's progress in one unit. */
  private static final class Meter {
    private final Instant start;
    private final long startDone;
    private Instant lastShown;
    private int lastDecile = -1;
    private boolean finalShown;

    Meter(Instant start, long startDone) {
      this.start = start;
      this.startDone = startDone;
    }

    boolean due(MigrationEvent.Progress event, Instant now, boolean terminal) {
      boolean complete = event.total() > 0 && event.done() >= event.total();
      if (lastShown == null || (complete && !finalShown)) {
        return true;
      }
      Duration since = Duration.between(lastShown, now);
      if (terminal) {
        return since.compareTo(BAR_INTERVAL) >= 0;
      }
      return since.compareTo(PLAIN_INTERVAL) >= 0 || decile(event) > lastDecile;
    }

    void shown(MigrationEvent.Progress event, Instant now) {
      lastShown = now;
      lastDecile = decile(event);
      finalShown = event.total() > 0 && event.done() >= event.total();
    }

    private static int decile(MigrationEvent.Progress event) {
      return event.total() > 0 ? (int) Math.min(10, event.done() * 10 / event.total()) : -1;
    }
  }
}
