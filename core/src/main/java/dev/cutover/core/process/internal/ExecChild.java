package dev.cutover.core.process.internal;

import dev.cutover.core.CommandFailedException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.Redactor;
import dev.cutover.core.WaitTimeoutException;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.RunningProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One child started through commons-exec: its output, its exit, and how to stop its tree. */
final class ExecChild implements RunningProcess {
  private static final Logger log = LoggerFactory.getLogger(ExecChild.class);
  /** Redacted lines kept for exceptions and {@link #outputTail()}. */
  static final int TAIL_LINES = 50;
  /** Raw lines kept for {@link #awaitLine}; a long-lived chatty child must not grow without bound. */
  static final int HISTORY_LINES = 10_000;
  /** How long to wait for the last output after the tree was killed. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(3);

  private final Command command;
  private final Redactor redactor;
  private final Consumer<OutputLine> output;
  private final Duration grace;
  private final String commandLine;
  /** The program as shown in messages and as the exception's step, redacted like the command line. */
  private final String program;
  private final long startNanos = System.nanoTime();
  private final LinePumps pumps;
  private final Object lock = new Object();
  /** Serialises the consumer's calls from the stdout and stderr readers. */
  private final Object outputLock = new Object();
  private final ArrayDeque<String> tail = new ArrayDeque<>();
  private final ArrayDeque<String> history = new ArrayDeque<>();
  private long historyDropped;
  private final CompletableFuture<Process> launched = new CompletableFuture<>();
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ExecChild(Command command, Redactor redactor, Consumer<OutputLine> output, Duration grace, boolean keepRaw) {
    this.command = command;
    this.redactor = redactor;
    this.output = output;
    this.grace = grace;
    this.commandLine = redactor.redact(command.commandLine());
    this.program = redactor.redact(command.program());
    this.pumps = new LinePumps(threadName(program), keepRaw, this::onLine);
  }

  /**
   * Starts {@code command} and returns once the child is running.
   *
   * @throws CommandFailedException when it cannot be started
   * @throws MigrationCancelledException when interrupted (a child that started anyway is killed)
   */
  static ExecChild start(Command command, Redactor redactor, Consumer<OutputLine> output, Duration grace,
      boolean keepRaw) {
    ExecChild child = new ExecChild(command, redactor, output, grace, keepRaw);
    child.launch();
    return child;
  }

  private void launch() {
    CommandLine cl = new CommandLine(command.argv().get(0));
    command.argv().subList(1, command.argv().size()).forEach(arg -> cl.addArgument(arg, false));
    Executor executor = new Executor();
    executor.setStreamHandler(pumps);
    executor.setExitValues(null);
    command.workingDirectory().map(Path::toFile).ifPresent(executor::setWorkingDirectory);
    log.debug("Starting {}", commandLine);
    try {
      executor.execute(cl, environment(command), new ResultHandler());
    } catch (IOException e) {
      launched.completeExceptionally(e);
    }
    try {
      launched.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason = String.valueOf(cause.getMessage());
      String redacted = redactor.redact(reason);
      // The cause is kept only when its message holds no secret: stack traces get logged whole.
      throw new CommandFailedException(program, program + ": could not start (" + commandLine + "): " + redacted
          + "; check that it is installed and on PATH", commandLine, -1, List.of(), elapsed(), false, false,
          redacted.equals(reason) ? cause : null);
    } catch (InterruptedException e) {
      launched.thenAccept(p -> ProcessTree.stop(p.toHandle(), false, Duration.ZERO));
      throw MigrationCancelledException.interrupted(program, e);
    }
  }

  private static Map<String, String> environment(Command command) {
    Map<String, String> env = command.inheritEnvironment() ? new HashMap<>(System.getenv()) : new HashMap<>();
    command.removedEnvironment().forEach(env::remove);
    env.putAll(command.environment());
    command.secretEnvironment().forEach((name, secret) -> env.put(name, secret.reveal()));
    return env;
  }

  private void onLine(OutputLine.Stream stream, String raw) {
    String redacted = redactor.redact(raw);
    synchronized (lock) {
      history.addLast(raw);
      if (history.size() > HISTORY_LINES) {
        history.removeFirst();
        historyDropped++;
      }
      tail.addLast(redacted);
      if (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
      lock.notifyAll();
    }
    try {
      synchronized (outputLock) {
        output.accept(new OutputLine(stream, redacted));
      }
    } catch (RuntimeException e) {
      // A failing consumer must not stop the pump: the child would block on a full pipe.
      log.warn("Output consumer of {} threw {}; line dropped", program, e.getClass().getName());
    }
  }

  /**
   * Waits up to {@code timeout} for the child to exit and its output to be read.
   *
   * @return the exit code, or empty on timeout
   */
  OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    try {
      return OptionalInt.of(exited.get(timeout.toNanos(), TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      return OptionalInt.empty();
    } catch (ExecutionException e) {
      throw new IllegalStateException("exit future never fails", e);
    }
  }

  /** Kills the whole tree at once (no SIGINT, no grace) and waits briefly for the last output. */
  void kill() {
    closed.set(true);
    process().ifPresent(p -> ProcessTree.stop(p.toHandle(), false, Duration.ZERO));
    awaitOutputAfterKill();
  }

  CommandResult result(int exitCode) {
    return new CommandResult(exitCode, pumps.rawStdout(), pumps.rawStderr(), elapsed());
  }

  CommandFailedException failed(int exitCode) {
    List<String> lines = outputTail();
    return new CommandFailedException(program, program + ": exited " + exitCode
        + " (" + commandLine + ")" + render(lines), commandLine, exitCode, lines, elapsed(), false, false, null);
  }

  CommandFailedException timedOut() {
    List<String> lines = outputTail();
    return new CommandFailedException(program, program + ": timed out after "
        + command.timeout().toSeconds() + " s, process tree killed (" + commandLine + ")" + render(lines),
        commandLine, -1, lines, elapsed(), true, true, null);
  }

  private static String render(List<String> lines) {
    return lines.isEmpty() ? "" : "\n" + String.join("\n", lines);
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private java.util.Optional<Process> process() {
    return java.util.Optional.ofNullable(launched.getNow(null));
  }

  @Override
  public long pid() {
    return launched.join().pid();
  }

  @Override
  public boolean isAlive() {
    return launched.join().isAlive();
  }

  @Override
  public String awaitLine(Predicate<String> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long seen = 0;
    synchronized (lock) {
      while (true) {
        long index = historyDropped;
        for (String line : history) {
          if (index++ >= seen && match.test(line)) {
            return line;
          }
        }
        seen = index;
        if (exited.isDone()) {
          List<String> lines = List.copyOf(tail);
          throw new CommandFailedException(program, program + ": exited "
              + exited.join() + " before printing the expected line (" + commandLine + ")" + render(lines),
              commandLine, exited.join(), lines, elapsed(), false, false, null);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new WaitTimeoutException(program, "a matching output line from " + program,
              timeout, tail.isEmpty() ? "no output yet" : "last line: " + tail.peekLast());
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          killFromWait();
          throw MigrationCancelledException.interrupted(program, e);
        }
      }
    }
  }

  @Override
  public OptionalInt waitFor(Duration timeout) {
    try {
      return awaitExit(timeout);
    } catch (InterruptedException e) {
      killFromWait();
      throw MigrationCancelledException.interrupted(program, e);
    }
  }

  /** Kills the tree after an interrupt, without waiting for output on a thread that holds {@link #lock}. */
  private void killFromWait() {
    closed.set(true);
    process().ifPresent(p -> ProcessTree.stop(p.toHandle(), false, Duration.ZERO));
  }

  @Override
  public List<String> outputTail() {
    synchronized (lock) {
      return List.copyOf(tail);
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      process().ifPresent(p -> ProcessTree.stop(p.toHandle(), true, grace));
      awaitOutputAfterKill();
    }
  }

  private void awaitOutputAfterKill() {
    boolean interrupted = Thread.interrupted();
    try {
      exited.get(AFTER_KILL.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (ExecutionException | TimeoutException e) {
      log.debug("Output of {} not drained after kill", program);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    Process p = launched.getNow(null);
    return "RunningProcess[" + (p == null ? "starting" : "pid " + p.pid() + (p.isAlive() ? ", alive" : ", exited"))
        + ", " + commandLine + "]";
  }

  private static String threadName(String program) {
    String base = program.substring(program.lastIndexOf('/') + 1);
    return base.length() > 20 ? base.substring(0, 20) : base;
  }

  /** Launches through {@link ProcessBuilder} so stdin is really {@code /dev/null}, and keeps the {@link Process}. */
  private final class Executor extends DefaultExecutor {
    @SuppressWarnings("deprecation")
    Executor() {
      super();
    }

    @Override
    protected Thread createThread(Runnable runnable, String name) {
      Thread t = new Thread(runnable, "cutover-" + threadName(program) + "-wait");
      t.setDaemon(true);
      return t;
    }

    @Override
    protected Process launch(CommandLine cl, Map<String, String> env, Path dir) throws IOException {
      ProcessBuilder pb = new ProcessBuilder(cl.toStrings()).redirectInput(ProcessBuilder.Redirect.from(ExecProcessRunner.DEV_NULL));
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      pb.environment().clear();
      pb.environment().putAll(env);
      try {
        Process p = pb.start();
        launched.complete(p);
        return p;
      } catch (IOException e) {
        launched.completeExceptionally(e);
        throw e;
      }
    }

    @Override
    protected Process launch(CommandLine cl, Map<String, String> env, File dir) throws IOException {
      return launch(cl, env, dir == null ? null : dir.toPath());
    }
  }

  /** Called on the executor's thread once the child exited and its output was read. */
  private final class ResultHandler implements ExecuteResultHandler {
    @Override
    public void onProcessComplete(int exitValue) {
      finish(exitValue);
    }

    @Override
    public void onProcessFailed(ExecuteException e) {
      if (!launched.isDone()) {
        launched.completeExceptionally(e.getCause() == null ? e : e.getCause());
      }
      finish(e.getExitValue());
    }

    private void finish(int exitValue) {
      exited.complete(exitValue);
      synchronized (lock) {
        lock.notifyAll();
      }
      log.debug("{} exited {} after {} ms", program, exitValue, elapsed().toMillis());
    }
  }
}
