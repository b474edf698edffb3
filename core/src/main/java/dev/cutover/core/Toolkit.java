package dev.cutover.core;

import dev.cutover.core.process.ProcessRunner;
import java.time.Clock;
import java.util.Objects;

/**
 * The tools one migration run shares: one {@link Redactor} that knows every secret in play, the
 * {@link ProcessRunner} that runs every child process (its output redacted by that redactor), the
 * {@link Clock} and the {@link Sleeper} every wait uses. Build the clients, the data mover and the
 * migration with the same toolkit, and the run has one redactor by construction:
 *
 * <pre>{@code
 * Toolkit toolkit = Toolkit.create();
 * HerokuClient heroku = HerokuClient.builder().toolkit(toolkit).apiKey(Secret.requireEnv("HEROKU_API_KEY")).build();
 * AptibleClient aptible = AptibleClient.builder().toolkit(toolkit).environment("my_environment").build();
 * MigrationPlan plan = Migration.from(heroku.app("my-heroku-app")).to(aptible.app("my-app")).plan();
 * }</pre>
 *
 * <p>{@code plan()} takes the toolkit of the source and target it was given (a data mover found on
 * the classpath is given it too) and refuses a source and target whose redactors differ.
 *
 * <p><b>Who owns and closes what</b> (the AWS SDK v2 rule for HTTP clients): the toolkit holds
 * nothing that needs closing. Each client builds its own HTTP client and closes it in its own
 * {@code close()}; an HTTP client passed to a builder ({@code .httpClient(...)}) is the caller's,
 * shared as the caller likes, and never closed by the SDK. Child processes are closed by whoever
 * started them. Immutable and thread-safe (the redactor itself is thread-safe).
 */
public final class Toolkit {
  private final Redactor redactor;
  private final ProcessRunner processRunner;
  private final Clock clock;
  private final Sleeper sleeper;

  private Toolkit(Redactor redactor, ProcessRunner processRunner, Clock clock, Sleeper sleeper) {
    this.redactor = redactor;
    this.processRunner = processRunner;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** A new redactor, the real process runner over it, the system UTC clock and {@link Sleeper#SYSTEM}. */
  public static Toolkit create() {
    return of(Redactor.create());
  }

  /** The production defaults around {@code redactor}: the real process runner over it, the UTC clock, {@link Sleeper#SYSTEM}. */
  public static Toolkit of(Redactor redactor) {
    return new Toolkit(redactor, ProcessRunner.create(redactor), Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** The redactor every secret of the run is registered with. */
  public Redactor redactor() {
    return redactor;
  }

  /** The runner of every child process. */
  public ProcessRunner processRunner() {
    return processRunner;
  }

  /** The clock for timestamps and waits. */
  public Clock clock() {
    return clock;
  }

  /** How waits sleep. */
  public Sleeper sleeper() {
    return sleeper;
  }

  /** This toolkit with {@code runner} (e.g. one that records argv in tests); same redactor. */
  public Toolkit withProcessRunner(ProcessRunner runner) {
    return new Toolkit(redactor, Objects.requireNonNull(runner, "runner"), clock, sleeper);
  }

  /** This toolkit with {@code value} as its clock. */
  public Toolkit withClock(Clock value) {
    return new Toolkit(redactor, processRunner, Objects.requireNonNull(value, "clock"), sleeper);
  }

  /** This toolkit with {@code value} as its sleeper. */
  public Toolkit withSleeper(Sleeper value) {
    return new Toolkit(redactor, processRunner, clock, Objects.requireNonNull(value, "sleeper"));
  }

  @Override
  public String toString() {
    return "Toolkit[" + redactor + ", " + clock + "]";
  }
}
