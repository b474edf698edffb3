package dev.cutover.heroku.internal;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Sleeper;
import dev.cutover.core.process.CommandResult;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Why a {@code heroku} CLI run failed, read from its output as the CLI 11 prints it: an API error
 * exits 2 with {@code ›   Error ID: <id>}; a rejected {@code HEROKU_API_KEY} exits 1 with "The token
 * provided to HEROKU_API_KEY is invalid"; an error without a JSON body prints
 * {@code HTTP Error <status> for ...}; a network failure prints Node's error code. The CLI itself
 * retries none of 429 and 5xx, so {@link #retrying} does, with backoff, and only those (and
 * network failures). Immutable.
 */
public final class CliFailure {
  private static final Logger LOG = LoggerFactory.getLogger(CliFailure.class);
  private static final Pattern ERROR_ID = Pattern.compile("Error ID:\\s*([\\w-]+)");
  private static final Pattern HTTP_ERROR = Pattern.compile("HTTP Error (\\d{3})");
  private static final Pattern NETWORK = Pattern.compile(
      "\\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|EHOSTUNREACH|ENETUNREACH)\\b|socket hang up");

  /** What went wrong, by what the caller can do about it. */
  public enum Cause {
    /** The token was rejected (401). */
    AUTH,
    /** The account may not do this (403: forbidden, two_factor, suspended, delinquent). */
    ACCESS,
    /** The app, database or backup does not exist (404). */
    NOT_FOUND,
    /** The account's API rate limit is exhausted (429): wait for the pool to refill. */
    RATE_LIMIT,
    /** Heroku answered a server error (5xx). */
    SERVER,
    /** The CLI did not reach Heroku at all. */
    NETWORK,
    /** The CLI ran longer than it was given. */
    TIMEOUT,
    /** Anything else: read the output. */
    OTHER
  }

  private final Cause cause;
  private final String detail;

  private CliFailure(Cause cause, String detail) {
    this.cause = cause;
    this.detail = detail;
  }

  /** Reads the cause from a failed run's exit code, timeout flag and output tail. */
  public static CliFailure of(CommandFailedException e) {
    if (e.timedOut()) {
      return new CliFailure(Cause.TIMEOUT, "timed out after " + e.duration().toSeconds() + " s");
    }
    String out = String.join("\n", e.outputTail());
    Matcher id = ERROR_ID.matcher(out);
    String errorId = null;
    while (id.find()) {
      errorId = id.group(1);
    }
    if (out.contains("The token provided to HEROKU_API_KEY is invalid")) {
      return new CliFailure(Cause.AUTH, "401 unauthorized");
    }
    if (errorId != null) {
      return new CliFailure(byErrorId(errorId), "Error ID " + errorId);
    }
    Matcher http = HTTP_ERROR.matcher(out);
    if (http.find()) {
      int status = Integer.parseInt(http.group(1));
      Cause c = status == 429 ? Cause.RATE_LIMIT : status >= 500 ? Cause.SERVER : status == 401 ? Cause.AUTH
          : status == 403 ? Cause.ACCESS : status == 404 ? Cause.NOT_FOUND : Cause.OTHER;
      return new CliFailure(c, "HTTP " + status);
    }
    Matcher net = NETWORK.matcher(out);
    if (net.find()) {
      return new CliFailure(Cause.NETWORK, net.group());
    }
    return new CliFailure(Cause.OTHER, "exit " + e.exitCode());
  }

  private static Cause byErrorId(String id) {
    String i = id.toLowerCase(Locale.ROOT);
    return switch (i) {
      case "unauthorized" -> Cause.AUTH;
      case "forbidden", "two_factor", "suspended", "delinquent" -> Cause.ACCESS;
      case "not_found" -> Cause.NOT_FOUND;
      case "rate_limit" -> Cause.RATE_LIMIT;
      default -> i.contains("unavailable") || i.contains("internal") || i.contains("server") || i.contains("maintenance")
          || i.contains("timeout") || i.contains("gateway") ? Cause.SERVER : Cause.OTHER;
    };
  }

  /** What went wrong. */
  public Cause cause() {
    return cause;
  }

  /** Whether running the same command again later may succeed (rate limit, server error, network). */
  public boolean worthRetrying() {
    return cause == Cause.RATE_LIMIT || cause == Cause.SERVER || cause == Cause.NETWORK;
  }

  /** How many runs in all a cause worth retrying gets: 4 for server and network errors, 3 for the rate limit. */
  public int maxAttempts() {
    return !worthRetrying() ? 1 : cause == Cause.RATE_LIMIT ? 3 : 4;
  }

  /**
   * The wait before run {@code attempt + 1}: 5, 10, 20 s after a server or network error; a minute,
   * then two, after a 429 (the pool refills at 75 requests a minute).
   */
  public Duration backoff(int attempt) {
    return cause == Cause.RATE_LIMIT ? Duration.ofMinutes(attempt) : Duration.ofSeconds(5L << Math.min(attempt - 1, 4));
  }

  /**
   * The exception for a run that failed for good: {@code "<step>: <what> failed (<cause facts>,
   * exit N, after K attempts): <output tail>. <what to do>"}.
   *
   * @param what e.g. {@code `heroku pg:backups:capture` of DATABASE on my-app}
   * @param app the app, for the advice
   */
  public MigrationException exception(String step, String what, String app, int attempts, CommandFailedException e) {
    String tail = String.join(" | ", tail(e.outputTail(), 5));
    tail = tail.endsWith(".") ? tail.substring(0, tail.length() - 1) : tail;
    String facts = " (" + detail + ", exit " + e.exitCode() + (attempts > 1 ? ", after " + attempts + " attempts" : "")
        + ")";
    String advice = switch (cause) {
      case AUTH -> "The Heroku API token was rejected (401). Create a new one with `heroku authorizations:create` "
          + "and pass it as HEROKU_API_KEY or HerokuClient.builder().apiKey(...).";
      case ACCESS -> "This token's account may not do this (403); use a token of an owner or collaborator of " + app
          + " (and of the app that owns its database).";
      case NOT_FOUND -> "Heroku did not find it (404); check the app and the database with `heroku pg:info -a " + app
          + "`.";
      case RATE_LIMIT -> "The account's Heroku API rate limit is exhausted (429; the pool refills at 75 requests a "
          + "minute). Wait a few minutes and run again.";
      case SERVER -> "Heroku answered a server error each time; check https://status.heroku.com and run again.";
      case NETWORK -> "The CLI could not reach Heroku; check the network (and a proxy) and run again.";
      case TIMEOUT -> "It took longer than it was given; run again.";
      case OTHER -> "Read the CLI's output above; `heroku pg:info -a " + app + "` shows the database.";
    };
    return new CommandFailedException(step, step + ": " + what + " failed" + facts + ": " + tail + ". " + advice,
        e.commandLine(), e.exitCode(), e.outputTail(), e.duration(), e.timedOut(), worthRetrying(), e);
  }

  /**
   * Runs {@code run} until it succeeds, retrying the failures {@link #worthRetrying() worth
   * retrying} up to {@link #maxAttempts()} runs with {@link #backoff}. Blocks.
   *
   * @throws MigrationException from {@link #exception} when it fails for good
   */
  public static CommandResult retrying(String step, String what, String app, Sleeper sleeper,
      Supplier<CommandResult> run) {
    for (int attempt = 1; ; attempt++) {
      try {
        return run.get();
      } catch (CommandFailedException e) {
        CliFailure f = of(e);
        if (attempt >= f.maxAttempts()) {
          throw f.exception(step, what, app, attempt, e);
        }
        Duration wait = f.backoff(attempt);
        LOG.info("{}: {} failed ({}); running it again in {}", step, what, f.detail, wait);
        sleep(step, sleeper, wait);
      }
    }
  }

  static void sleep(String step, Sleeper sleeper, Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      throw MigrationCancelledException.interrupted(step, e);
    }
  }

  /** The last {@code n} lines that say something: without the CLI's ` ›` gutter, blank lines and its terms-of-service notice. */
  private static List<String> tail(List<String> lines, int n) {
    List<String> said = lines.stream().map(l -> l.replaceFirst("^\\s*›\\s*", "").strip())
        .filter(l -> !l.isEmpty() && !l.contains("terms of service") && !l.contains("terms-of-service")).toList();
    return said.subList(Math.max(0, said.size() - n), said.size());
  }

  @Override
  public String toString() {
    return "CliFailure[" + cause + ", " + detail + "]";
  }
}
