package dev.cutover.postgres;

import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/** Records every command; runs it with a delegate, or answers from a script when there is none. */
final class RecordingRunner implements ProcessRunner {
  final List<Command> commands = new CopyOnWriteArrayList<>();
  private final ProcessRunner delegate;
  private final Function<Command, String> stdout;

  private RecordingRunner(ProcessRunner delegate, Function<Command, String> stdout) {
    this.delegate = delegate;
    this.stdout = stdout;
  }

  static RecordingRunner around(ProcessRunner delegate) {
    return new RecordingRunner(delegate, null);
  }

  /** A fake that prints {@code stdout.apply(command)} and exits 0. */
  static RecordingRunner answering(Function<Command, String> stdout) {
    return new RecordingRunner(null, stdout);
  }

  static RecordingRunner answering(Map<String, String> byProgramName) {
    return answering(c -> byProgramName.getOrDefault(java.nio.file.Path.of(c.program()).getFileName().toString(), ""));
  }

  @Override
  public CommandResult run(Command command, Consumer<OutputLine> output) {
    commands.add(command);
    if (delegate != null) {
      return delegate.run(command, output);
    }
    String out = stdout.apply(command);
    out.lines().forEach(l -> output.accept(new OutputLine(OutputLine.Stream.STDOUT, l)));
    return new CommandResult(0, out, "", Duration.ZERO);
  }

  @Override
  public RunningProcess start(Command command, Consumer<OutputLine> output) {
    commands.add(command);
    return delegate.start(command, output);
  }
}
