package dev.cutover.examples;

import java.io.Console;
import java.util.Optional;

/** The operator's terminal, when there is one: where {@code cutover migrate} asks for confirmation. */
interface Terminal {
  /** No terminal: the CLI runs in a script, a pipeline or CI. */
  Terminal NONE = prompt -> Optional.empty();

  /** Shows {@code prompt} and reads one line; empty when there is no terminal (or it was closed). */
  Optional<String> ask(String prompt);

  /** {@link System#console()}, when the JVM has one. */
  static Terminal system() {
    Console console = System.console();
    return console == null ? NONE : prompt -> Optional.ofNullable(console.readLine("%s", prompt));
  }
}
