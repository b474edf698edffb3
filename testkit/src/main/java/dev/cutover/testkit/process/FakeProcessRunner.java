package dev.cutover.testkit.process;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.Redactor;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A {@link ProcessRunner} for unit tests: records every {@link Command} (argv, environment, the
 * names of secret variables) and replays scripted output and exit codes. Starts no process.
 *
 * <pre>{@code
 * FakeProcessRunner runner = new FakeProcessRunner()
 *     .on(argv -> argv.contains("db:list")).reply(0, "my-db\n", "")
 *     .on(argv -> argv.contains("db:tunnel")).keepsRunning("Connect at postgresql://aptible:pw@localhost.aptible.in:6543/db\n", "");
 * ...
 * assertThat(runner.argvs()).contains(List.of("aptible", "db:list"));
 * assertThat(runner.openProcesses()).isEmpty();
 * }</pre>
 *
 * <p>The most recently added script whose matcher accepts a command answers it. A script given
 * several replies answers with them in turn and repeats the last. A command no script matches
 * fails with {@link IllegalStateException} naming it, so unexpected calls do not pass unnoticed;
 * call {@link #otherwise} to answer them instead. Like the real runner, output lines reach the
 * consumer redacted, a non-success exit code throws {@link CommandFailedException} with the output
 * tail, and a reply that never exits makes {@link #run} time out. Thread-safe.
 */
public final class FakeProcessRunner implements ProcessRunner {
  private final Redactor redactor;
  private final Deque<Script> scripts = new ArrayDeque<>();
  private final List<Command> commands = new ArrayList<>();
  private final List<FakeRunningProcess> started = new ArrayList<>();
  private Function<Command, Reply> otherwise;
  private long nextPid = 10_000;

  /** A fake that masks only URL passwords in streamed lines. */
  public FakeProcessRunner() {
    this(Redactor.create());
  }

  /** A fake that masks {@code redactor}'s secrets in streamed lines, like the real runner. */
  public FakeProcessRunner(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  /** Starts a script for commands whose argv (program first) {@code argvMatch} accepts. */
  public Script on(Predicate<List<String>> argvMatch) {
    Objects.requireNonNull(argvMatch, "argvMatch");
    return onCommand(c -> argvMatch.test(c.argv()));
  }

  /** Starts a script for commands {@code match} accepts (to match on environment or directory too). */
  public Script onCommand(Predicate<Command> match) {
    return new Script(Objects.requireNonNull(match, "match"));
  }

  /** Answers every command no script matches with {@code answer} instead of failing. */
  public synchronized FakeProcessRunner otherwise(Function<Command, Reply> answer) {
    this.otherwise = Objects.requireNonNull(answer, "answer");
    return this;
  }

  /** Every command run or started, in order. */
  public synchronized List<Command> commands() {
    return List.copyOf(commands);
  }

  /** The argv of every command run or started, in order. */
  public synchronized List<List<String>> argvs() {
    return commands.stream().map(Command::argv).toList();
  }

  /** The commands whose argv {@code argvMatch} accepts, in order. */
  public synchronized List<Command> commands(Predicate<List<String>> argvMatch) {
    return commands.stream().filter(c -> argvMatch.test(c.argv())).toList();
  }

  /** Every process {@link #start}ed, in order. */
  public synchronized List<FakeRunningProcess> started() {
    return List.copyOf(started);
  }

  /** Started processes nobody closed: a leak when a test ends with any. */
  public synchronized List<FakeRunningProcess> openProcesses() {
    return started.stream().filter(p -> !p.isClosed()).toList();
  }

  /**
   * Answers {@code command} with its scripted reply, streaming the reply's lines to {@code output}.
   *
   * @throws CommandFailedException when the reply's exit code is not a success code, when the reply
   *     never exits (as a timeout), or when the reply is a start failure
   * @throws IllegalStateException when no script matches and no {@link #otherwise} answer is set
   */
  @Override
  public CommandResult run(Command command, Consumer<OutputLine> output) {
    Reply reply = answer(command);
    String commandLine = redactor.redact(command.commandLine());
    String program = redactor.redact(command.program());
    reply.throwIfStartFailure(program, commandLine, redactor);
    List<String> tail = stream(reply, output);
    if (!reply.exits()) {
      throw new CommandFailedException(program, program + ": timed out after "
          + command.timeout().toSeconds() + " s, process tree killed (" + commandLine + ")" + render(tail),
          commandLine, -1, tail, command.timeout(), true, true, null);
    }
    if (!command.successExitCodes().contains(reply.exitCode())) {
      throw new CommandFailedException(program, program + ": exited " + reply.exitCode()
          + " (" + commandLine + ")" + render(tail), commandLine, reply.exitCode(), tail, Duration.ZERO,
          false, false, null);
    }
    return new CommandResult(reply.exitCode(), reply.stdout(), reply.stderr(), Duration.ZERO);
  }

  /**
   * Returns a {@link FakeRunningProcess} that has printed the reply's lines (streamed to
   * {@code output} at once) and, unless the reply {@linkplain Reply#running keeps running}, has exited.
   *
   * @throws CommandFailedException when the reply is a start failure
   */
  @Override
  public RunningProcess start(Command command, Consumer<OutputLine> output) {
    Reply reply = answer(command);
    String commandLine = redactor.redact(command.commandLine());
    String program = redactor.redact(command.program());
    reply.throwIfStartFailure(program, commandLine, redactor);
    FakeRunningProcess process;
    synchronized (this) {
      process = new FakeRunningProcess(nextPid++, program, commandLine, redactor, output);
      started.add(process);
    }
    reply.lines().forEach(l -> process.print(l.stream(), l.line()));
    if (reply.exits()) {
      process.exit(reply.exitCode());
    }
    return process;
  }

  private synchronized Reply answer(Command command) {
    commands.add(Objects.requireNonNull(command, "command"));
    for (Script script : scripts) {
      if (script.match.test(command)) {
        return script.next(command);
      }
    }
    if (otherwise != null) {
      return otherwise.apply(command);
    }
    throw new IllegalStateException("FakeProcessRunner: no script for " + command
        + "; add one with on(argv -> ...).reply(...) or otherwise(...)");
  }

  private List<String> stream(Reply reply, Consumer<OutputLine> output) {
    List<String> tail = new ArrayList<>();
    for (OutputLine raw : reply.lines()) {
      OutputLine line = new OutputLine(raw.stream(), redactor.redact(raw.line()));
      tail.add(line.line());
      output.accept(line);
    }
    return tail.size() > 50 ? List.copyOf(tail.subList(tail.size() - 50, tail.size())) : tail;
  }

  private static String render(List<String> tail) {
    return tail.isEmpty() ? "" : "\n" + String.join("\n", tail);
  }

  @Override
  public synchronized String toString() {
    return "FakeProcessRunner[" + scripts.size() + " scripts, " + commands.size() + " commands]";
  }

  /** What a scripted child does. Create with the static factories. */
  public static final class Reply {
    private final int exitCode;
    private final String stdout;
    private final String stderr;
    private final boolean exits;
    private final String startFailure;

    private Reply(int exitCode, String stdout, String stderr, boolean exits, String startFailure) {
      this.exitCode = exitCode;
      this.stdout = Objects.requireNonNull(stdout, "stdout");
      this.stderr = Objects.requireNonNull(stderr, "stderr");
      this.exits = exits;
      this.startFailure = startFailure;
    }

    /** Prints {@code stdout} then {@code stderr}, then exits with {@code exitCode}. */
    public static Reply exit(int exitCode, String stdout, String stderr) {
      return new Reply(exitCode, stdout, stderr, true, null);
    }

    /** Prints {@code stdout} then {@code stderr} and never exits by itself (run() times out). */
    public static Reply running(String stdout, String stderr) {
      return new Reply(-1, stdout, stderr, false, null);
    }

    /** Cannot be started, e.g. the program is not installed. */
    public static Reply startFailure(String message) {
      return new Reply(-1, "", "", false, Objects.requireNonNull(message, "message"));
    }

    public int exitCode() {
      return exitCode;
    }

    public String stdout() {
      return stdout;
    }

    public String stderr() {
      return stderr;
    }

    /** Whether the child exits by itself. */
    public boolean exits() {
      return exits;
    }

    List<OutputLine> lines() {
      List<OutputLine> lines = new ArrayList<>();
      stdout.lines().forEach(l -> lines.add(new OutputLine(OutputLine.Stream.STDOUT, l)));
      stderr.lines().forEach(l -> lines.add(new OutputLine(OutputLine.Stream.STDERR, l)));
      return lines;
    }

    void throwIfStartFailure(String program, String commandLine, Redactor redactor) {
      if (startFailure != null) {
        throw new CommandFailedException(program, program + ": could not start ("
            + commandLine + "): " + redactor.redact(startFailure), commandLine, -1, List.of(), Duration.ZERO,
            false, false, null);
      }
    }

    @Override
    public String toString() {
      return startFailure != null ? "Reply[start failure]"
          : "Reply[" + (exits ? "exit " + exitCode : "running") + ", stdout " + stdout.length()
              + " chars, stderr " + stderr.length() + " chars]";
    }
  }

  /** The replies for the commands one matcher accepts. Add at least one reply. */
  public final class Script {
    private final Predicate<Command> match;
    private final Deque<Function<Command, Reply>> replies = new ArrayDeque<>();

    private Script(Predicate<Command> match) {
      this.match = match;
    }

    /** Prints {@code stdout}, then exits with {@code exitCode}. */
    public Script reply(int exitCode, String stdout) {
      return reply(exitCode, stdout, "");
    }

    /** Prints {@code stdout} then {@code stderr}, then exits with {@code exitCode}. */
    public Script reply(int exitCode, String stdout, String stderr) {
      return answer(c -> Reply.exit(exitCode, stdout, stderr));
    }

    /** Prints its output and never exits by itself: a started process stays alive, run() times out. */
    public Script keepsRunning(String stdout, String stderr) {
      return answer(c -> Reply.running(stdout, stderr));
    }

    /** Cannot be started. */
    public Script failsToStart(String message) {
      return answer(c -> Reply.startFailure(message));
    }

    /** Computes the reply from the command, e.g. to write the file a real tool would write. */
    public Script answer(Function<Command, Reply> answer) {
      Objects.requireNonNull(answer, "answer");
      synchronized (FakeProcessRunner.this) {
        if (replies.isEmpty()) {
          scripts.addFirst(this);
        }
        replies.addLast(answer);
      }
      return this;
    }

    /** Another script on the same runner, for chaining. */
    public Script on(Predicate<List<String>> argvMatch) {
      return FakeProcessRunner.this.on(argvMatch);
    }

    /** The runner, once scripting is done. */
    public FakeProcessRunner runner() {
      return FakeProcessRunner.this;
    }

    private Reply next(Command command) {
      Function<Command, Reply> answer = replies.size() > 1 ? replies.removeFirst() : replies.peekFirst();
      return Objects.requireNonNull(answer.apply(command), "a scripted answer returned null");
    }

    @Override
    public String toString() {
      return "Script[" + replies.size() + " replies]";
    }
  }
}
