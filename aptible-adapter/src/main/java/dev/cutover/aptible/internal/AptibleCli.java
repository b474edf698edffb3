package dev.cutover.aptible.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.aptible.AptibleException;
import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code aptible} CLI in JSON mode and turns its failures into {@link AptibleException}s.
 * Not API.
 */
public final class AptibleCli {
  private static final Logger LOG = LoggerFactory.getLogger(AptibleCli.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Integer[] ANY_EXIT = IntStream.rangeClosed(0, 255).boxed().toArray(Integer[]::new);
  private static final Pattern NOISE = Pattern.compile("^(WARN|INFO|DEBUG)\\b.*|^You have installed the Aptible CLI"
      + ".*|^WARNING: You will need.*|^Disconnected from logs.*|^Once complete, the logs can be viewed here:.*"
      + "|^\\s+https://app\\.aptible\\.com/operations/.*");

  private final List<String> cliCommand;
  private final Map<String, String> cliEnvironment;
  private final Optional<Secret> token;
  private final ProcessRunner runner;
  private final Redactor redactor;

  /** A CLI runner: {@code cliCommand} prefixes every argv, {@code token} goes in the environment. */
  public AptibleCli(List<String> cliCommand, Map<String, String> cliEnvironment, Optional<Secret> token,
      ProcessRunner runner, Redactor redactor) {
    this.cliCommand = List.copyOf(cliCommand);
    this.cliEnvironment = Map.copyOf(cliEnvironment);
    this.token = token;
    this.runner = runner;
    this.redactor = redactor;
    // at once, not at the first call: a resume whose remaining steps call no CLI (only the report) must still stop
    // the tunnels a killed run left open
    reapOrphanTunnels();
  }

  /** The command for {@code args}: JSON output, the token in the environment, stdin closed. */
  public Command command(List<String> args, Duration timeout) {
    Command.Builder b = Command.builder(cliCommand).args(args).timeout(timeout).env("APTIBLE_OUTPUT_FORMAT", "json");
    cliEnvironment.forEach(b::env);
    token.ifPresent(t -> b.secretEnv("APTIBLE_ACCESS_TOKEN", t));
    return b.build();
  }

  /**
   * Runs {@code aptible args...} to completion. Blocks.
   *
   * @param output each redacted output line, as printed (operation logs)
   * @return stdout, unredacted (it may hold a connection URL: never log it)
   * @throws AptibleException when the CLI exits non-zero
   */
  public String run(String step, List<String> args, Duration timeout, Consumer<OutputLine> output) {
    Command command = command(args, timeout).toBuilder().successExitCodes(ANY_EXIT).build();
    LOG.debug("Running {}", redactor.redact(command.commandLine()));
    CommandResult result;
    try {
      result = runner.run(command, line -> {
        LOG.debug("aptible {}: {}", args.get(0), line.line());
        output.accept(line);
      });
    } catch (AptibleException e) {
      throw e;
    } catch (CommandFailedException e) {
      throw new AptibleException(step, e.getMessage(), e.commandLine(), e.exitCode(), e.outputTail(), e.duration(),
          AptibleException.Kind.OTHER, e.getMessage(), e);
    }
    if (result.exitCode() != 0) {
      throw failure(step, command, result.exitCode(), result.stderr() + "\n" + result.stdout(), result.duration());
    }
    return result.stdout();
  }

  /** Runs and parses the JSON that follows any operation log lines on stdout. */
  public JsonNode runJson(String step, List<String> args, Duration timeout, Consumer<OutputLine> output) {
    String stdout = run(step, args, timeout, output);
    return parseJson(stdout).orElseThrow(() -> new AptibleException(step, step + ": aptible " + args.get(0)
        + " printed no JSON (is APTIBLE_OUTPUT_FORMAT honoured? CLI 0.26.6 or newer is needed)",
        redactor.redact(command(args, timeout).commandLine()), 0, List.of(), Duration.ZERO,
        AptibleException.Kind.OTHER, "no JSON on stdout", null));
  }

  /**
   * Starts a long-running CLI command ({@code db:tunnel}), marked with this JVM as its owner (see
   * {@link TunnelRegistry}). The caller closes it.
   */
  public RunningProcess start(List<String> args, Consumer<OutputLine> output) {
    Command command = command(args, Duration.ofDays(1)).toBuilder()
        .env(TunnelRegistry.OWNER_VARIABLE, TunnelRegistry.ownerMark()).build();
    LOG.debug("Starting {}", redactor.redact(command.commandLine()));
    return runner.start(command, output);
  }

  /** A new client stops the tunnels a dead run left behind (see {@link TunnelRegistry}). */
  private static void reapOrphanTunnels() {
    TunnelRegistry.standard().reapOrphans();
  }

  /** The redacted command line for {@code args}. */
  public String commandLine(List<String> args) {
    return redactor.redact(command(args, Duration.ofMinutes(1)).commandLine());
  }

  /**
   * The JSON document on {@code stdout}: from the first line that starts with <code>{</code> or
   * {@code [} (operation log lines may come first), or empty when there is none.
   */
  public static Optional<JsonNode> parseJson(String stdout) {
    String[] lines = stdout.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].startsWith("{") || lines[i].startsWith("[")) {
        String rest = String.join("\n", Arrays.asList(lines).subList(i, lines.length));
        try {
          return Optional.of(JSON.readTree(rest));
        } catch (JsonProcessingException e) {
          // a log line that happens to start with a bracket: keep looking
        }
      }
    }
    return Optional.empty();
  }

  AptibleException failure(String step, Command command, int exitCode, String output, Duration duration) {
    List<String> lines = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isBlank()) {
        lines.add(redactor.redact(line.stripTrailing()));
      }
    }
    String text = errorText(lines);
    AptibleException.Kind kind = kind(text);
    String commandLine = redactor.redact(command.commandLine());
    List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
    return new AptibleException(step, step + ": " + text + " (aptible " + command.argv().get(cliCommand.size())
        + ", exit " + exitCode + ")" + advice(kind), commandLine, exitCode, tail, duration, kind, text, null);
  }

  /** The line that says what went wrong: a usage error's first line, else the last line that is not noise. */
  static String errorText(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith("ERROR: \"aptible")) {
        return line;
      }
    }
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (!NOISE.matcher(lines.get(i)).matches() && !lines.get(i).startsWith("INFO -- :")) {
        return lines.get(i);
      }
    }
    return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1);
  }

  static AptibleException.Kind kind(String text) {
    if (text.startsWith("Could not read token") || text.startsWith("API authentication error")
        || text.contains("JWT::") || text.startsWith("Could not authenticate")) {
      return AptibleException.Kind.AUTHENTICATION;
    }
    if (text.matches("Operation #\\d+ failed\\.")) {
      return AptibleException.Kind.OPERATION_FAILED;
    }
    if (text.startsWith("Tunnel ")) {
      return AptibleException.Kind.TUNNEL;
    }
    if (text.contains("has already been taken")) {
      return AptibleException.Kind.ALREADY_EXISTS;
    }
    if (text.startsWith("Could not find") || text.startsWith("Specified account does not exist")
        || text.contains("does not exist") || text.contains("not found")) {
      return AptibleException.Kind.NOT_FOUND;
    }
    if (text.startsWith("An error occurred:") || text.startsWith("ERROR: \"aptible") || text.startsWith("No Database Image")
        || text.startsWith("Invalid argument") || text.startsWith("Expected numeric value") || text.startsWith("--")
        || text.startsWith("Provide at least") || text.startsWith("Conflicting options") || text.startsWith("You need to")
        || text.startsWith("Multiple ") || text.startsWith("The options")) {
      return AptibleException.Kind.INVALID_INPUT;
    }
    return AptibleException.Kind.OTHER;
  }

  private static String advice(AptibleException.Kind kind) {
    return switch (kind) {
      case AUTHENTICATION -> ". Run 'aptible login' or set APTIBLE_ACCESS_TOKEN to a valid token.";
      case OPERATION_FAILED -> ". See the operation's logs ('aptible operation:logs ID') and retry.";
      case ALREADY_EXISTS -> ". Pick another handle, or reuse the existing resource.";
      case NOT_FOUND -> ". Check the handle and the environment.";
      default -> "";
    };
  }
}
