package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.process.Command;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.process.FakeProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How CLI children are started (argv, environment, HOME) and how their answers are judged, with a fake runner. */
class HerokuCliCommandTest {
  private static final String VERSION_LINE = "heroku/11.10.0 linux-x64 node-v20.20.2\n";

  private static HerokuClient client(FakeProcessRunner runner, String apiUrl) {
    return HerokuClient.builder().apiKey(Secret.of("token-for-cli-tests")).apiUrl(apiUrl).dataApiHost("127.0.0.1")
        .cliCommand(List.of("node", "/opt/heroku/bin/run.js")).processRunner(runner).build();
  }

  @Test
  void credentialsUrl_anyCall_tokenInSecretEnvIsolatedHomeQuietCli() {
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(argv -> argv.contains("--version")).reply(0, VERSION_LINE);
    runner.on(argv -> argv.contains("pg:credentials:url")).reply(0, "Connection information for default credential.\n"
        + "Connection URL:\n  postgres://u:pw-123456@db.example.com:5432/d\n\n");

    try (HerokuClient heroku = client(runner, "http://127.0.0.1:5055")) {
      Secret url = heroku.app("example-app").credentialsUrl("DATABASE");
      assertThat(url.reveal()).isEqualTo("postgres://u:pw-123456@db.example.com:5432/d");
      assertThat(heroku.redactor().redact("pw-123456")).isEqualTo("****");
    }

    assertThat(runner.argvs()).containsExactly(List.of("node", "/opt/heroku/bin/run.js", "--version"),
        List.of("node", "/opt/heroku/bin/run.js", "pg:credentials:url", "-a", "example-app", "--", "DATABASE"));
    for (Command c : runner.commands()) {
      assertThat(c.secretEnvironment()).containsOnlyKeys("HEROKU_API_KEY");
      assertThat(c.environment()).containsEntry("HEROKU_DISABLE_AUTOUPDATE", "true")
          .containsEntry("HEROKU_SKIP_NEW_VERSION_CHECK", "true").containsEntry("DISABLE_TELEMETRY", "true")
          .containsEntry("TERM", "dumb").containsEntry("HEROKU_HOST", "http://127.0.0.1:5055")
          .containsEntry("HEROKU_DATA_HOST", "127.0.0.1").doesNotContainKey("HEROKU_API_KEY");
      assertThat(c.removedEnvironment()).contains("HEROKU_DEBUG", "HEROKU_DEBUG_HEADERS", "HEROKU_APP");
      Path home = Path.of(c.environment().get("HOME"));
      assertThat(c.workingDirectory()).contains(home);
      assertThat(home.getFileName().toString()).startsWith("cutover-heroku-home-");
      assertThat(Files.exists(home)).as("HOME deleted after the run").isFalse();
      assertThat(String.join(" ", c.argv())).doesNotContain("token-for-cli-tests");
    }
  }

  @Test
  void cliVersion_defaultApi_doesNotRedirectTheCli() {
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(argv -> argv.contains("--version")).reply(0, VERSION_LINE);

    try (HerokuClient heroku = HerokuClient.builder().apiKey(Secret.of("t0ken-abc")).processRunner(runner).build()) {
      assertThat(heroku.cliVersion()).isEqualTo("11.10.0");
      assertThat(heroku.cliVersion()).isEqualTo("11.10.0");
    }

    assertThat(runner.commands()).hasSize(1);
    Command c = runner.commands().get(0);
    assertThat(c.argv()).containsExactly("heroku", "--version");
    assertThat(c.environment()).doesNotContainKeys("HEROKU_HOST", "HEROKU_DATA_HOST", "NODE_EXTRA_CA_CERTS");
    assertThat(c.removedEnvironment()).contains("HEROKU_HOST", "HEROKU_DATA_HOST");
  }

  @Test
  void cliVersion_tooOld_saysWhichVersionIsNeeded() {
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(argv -> argv.contains("--version")).reply(0, "heroku/8.11.5 linux-x64 node-v16.20.0\n");

    try (HerokuClient heroku = client(runner, "http://127.0.0.1:5055")) {
      assertThatThrownBy(heroku::cliVersion).isInstanceOf(MigrationException.class)
          .hasMessageContaining("8.11.5 is too old").hasMessageContaining("npm install -g heroku@11");
    }
  }

  @Test
  void cliVersion_missingCli_saysHowToInstallIt() {
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(argv -> true).failsToStart("Cannot run program \"heroku\": error=2, No such file or directory");

    try (HerokuClient heroku = client(runner, "http://127.0.0.1:5055")) {
      assertThatThrownBy(() -> heroku.app("example-app").credentialsUrl("DATABASE"))
          .isInstanceOf(MigrationException.class).hasMessageContaining("could not be run")
          .hasMessageContaining("npm install -g heroku@11").hasMessageContaining("cliCommand");
    }
    assertThat(runner.argvs()).hasSize(1);
  }

  @Test
  void captureBackup_exit0ButNoBackupInTransfers_isNotTakenAsSuccess() {
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(argv -> argv.contains("--version")).reply(0, VERSION_LINE);
    // What the CLI prints when its polling failed 21 times: exit 0, no "done".
    runner.on(argv -> argv.contains("pg:backups:capture")).reply(0, "\nUse Ctrl-C at any time to stop monitoring "
        + "progress; the backup will continue running.\n", "Starting backup of postgresql-x... done\n"
        + "Backing up DATABASE to b004...\n");
    try (FakeHeroku fake = FakeHeroku.start()) {
      // The database is never reached: the CLI is a fake, and so is its backup.
      fake.app("example-app").postgres(new PgConnection("127.0.0.1", 5432, "never_used", "u", Secret.of("pw"),
          "disable"));
      try (HerokuClient heroku = HerokuClient.builder().apiKey(fake.apiKey()).apiUrl(fake.apiUrl())
          .dataApiHost(fake.dataApiHost()).processRunner(runner).build()) {
        assertThatThrownBy(() -> heroku.app("example-app").captureBackup("DATABASE", MigrationListener.NONE))
            .isInstanceOf(MigrationException.class).hasMessageContaining("exited 0 but no new backup");
      }
      assertThat(fake.requests("GET", "/client/v11/apps/example-app/transfers")).isNotEmpty();
    }
  }

  @Test
  void download_urlNotHttps_refusedAndNoFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    FakeProcessRunner runner = new FakeProcessRunner();
    runner.on(argv -> argv.contains("--version")).reply(0, VERSION_LINE);
    runner.on(argv -> argv.contains("pg:backups:url")).reply(0, "http://storage.example.com/b001?sig=abc\n\n");
    Path dir = Files.createDirectory(tmp.resolve("d"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));

    try (HerokuClient heroku = client(runner, "http://127.0.0.1:5055")) {
      assertThatThrownBy(() -> heroku.app("example-app").download(new dev.cutover.core.spi.BackupRef("b001", 1, 10), dir,
          MigrationListener.NONE)).isInstanceOf(MigrationException.class).hasMessageContaining("not an https URL")
          .hasMessageNotContaining("sig=abc");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }
}
