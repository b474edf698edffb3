package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import org.junit.jupiter.api.Test;

/** {@code examples/jshell/migrate.jsh} compiles snippet by snippet against the SDK, as JShell reads it. */
class JShellScriptTest {
  @Test
  void migrateJsh_everySnippet_compiles() throws Exception {
    // without a Heroku token the script stops at HerokuClient.fromEnvironment() (every later snippet
    // still compiles, then fails on the missing client): nothing reaches the network
    assumeTrue(System.getenv("HEROKU_API_KEY") == null
        && !Files.exists(Path.of(System.getProperty("user.home"), ".netrc")), "a Heroku token is configured here");
    Path root = Path.of(System.getProperty("cutover.repo.root", "..")).toAbsolutePath().normalize();
    String script = Files.readString(root.resolve("examples/jshell/migrate.jsh"));
    List<String> rejected = new ArrayList<>();
    int snippets = 0;
    try (JShell shell = JShell.builder().executionEngine("local").build()) {
      shell.addToClasspath(System.getProperty("java.class.path"));
      SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
      String rest = script;
      while (!rest.isBlank()) {
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
        String source = info.source();
        rest = info.remaining();
        if (source == null || source.isBlank()) {
          break;
        }
        snippets++;
        for (SnippetEvent e : shell.eval(source)) {
          if (e.status() == Snippet.Status.REJECTED) {
            rejected.add(source.strip() + " -> " + shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).toList());
          }
        }
      }
    }
    assertThat(snippets).isGreaterThan(8);
    assertThat(rejected).isEmpty();
  }

}
