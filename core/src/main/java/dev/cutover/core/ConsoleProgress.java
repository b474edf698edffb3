package dev.cutover.core;

import java.io.Flushable;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
 * <p>{@link #withSteps} numbers the steps ({@code [7/14] capture}); {@link #withDowntime} adds a
 * downtime clock to every line while the source is down. On a terminal, a status line with the
 * running step's time and the downtime clock is redrawn every second, also when no progress comes.
 * Progress whose unit is a task's title (e.g. JGit's {@code Finding sources}) is shown as
 * {@code Finding sources: 2 of 13}.
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
  private final List<String> steps;
  private final String downtimeOpensAfter;
  private final String downtimeClosesAfter;
  private boolean barShown;
  private Instant downtimeSince;
  private Duration downtimeTotal;
  private String currentStep;
  private Instant currentStart;
  private String lastBar = "";
  private Instant lastDrawn = Instant.EPOCH;
  private java.util.concurrent.ScheduledExecutorService ticker;
  private boolean live;

  private ConsoleProgress(Appendable out, boolean terminal, Clock clock) {
    this(out, terminal, clock, List.of(), null, null, null);
  }

  /**
   * This console with a ticker thread (only {@link #stderr()}): on a terminal it redraws the status
   * line every second; elsewhere it writes a line every 30 s while a step runs without progress.
   */
  private ConsoleProgress live() {
    live = true;
    return this;
  }

  private ConsoleProgress(Appendable out, boolean terminal, Clock clock, List<String> steps, String opensAfter,
      String closesAfter, Instant downtimeSince) {
    this.out = Objects.requireNonNull(out, "out");
    this.terminal = terminal;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.steps = List.copyOf(steps);
    this.downtimeOpensAfter = opensAfter;
    this.downtimeClosesAfter = closesAfter;
    this.downtimeSince = downtimeSince;
  }

  /**
   * Progress on {@link System#err}, as a bar when this JVM runs on a terminal
   * ({@code System.console() != null} and {@code TERM} is not {@code dumb}), as plain lines otherwise.
   */
  public static ConsoleProgress stderr() {
    return new ConsoleProgress(System.err, isTerminal(System.console() != null, System.getenv("TERM")), Clock.systemUTC())
        .live();
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
    return new ConsoleProgress(out, terminal, clock, steps, downtimeOpensAfter, downtimeClosesAfter, downtimeSince)
        .liveIf(live);
  }

  /**
   * The same console numbering the steps: a step in {@code stepIds} is shown as {@code [7/14] capture}
   * (its position and the list's length).
   *
   * @param stepIds every step's id, in order
   * @return a new console; this one is unchanged
   */
  public ConsoleProgress withSteps(List<String> stepIds) {
    return new ConsoleProgress(out, terminal, clock, stepIds, downtimeOpensAfter, downtimeClosesAfter, downtimeSince)
        .liveIf(live);
  }

  /**
   * The same console with a downtime clock: the downtime opens when step {@code opensAfter} finishes
   * (or at {@code since}, when an earlier run already opened it) and closes when step
   * {@code closesAfter} finishes; while it is open, lines and the status line show it.
   *
   * @param opensAfter the step whose end starts the downtime (e.g. {@code maintenance-on})
   * @param closesAfter the step whose end ends it (e.g. {@code deploy})
   * @param since when it opened already, or {@code null}
   * @return a new console; this one is unchanged
   */
  public ConsoleProgress withDowntime(String opensAfter, String closesAfter, Instant since) {
    return new ConsoleProgress(out, terminal, clock, steps, Objects.requireNonNull(opensAfter, "opensAfter"),
        Objects.requireNonNull(closesAfter, "closesAfter"), since).liveIf(live);
  }

  /** Whether output goes to a terminal: a console is attached and {@code TERM} is not {@code dumb}. */
  static boolean isTerminal(boolean hasConsole, String term) {
    return hasConsole && !"dumb".equals(term);
  }

  @Override
  public synchronized void stepStarted(MigrationEvent.StepStarted event) {
    meters.keySet().removeIf(k -> k.startsWith(event.step() + "\u0000"));
    currentStep = event.step();
    currentStart = clock.instant();
    lastDrawn = currentStart;
    lastBar = "";
    line("==> " + numbered(event.step()) + ": " + event.description() + downtime(clock.instant()));
    startTicker();
  }

  /**
   * Progress's label: its step numbered; an adapter's operation (e.g. {@code aptible.deploy}, not one
   * of {@link #withSteps}) under the running step's number and name.
   */
  private String label(String step) {
    return steps.isEmpty() || steps.contains(step) || currentStep == null ? numbered(step) : numbered(currentStep);
  }

  /** {@code [7/14] capture} for a step of {@link #withSteps}, else the step's id. */
  private String numbered(String step) {
    int i = steps.indexOf(step);
    return i < 0 ? step : "[" + (i + 1) + "/" + steps.size() + "] " + step;
  }

  /** {@code  [downtime 1 min 05 s]} while the downtime is open, else nothing. */
  private String downtime(Instant now) {
    return downtimeSince == null ? "" : " [downtime " + duration(Duration.between(downtimeSince, now)) + "]";
  }

  /**
   * Shows that the running step goes on: on a terminal, redraws the status line (the step, its time,
   * its last progress and the downtime clock) when nothing was drawn for a second; elsewhere writes
   * a {@code still running} line when nothing was written for {@value #QUIET_SECONDS} s. Called every
   * second by the ticker (and by tests).
   */
  synchronized void tick() {
    Instant now = clock.instant();
    Duration quiet = Duration.between(lastDrawn, now);
    if (currentStep == null || quiet.compareTo(Duration.ofSeconds(terminal ? 1 : QUIET_SECONDS)) < 0) {
      return;
    }
    String running = duration(Duration.between(currentStart, now));
    if (terminal) {
      write(CLEAR_LINE + numbered(currentStep) + " " + running + (lastBar.isEmpty() ? "" : " " + lastBar) + downtime(now));
      barShown = true;
    } else {
      write(numbered(currentStep) + ": still running after " + running + downtime(now) + "\n");
    }
    lastDrawn = now;
  }

  private static final int QUIET_SECONDS = 30;

  private ConsoleProgress liveIf(boolean on) {
    return on ? live() : this;
  }

  private void startTicker() {
    if (!live || ticker != null) {
      return;
    }
    ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "cutover-progress-clock");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::tick, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private void stopTicker() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
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
    String label = label(event.step());
    if (terminal) {
      lastBar = text;
      lastDrawn = now;
      write(CLEAR_LINE + label + " " + text + downtime(now));
      barShown = true;
    } else {
      lastDrawn = now;
      write(label + ": " + text + downtime(now) + "\n");
    }
  }

  @Override
  public synchronized void stepFinished(MigrationEvent.StepFinished event) {
    Instant now = clock.instant();
    if (event.step().equals(downtimeOpensAfter) && downtimeSince == null) {
      downtimeSince = event.at();
    }
    String closed = "";
    if (event.step().equals(downtimeClosesAfter) && downtimeSince != null) {
      downtimeTotal = Duration.between(downtimeSince, event.at());
      downtimeSince = null;
      closed = " [downtime ended: " + duration(downtimeTotal) + "]";
    }
    endStep();
    line(numbered(event.step()) + ": done in " + duration(event.duration())
        + (event.summary().isEmpty() ? "" : " (" + event.summary() + ")") + downtime(now) + closed);
  }

  @Override
  public synchronized void stepFailed(MigrationEvent.StepFailed event) {
    endStep();
    line(numbered(event.step()) + ": FAILED after " + duration(event.duration()) + ": " + event.message()
        + downtime(clock.instant()));
  }

  private void endStep() {
    currentStep = null;
    lastBar = "";
    stopTicker();
  }

  /** The downtime's length once it closed (the step {@link #withDowntime} names finished), if it did. */
  public synchronized java.util.Optional<Duration> downtime() {
    return java.util.Optional.ofNullable(downtimeTotal);
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
    // a unit with a space is a task's title (JGit's "Finding sources"): counts without a unit after it
    boolean task = event.unit().indexOf(' ') >= 0;
    String unit = task ? "" : event.unit();
    if (task) {
      sb.append(event.unit()).append(": ");
    }
    boolean known = event.total() > 0;
    double fraction = known ? Math.min(1.0, (double) event.done() / event.total()) : 0;
    if (known && terminal) {
      int filled = (int) Math.round(fraction * BAR_WIDTH);
      sb.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
    }
    if (known) {
      sb.append(String.format(Locale.ROOT, "%3d%% ", (int) Math.floor(fraction * 100)));
      sb.append(amount(unit, event.done())).append(" of ").append(amount(unit, event.total()));
    } else {
      sb.append(amount(unit, event.done()));
    }
    double seconds = Duration.between(meter.start, now).toMillis() / 1000.0;
    if (seconds > 0 && event.done() > meter.startDone) {
      double rate = (event.done() - meter.startDone) / seconds;
      sb.append(", ").append(amount(unit, (long) rate)).append("/s");
      if (known && event.done() < event.total()) {
        sb.append(", ETA ").append(duration(Duration.ofSeconds((long) Math.ceil((event.total() - event.done()) / rate))));
      }
    }
    return sb.toString();
  }

  /** {@code 1.5 GiB} for bytes, {@code 12,345 rows} for anything else. */
  static String amount(String unit, long n) {
    if (unit.isEmpty()) {
      return String.format(Locale.ROOT, "%,d", n);
    }
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
      if (!terminal && event.unit().indexOf(' ') >= 0) {
        // a task of many short ones (git's): in a log, its end, or a line every 2 s while it lasts
        return complete ? !finalShown : Duration.between(start, now).compareTo(PLAIN_INTERVAL) >= 0
            && (lastShown == null || Duration.between(lastShown, now).compareTo(PLAIN_INTERVAL) >= 0);
      }
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
