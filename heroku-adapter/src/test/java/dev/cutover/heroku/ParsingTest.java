package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parsers: data API timestamps, pg:info sizes, ~/.netrc. */
class ParsingTest {
  @Test
  void parseInstant_dataApiAndIsoForms_sameInstant() {
    Instant expected = Instant.parse("2024-05-01T12:00:00Z");
    assertThat(HerokuApp.parseInstant("2024-05-01 12:00:00 +0000")).contains(expected);
    assertThat(HerokuApp.parseInstant("2024-05-01T12:00:00Z")).contains(expected);
    assertThat(HerokuApp.parseInstant("2024-05-01 14:00:00 +02:00")).contains(expected);
    assertThat(HerokuApp.parseInstant("yesterday")).isEmpty();
  }

  @Test
  void parseSize_pgInfoForms_bytes() {
    assertThat(HerokuApp.parseSize("8.0 MB")).isEqualTo(8L * 1024 * 1024);
    assertThat(HerokuApp.parseSize("512 kB")).isEqualTo(512L * 1024);
    assertThat(HerokuApp.parseSize("1.5 GB")).isEqualTo(1536L * 1024 * 1024);
    assertThat(HerokuApp.parseSize("n/a")).isEqualTo(-1);
  }

  @Test
  void netrcPassword_herokuMachine_isItsPassword(@TempDir Path home) throws Exception {
    Path netrc = home.resolve(".netrc");
    Files.writeString(netrc, "machine git.heroku.com\n  login me@example.com\n  password git-token-1\n"
        + "machine api.heroku.com\n  login me@example.com\n  password api-token-2\n");

    assertThat(HerokuClient.netrcPassword(netrc, "api.heroku.com")).hasValueSatisfying(
        s -> assertThat(s.reveal()).isEqualTo("api-token-2"));
    assertThat(HerokuClient.netrcPassword(netrc, "other.example.com")).isEmpty();
    assertThat(HerokuClient.netrcPassword(home.resolve("missing"), "api.heroku.com")).isEmpty();
  }
}
