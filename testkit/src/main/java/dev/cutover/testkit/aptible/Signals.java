package dev.cutover.testkit.aptible;

/** SIGINT handling for the fake CLI's foreground commands (the JDK's {@code sun.misc.Signal}). */
final class Signals {
  private Signals() {}

  @SuppressWarnings("restriction")
  static void onInterrupt(Runnable action) {
    sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> action.run());
  }
}
