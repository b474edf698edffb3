package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.cutover.heroku.internal.DatabaseReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small parsers: pg:info sizes, ~/.netrc. */
class ParsingTest {
  @Test
  void parseSize_pgInfoForms_bytes() {
    assertThat(DatabaseReader.parseSize("8.0 MB")).isEqualTo(8L * 1024 * 1024);
    assertThat(DatabaseReader.parseSize("512 kB")).isEqualTo(512L * 1024);
    assertThat(DatabaseReader.parseSize("1.5 GB")).isEqualTo(1536L * 1024 * 1024);
    assertThat(DatabaseReader.parseSize("n/a")).isEqualTo(-1);
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
