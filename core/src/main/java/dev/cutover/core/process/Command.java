package dev.cutover.core.process;

import dev.cutover.core.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A child process to run: argv as a list (never a shell string), environment, working directory
 * and timeout. Secret environment values are held as {@link Secret}s, so a {@code Command} can be
 * logged as it is. Stdin is always {@code /dev/null}.
 *
 * <pre>{@code
 * Command cmd = Command.builder("heroku", "pg:backups:capture", "-a", app)
 *     .secretEnv("HEROKU_API_KEY", token)
 *     .env("HOME", isolatedHome.toString())
 *     .timeout(Duration.ofHours(2))
 *     .build();
 * }</pre>
 *
 * @param argv the program and its arguments; must not hold secret values
 * @param environment variables added to (or overriding) the inherited environment
 * @param secretEnvironment secret variables added to the environment, never logged
 * @param removedEnvironment inherited variables to drop (e.g. {@code HEROKU_API_KEY} from the parent)
 * @param inheritEnvironment whether the child starts from this JVM's environment
 * @param workingDirectory the child's working directory, or empty for this JVM's
 * @param timeout how long the child may run before its process tree is killed
 * @param successExitCodes exit codes that count as success (default {@code 0})
 */
public record Command(
    List<String> argv,
    Map<String, String> environment,
    Map<String, Secret> secretEnvironment,
    Set<String> removedEnvironment,
    boolean inheritEnvironment,
    Optional<Path> workingDirectory,
    Duration timeout,
    Set<Integer> successExitCodes) {

  /** The default timeout: long operations should set their own. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException when argv is empty or the timeout is not positive
   */
  public Command {
    argv = List.copyOf(argv);
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    environment = Map.copyOf(environment);
    secretEnvironment = Map.copyOf(secretEnvironment);
    removedEnvironment = Set.copyOf(removedEnvironment);
    Objects.requireNonNull(workingDirectory, "workingDirectory");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    successExitCodes = Set.copyOf(successExitCodes);
  }

  /** A command with defaults: inherited environment, this JVM's directory, 10 minute timeout. */
  public static Command of(String... argv) {
    return builder(argv).build();
  }

  /** A builder for {@code argv} (the program first), with the defaults of {@link #of}. */
  public static Builder builder(String... argv) {
    return new Builder(List.of(argv));
  }

  /** A builder for {@code argv} (the program first), with the defaults of {@link #of}. */
  public static Builder builder(List<String> argv) {
    return new Builder(argv);
  }

  /** A builder holding this command's values, for a variant. */
  public Builder toBuilder() {
    Builder b = new Builder(argv);
    b.environment.putAll(environment);
    b.secretEnvironment.putAll(secretEnvironment);
    b.removedEnvironment.addAll(removedEnvironment);
    b.inheritEnvironment = inheritEnvironment;
    b.workingDirectory = workingDirectory.orElse(null);
    b.timeout = timeout;
    b.successExitCodes = successExitCodes;
    return b;
  }

  /** The program, e.g. {@code heroku}. */
  public String program() {
    return argv.get(0);
  }

  /** The command line as one string, arguments quoted where needed; holds no secret env values. */
  public String commandLine() {
    StringBuilder sb = new StringBuilder();
    for (String arg : argv) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(arg.isEmpty() || arg.matches(".*[\\s'\"\\\\$`].*") ? "'" + arg.replace("'", "'\\''") + "'" : arg);
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "Command[" + commandLine() + (secretEnvironment.isEmpty() ? "" : ", secret env " + secretEnvironment.keySet())
        + ", timeout " + timeout + "]";
  }

  /** Builds a {@link Command}. Not thread-safe. */
  public static final class Builder {
    private final List<String> argv;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, Secret> secretEnvironment = new LinkedHashMap<>();
    private final java.util.LinkedHashSet<String> removedEnvironment = new java.util.LinkedHashSet<>();
    private boolean inheritEnvironment = true;
    private Path workingDirectory;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Set<Integer> successExitCodes = Set.of(0);

    private Builder(List<String> argv) {
      this.argv = new ArrayList<>(argv);
    }

    /** Appends one argument, passed to the child as it is (no shell, no splitting). */
    public Builder arg(String arg) {
      argv.add(Objects.requireNonNull(arg, "arg"));
      return this;
    }

    /** Appends {@code args} in order. */
    public Builder args(List<String> args) {
      args.forEach(this::arg);
      return this;
    }

    /** Sets a plain environment variable (shown in logs). Use {@link #secretEnv} for secrets. */
    public Builder env(String name, String value) {
      environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Sets a secret environment variable: the child sees the value, logs and messages only the name. */
    public Builder secretEnv(String name, Secret value) {
      secretEnvironment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Drops {@code name} from the inherited environment. */
    public Builder unsetEnv(String name) {
      removedEnvironment.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    /** Whether the child starts from this JVM's environment (default true). */
    public Builder inheritEnvironment(boolean inherit) {
      this.inheritEnvironment = inherit;
      return this;
    }

    /** The child's working directory (default: this JVM's). */
    public Builder workingDirectory(Path dir) {
      this.workingDirectory = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** How long {@link ProcessRunner#run} lets the child run before killing its tree (default 10 minutes). */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The exit codes that count as success (default {@code 0}). */
    public Builder successExitCodes(Integer... codes) {
      this.successExitCodes = Set.of(codes);
      return this;
    }

    /**
     * The command.
     *
     * @throws IllegalArgumentException when argv is empty or the timeout is not positive
     */
    public Command build() {
      return new Command(argv, environment, secretEnvironment, removedEnvironment, inheritEnvironment,
          Optional.ofNullable(workingDirectory), timeout, successExitCodes);
    }
  }
}
