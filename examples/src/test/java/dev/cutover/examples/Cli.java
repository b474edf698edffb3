package dev.cutover.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real {@code cutover} main in a child JVM against a {@link DemoEnvironment}'s fakes. */
final class Cli {
  private Cli() {}

  /** Connection options for the environment's fakes, with the real {@code heroku} and fake {@code aptible} executables. */
  static List<String> connection(DemoEnvironment env) {
    List<String> heroku = env.herokuCli().command();
    return connection(env, heroku.get(heroku.size() - 1), env.aptible().cliCommand().get(0));
  }

  /** Connection options for the environment's fakes, with these {@code heroku} and {@code aptible} executables. */
  static List<String> connection(DemoEnvironment env, String herokuCli, String aptibleCli) {
    return List.of("--heroku-api-url", env.heroku().apiUrl(), "--heroku-data-host", env.heroku().dataApiHost(),
        "--heroku-ca-file", env.heroku().caCertificatePem().toString(), "--heroku-cli", herokuCli,
        "--aptible-cli", aptibleCli, "--aptible-git-remote", env.gitServer().remoteTemplate(),
        "--ssh-key", env.gitServer().clientKey().toString(), "--ssh-known-hosts", env.gitServer().knownHosts().toString(),
        "--tunnel-sslmode", "prefer");
  }

  /** Starts {@code cutover ARGS CONNECTION} with the fakes' tokens, no terminal, and step lines on stderr. */
  static SigkillResumeTest.Child start(DemoEnvironment env, List<String> connection, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.logFile=System.err",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", CutoverCli.class.getName()));
    argv.addAll(List.of(args));
    argv.addAll(connection);
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_"));
    pb.environment().put("HEROKU_API_KEY", env.heroku().apiKey().reveal());
    pb.environment().put("APTIBLE_ACCESS_TOKEN", env.aptible().token().reveal());
    pb.environment().putAll(env.aptible().cliEnvironment());
    return new SigkillResumeTest.Child(pb.start());
  }
}
