package dev.cutover.examples;

import dev.cutover.core.Redactor;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** The real process runner, recording the argv of every child it starts: proof that nothing was spawned. */
final class RecordingRunner implements ProcessRunner {
  private final ProcessRunner real;
  private final List<List<String>> started = new CopyOnWriteArrayList<>();

  RecordingRunner(Redactor redactor) {
    this.real = ProcessRunner.create(redactor);
  }

  @Override
  public CommandResult run(Command command, Consumer<OutputLine> output) {
    started.add(command.argv());
    return real.run(command, output);
  }

  @Override
  public RunningProcess start(Command command, Consumer<OutputLine> output) {
    started.add(command.argv());
    return real.start(command, output);
  }

  /** The argv of every child started so far. */
  List<List<String>> started() {
    return List.copyOf(started);
  }

  void clear() {
    started.clear();
  }
}
