package dev.cutover.heroku;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import dev.cutover.core.spi.BackupRef;
import dev.cutover.testkit.heroku.Fault;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.HerokuCli;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary secrets (the API key, config var values) go through inventory, capture, download,
 * credentials and failures; none may show up in a log line, an exception, the inventory JSON, a
 * listener event, or any child's argv or plain environment.
 */
@Tag("integration")
class HerokuSecretCanaryTest {
  private static String canary(String what) {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return "canary-" + what + "-" + HexFormat.of().formatHex(b);
  }

  /** Records every command, then runs it for real. */
  private static final class RecordingRunner implements ProcessRunner {
    final List<Command> commands = new CopyOnWriteArrayList<>();
    private final ProcessRunner real;

    RecordingRunner(Redactor redactor) {
      real = ProcessRunner.create(redactor);
    }

    @Override
    public CommandResult run(Command command, Consumer<OutputLine> output) {
      commands.add(command);
      return real.run(command, output);
    }

    @Override
    public RunningProcess start(Command command, Consumer<OutputLine> output) {
      commands.add(command);
      return real.start(command, output);
    }
  }

  @Test
  void everyOperation_canarySecrets_neverLeak(@TempDir Path tmp) throws Exception {
    HerokuCli cli = TestSupport.cliOrSkip();
    String apiKey = canary("key");
    List<String> values = List.of(canary("value1"), canary("value2"), "postgres://u:" + canary("pw") + "@db:5432/x");
    List<String> canaries = new ArrayList<>(values);
    canaries.add(apiKey);
    List<String> seen = new CopyOnWriteArrayList<>();
    MigrationListener recorder = new MigrationListener() {
      @Override
      public void output(MigrationEvent.Output e) {
        seen.add(e.toString());
      }

      @Override
      public void progress(MigrationEvent.Progress e) {
        seen.add(e.toString());
      }

      @Override
      public void warning(MigrationEvent.Warning e) {
        seen.add(e.toString());
      }
    };
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    System.setErr(new PrintStream(tee(logs, originalErr), true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(tee(logs, originalOut), true, StandardCharsets.UTF_8));
    Redactor redactor = Redactor.create();
    RecordingRunner runner = new RecordingRunner(redactor);
    try (TestSupport.Db db = TestSupport.Db.create("create table t (id int)", "insert into t values (1)");
        FakeHeroku fake = FakeHeroku.start(Secret.of(apiKey))) {
      fake.app("canary-app").configVar("SECRET_ONE", values.get(0)).configVar("SECRET_TWO", values.get(1))
          .configVar("OTHER_DB_URL", values.get(2)).postgres(db.connection);
      try (HerokuClient heroku = HerokuClient.builder().apiKey(Secret.of(apiKey)).apiUrl(fake.apiUrl())
          .dataApiHost(fake.dataApiHost()).extraCaCertificate(fake.caCertificatePem()).cliCommand(cli.command())
          .redactor(redactor).processRunner(runner).build()) {
        HerokuApp app = heroku.app("canary-app");

        AppInventory inventory = app.inventory();
        seen.add(inventory.toString());
        seen.add(new ObjectMapper().registerModule(new SimpleModule().addSerializer(Instant.class,
            ToStringSerializer.instance)).writeValueAsString(inventory));
        BackupRef ref = app.captureBackup("DATABASE", recorder);
        Path dir = Files.createDirectory(tmp.resolve("d"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        seen.add(app.download(ref, dir, recorder).toString());
        seen.add(app.credentialsUrl("DATABASE").toString());
        seen.add(app.databaseUrl("DATABASE").toString());

        fake.app("canary-app").failNextBackup("pg_dump: could not connect with " + values.get(0));
        seen.add(messages(catchThrowable(() -> app.captureBackup("DATABASE", recorder))));
        fake.fault(Fault.on("GET", "/apps/canary-app/config-vars").status(500, "internal_server_error",
            "boom near " + values.get(1)));
        seen.add(messages(catchThrowable(app::configVars)));
        seen.add(messages(catchThrowable(() -> heroku.app("missing-app").inventory())));
        fake.expireDownloads(true);
        seen.add(messages(catchThrowable(() -> app.download(ref, dir, recorder))));
      }
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }

    String log = logs.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the run logged something to check").contains("heroku.capture");
    assertThat(runner.commands).hasSizeGreaterThanOrEqualTo(4);
    for (Command c : runner.commands) {
      assertThat(c.secretEnvironment()).containsKey("HEROKU_API_KEY");
      seen.add(String.join(" ", c.argv()));
      seen.add(c.environment().toString());
      seen.add(c.toString());
    }
    for (String secret : canaries) {
      assertThat(log).as("logs").doesNotContain(secret);
      for (String s : seen) {
        assertThat(s).doesNotContain(secret);
      }
    }
  }

  private static String messages(Throwable t) {
    assertThat(t).isNotNull();
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
    }
    return sb.toString();
  }

  private static OutputStream tee(OutputStream a, OutputStream b) {
    return new OutputStream() {
      @Override
      public void write(int x) {
        synchronized (a) {
          try {
            a.write(x);
            b.write(x);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }

      @Override
      public void write(byte[] buf, int off, int len) {
        synchronized (a) {
          try {
            a.write(buf, off, len);
            b.write(buf, off, len);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
    };
  }
}
