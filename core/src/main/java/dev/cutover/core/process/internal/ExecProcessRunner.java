package dev.cutover.core.process.internal;

import dev.cutover.core.Redactor;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import java.util.Objects;
import java.util.function.Consumer;

/** The commons-exec runner. */
public final class ExecProcessRunner implements ProcessRunner {
  private final Redactor redactor;

  public ExecProcessRunner(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  @Override
  public CommandResult run(Command command, Consumer<OutputLine> output) {
    throw new IllegalStateException("being written");
  }

  @Override
  public RunningProcess start(Command command, Consumer<OutputLine> output) {
    throw new IllegalStateException("being written");
  }
}
