package dev.cutover.heroku.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.process.CommandResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How failed CLI runs are read, from the output shapes reference/heroku.md records for CLI 11.10.0
 * (§6), and how they are retried.
 */
class CliFailureTest {
  private static CommandFailedException failed(int exit, boolean timedOut, String... lines) {
    return new CommandFailedException("heroku.test", "heroku: exited " + exit, "heroku pg:backups:capture", exit,
        List.of(lines), Duration.ofSeconds(2), timedOut, false, null);
  }

  @Test
  void of_cliOutputShapes_causeOfEach() {
    assertThat(CliFailure.of(failed(2, false, " ›   Error: Your account reached the API rate limit", " ›",
        " ›   Error ID: rate_limit")).cause()).isEqualTo(CliFailure.Cause.RATE_LIMIT);
    assertThat(CliFailure.of(failed(2, false, " ›   Error: Internal server error.", " ›",
        " ›   Error ID: internal_server_error")).cause()).isEqualTo(CliFailure.Cause.SERVER);
    assertThat(CliFailure.of(failed(1, false, "Error: HTTP Error 502 for GET http://127.0.0.1/apps/a/config-vars",
        "<html>bad gateway</html>")).cause()).isEqualTo(CliFailure.Cause.SERVER);
    assertThat(CliFailure.of(failed(1, false, "Error: The token provided to HEROKU_API_KEY is invalid. Please",
        "double-check that you have the correct token")).cause()).isEqualTo(CliFailure.Cause.AUTH);
    assertThat(CliFailure.of(failed(2, false, " ›   Error: Couldn't find that app.", " ›   Error ID: not_found"))
        .cause()).isEqualTo(CliFailure.Cause.NOT_FOUND);
    assertThat(CliFailure.of(failed(2, false, " ›   Error ID: two_factor")).cause()).isEqualTo(CliFailure.Cause.ACCESS);
    assertThat(CliFailure.of(failed(1, false, "Error: connect ECONNREFUSED 127.0.0.1:5999", "Code: ECONNREFUSED"))
        .cause()).isEqualTo(CliFailure.Cause.NETWORK);
    assertThat(CliFailure.of(failed(-1, true, "Backing up DATABASE to b004...")).cause())
        .isEqualTo(CliFailure.Cause.TIMEOUT);
    assertThat(CliFailure.of(failed(2, false, "Backing up DATABASE to b003... !",
        "Error: An error occurred and the backup did not finish.")).cause()).isEqualTo(CliFailure.Cause.OTHER);
  }

  @Test
  void exception_eachCause_itsOwnAdviceAndRetryability() {
    CommandFailedException rate = failed(2, false, " ›   Warning: Our terms of service have changed:",
        " ›   https://dashboard.heroku.com/terms-of-service", " ›   Error: Your account reached the API rate limit",
        " ›", " ›   Error ID: rate_limit");
    assertThat(CliFailure.of(rate).exception("heroku.capture", "`heroku pg:backups:capture`", "my-app", 3, rate))
        .satisfies(e -> {
          assertThat(e.getMessage()).startsWith("heroku.capture: `heroku pg:backups:capture` failed (Error ID "
              + "rate_limit, exit 2, after 3 attempts): Error: Your account reached the API rate limit | Error ID: "
              + "rate_limit. ").contains("rate limit is exhausted (429").doesNotContain("terms");
          assertThat(e.retryable()).isTrue();
        });
    CommandFailedException auth = failed(1, false, "Error: The token provided to HEROKU_API_KEY is invalid.");
    assertThat(CliFailure.of(auth).exception("heroku.capture", "x", "my-app", 1, auth)).satisfies(e -> {
      assertThat(e.getMessage()).contains("token was rejected (401)").doesNotContain("rate limit");
      assertThat(e.retryable()).isFalse();
    });
  }

  @Test
  void retrying_serverErrorThenSuccess_backsOffAndReturns() {
    List<Duration> slept = new ArrayList<>();
    AtomicInteger runs = new AtomicInteger();
    CommandResult ok = CliFailure.retrying("heroku.test", "x", "my-app", slept::add, () -> {
      if (runs.incrementAndGet() < 3) {
        throw failed(2, false, " ›   Error ID: service_unavailable");
      }
      return new CommandResult(0, "done", "", Duration.ZERO);
    });

    assertThat(ok.stdout()).isEqualTo("done");
    assertThat(slept).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void retrying_notFound_failsAtOnce() {
    List<Duration> slept = new ArrayList<>();
    AtomicInteger runs = new AtomicInteger();

    assertThatThrownBy(() -> CliFailure.retrying("heroku.test", "x", "my-app", slept::add, () -> {
      runs.incrementAndGet();
      throw failed(2, false, " ›   Error ID: not_found");
    })).hasMessageContaining("404");
    assertThat(runs).hasValue(1);
    assertThat(slept).isEmpty();
  }
}
