package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs with a canary secret and asserts it never shows: not in streamed output, exception
 * messages, command lines, a child's argv, nor the {@code toString()} of any record in core.
 */
class SecretCanaryTest {
  private static final String CANARY = "canary-9f3b2c71d0";

  private final Redactor redactor = Redactor.create();
  private final Secret canary = redactor.register(Secret.of(CANARY));
  private final ProcessRunner runner = ProcessRunner.create(redactor, Duration.ofMillis(200));

  @Test
  void run_childPrintsSecret_streamedLinesTailAndMessageMasked() {
    List<OutputLine> streamed = new CopyOnWriteArrayList<>();
    Command cmd = Command.builder("bash", "-c", "echo \"token=$TOKEN\"; echo \"db postgres://u:$TOKEN@h/db\" >&2; exit 7")
        .secretEnv("TOKEN", canary).build();

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(cmd, streamed::add));

    assertThat(streamed).extracting(OutputLine::line).containsExactlyInAnyOrder("token=****", "db postgres://u:****@h/db");
    assertThat(streamed.toString()).doesNotContain(CANARY);
    assertThat(e.outputTail()).noneMatch(l -> l.contains(CANARY));
    assertThat(e.getMessage()).doesNotContain(CANARY).contains("token=****");
    assertThat(e.commandLine()).doesNotContain(CANARY);
    assertThat(e.toString()).doesNotContain(CANARY);
  }

  @Test
  void run_secretOnlyInEnvironment_resultToStringAndCommandMasked() {
    Command cmd = Command.builder("bash", "-c", "printf %s \"$TOKEN\"").secretEnv("TOKEN", canary).build();

    CommandResult result = runner.run(cmd);

    assertThat(result.stdout()).isEqualTo(CANARY); // raw output is for parsing, by contract
    assertThat(result.toString()).doesNotContain(CANARY);
    assertThat(cmd.toString()).doesNotContain(CANARY).contains("TOKEN");
    assertThat(cmd.argv()).noneMatch(a -> a.contains(CANARY));
    assertThat(redactor.redact(cmd.commandLine())).doesNotContain(CANARY);
  }

  @Test
  void start_secretEnv_notInChildsProcCmdline() throws IOException {
    Command cmd = Command.builder("bash", "-c", "echo up; exec sleep 60").secretEnv("PGPASSWORD", canary).build();
    try (RunningProcess child = runner.start(cmd, l -> {})) {
      child.awaitLine("up"::equals, Duration.ofSeconds(20));
      Path proc = Path.of("/proc", Long.toString(child.pid()));
      // "up" is printed just before the exec, and the kernel fills in the new image's argv and
      // environment a moment apart: wait (bounded) until it shows both.
      String cmdline = "";
      String environ = "";
      for (int i = 0; i < 200 && !(cmdline.contains("sleep") && environ.contains("PGPASSWORD=")); i++) {
        sleepQuietly(i == 0 ? 0 : 50);
        cmdline = procFile(proc.resolve("cmdline"));
        environ = procFile(proc.resolve("environ"));
      }

      assertThat(cmdline).contains("sleep").doesNotContain(CANARY);
      assertThat(environ).contains("PGPASSWORD=" + CANARY); // it went where it should
      assertThat(child.toString()).doesNotContain(CANARY);
    }
  }

  @Test
  void commandLine_secretInArgv_redactedEverywhereItIsRendered() {
    Command cmd = Command.of("psql", "postgres://app:" + CANARY + "@db/app");
    Command failing = Command.of("bash", "-c", "exit 1", "psql", "--url=" + CANARY);

    CommandFailedException e = catchThrowableOfType(CommandFailedException.class, () -> runner.run(failing));

    assertThat(redactor.redact(cmd.commandLine())).isEqualTo("psql postgres://app:****@db/app");
    assertThat(e.commandLine()).contains("--url=****").doesNotContain(CANARY);
    assertThat(e.getMessage()).doesNotContain(CANARY);
  }

  @Test
  void validationException_secretProblem_valueMasked() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> ValidationException.collector("plan")
        .addSecret("heroku.token", "is not a valid API token", "create one with `heroku authorizations:create`")
        .add("aptible.environment", "", "must not be empty", "pass --environment")
        .throwIfAny());

    assertThat(e.getMessage()).doesNotContain(CANARY).contains("heroku.token = '****'");
    assertThat(e.problems().get(0).value()).isEqualTo("****");
    assertThat(e.problems().toString()).doesNotContain(CANARY);
  }

  @Test
  void secret_toStringAndStringConcatenation_masked() {
    assertThat(canary.toString()).isEqualTo("Secret[****]");
    assertThat("value " + canary).doesNotContain(CANARY);
    assertThat(Optional.of(canary).toString()).doesNotContain(CANARY);
  }

  @Test
  void toString_everyCoreRecordHoldingTheCanary_neverShowsIt() throws Exception {
    List<Class<?>> records = coreRecords();
    assertThat(records).extracting(Class::getSimpleName)
        .contains("Command", "CommandResult", "ConfigVar", "AppInventory", "PgConnection", "RegistryCredentials",
            "Problem", "StepFailed", "Output");
    List<String> unbuildable = new ArrayList<>();
    for (Class<?> type : records) {
      Object instance;
      try {
        instance = instance(type);
      } catch (ReflectiveOperationException | RuntimeException e) {
        unbuildable.add(type.getName() + (holdsSecret(type, 0) ? " (holds a Secret!)" : "") + ": " + e);
        continue;
      }
      assertThat(instance.toString()).as("%s.toString()", type.getName()).doesNotContain(CANARY);
    }
    // A record that holds a Secret must be checked; one that cannot hold one may be skipped.
    assertThat(unbuildable).noneMatch(s -> s.contains("holds a Secret"));
  }

  @Test
  void toString_eventsAndProblemsBuiltFromRedactedText_masked() {
    String message = redactor.redact("restore failed: password authentication failed for " + CANARY);
    MigrationEvent event = new MigrationEvent.StepFailed("restore", Instant.EPOCH, Duration.ZERO, message);

    assertThat(event.toString()).doesNotContain(CANARY).contains("****");
  }

  @Test
  void redact_urlEncodedSecretInUrl_masked() {
    Secret pw = redactor.register(Secret.of("p@ss w/rd:" + CANARY));
    String encoded = URLEncoder.encode(pw.reveal(), StandardCharsets.UTF_8);

    assertThat(redactor.redact("postgres://u:" + encoded + "@host/db")).isEqualTo("postgres://u:****@host/db");
    assertThat(redactor.redact("pass=" + encoded.replace("+", "%20") + ";")).isEqualTo("pass=****;");
    assertThat(redactor.redact("raw " + pw.reveal())).isEqualTo("raw ****");
  }

  @Test
  void run_failureToStart_messageMasked() {
    assertThatThrownBy(() -> runner.run(Command.of("/nonexistent/" + CANARY)))
        .isInstanceOf(CommandFailedException.class)
        .satisfies(e -> {
          assertThat(e.getMessage()).doesNotContain(CANARY).contains("could not start");
          for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(CANARY);
          }
        });
  }

  private static List<Class<?>> coreRecords() throws IOException, ClassNotFoundException {
    Path classes = Path.of(URI.create(Secret.class.getProtectionDomain().getCodeSource().getLocation().toString()));
    List<Class<?>> records = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, SecretCanaryTest.class.getClassLoader());
        if (c.isRecord()) {
          records.add(c);
        }
      }
    }
    return records;
  }

  private boolean holdsSecret(Type type, int depth) {
    if (depth > 6) {
      return false;
    }
    if (type instanceof ParameterizedType p) {
      return Stream.of(p.getActualTypeArguments()).anyMatch(t -> holdsSecret(t, depth + 1));
    }
    if (type == Secret.class) {
      return true;
    }
    return type instanceof Class<?> c && c.isRecord()
        && Stream.of(c.getRecordComponents()).anyMatch(rc -> holdsSecret(rc.getGenericType(), depth + 1));
  }

  /** A value of {@code type}: the canary for every Secret, something plain for everything else. */
  private Object instance(Type type) throws ReflectiveOperationException {
    if (type instanceof ParameterizedType p) {
      Class<?> raw = (Class<?>) p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == Optional.class) {
        return Optional.of(instance(args[0]));
      } else if (raw == List.class) {
        return List.of(instance(args[0]));
      } else if (raw == Set.class) {
        return Set.of(instance(args[0]));
      } else if (raw == Map.class) {
        return Map.of(instance(args[0]), instance(args[1]));
      }
      return instance(raw);
    }
    Class<?> c = (Class<?>) type;
    if (c == Secret.class) {
      return canary;
    } else if (c == String.class || c == Object.class) {
      return "plain";
    } else if (c == int.class || c == Integer.class) {
      return 1;
    } else if (c == long.class || c == Long.class) {
      return 1L;
    } else if (c == double.class || c == Double.class) {
      return 1.0;
    } else if (c == boolean.class || c == Boolean.class) {
      return true;
    } else if (c == Duration.class) {
      return Duration.ofSeconds(1);
    } else if (c == Instant.class) {
      return Instant.EPOCH;
    } else if (c == Path.class) {
      return Path.of("/tmp/plain");
    } else if (c == URI.class) {
      return URI.create("https://example.com/");
    } else if (c.isEnum()) {
      return c.getEnumConstants()[0];
    } else if (c == dev.cutover.core.migration.DataMove.class) {
      return instance(dev.cutover.core.migration.PostgresMove.class);
    } else if (c.isRecord()) {
      RecordComponent[] components = c.getRecordComponents();
      Class<?>[] types = Stream.of(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
      Object[] values = new Object[components.length];
      for (int i = 0; i < components.length; i++) {
        values[i] = instance(components[i].getGenericType());
      }
      Constructor<?> ctor = c.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    }
    throw new IllegalArgumentException("no sample value for " + type);
  }

  private static String procFile(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
