package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * README.md works as written: every {@code java} block compiles against the built modules with the
 * imports it shows, and its JShell line, run with the JDK's real {@code jshell} on the packaged
 * {@code examples/target/cutover.jar}, prints the plan (here of the demo app on the testkit).
 * Runs after {@code package} (failsafe), so the jar is the one the README names.
 */
@Tag("integration")
class ReadmeIT {
  static final Path ROOT = Path.of(System.getProperty("cutover.repo.root", "..")).toAbsolutePath().normalize();
  private static final Pattern BLOCK = Pattern.compile("```(\\w+)\\n(.*?)```", Pattern.DOTALL);

  static List<String> blocks(String language) throws IOException {
    Matcher m = BLOCK.matcher(Files.readString(ROOT.resolve("README.md")));
    List<String> blocks = new ArrayList<>();
    while (m.find()) {
      if (m.group(1).equals(language)) {
        blocks.add(m.group(2));
      }
    }
    return blocks;
  }

  @Test
  void javaBlocks_compiledWithTheirImports_haveNoErrors() throws IOException {
    List<String> blocks = blocks("java");
    assertThat(blocks).isNotEmpty();
    List<JavaFileObject> sources = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      StringBuilder imports = new StringBuilder();
      StringBuilder body = new StringBuilder();
      for (String line : blocks.get(i).split("\n")) {
        (line.startsWith("import ") ? imports : body).append(line).append('\n');
      }
      String name = "ReadmeBlock" + i;
      String source = imports + "class " + name + " {\n  void run() throws Exception {\n" + body + "  }\n}\n";
      sources.add(new SimpleJavaFileObject(URI.create("string:///" + name + ".java"), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return source;
        }
      });
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Path out = Files.createTempDirectory("readme-blocks-");
    try {
      boolean ok = javac.getTask(new StringWriter(), null, diagnostics, List.of("-proc:none", "-d", out.toString(),
          "-cp", System.getProperty("java.class.path")), null, sources).call();
      assertThat(diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
          .map(d -> d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null))).isEmpty();
      assertThat(ok).isTrue();
    } finally {
      try (var files = Files.walk(out)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void jshellLine_inTheRealJshell_printsThePlanOfTheDemoApp() throws Exception {
    Preconditions.requireLocalTools();
    String line = blocks("sh").stream().flatMap(b -> b.lines()).filter(l -> l.startsWith("jshell ")).findFirst()
        .orElseThrow(() -> new AssertionError("no jshell line in README.md"));
    List<String> argv = new ArrayList<>(List.of(line.trim().split("\\s+")));
    argv.set(0, Path.of(System.getProperty("java.home"), "bin", "jshell").toString());
    try (DemoEnvironment env = DemoEnvironment.start(20)) {
      ProcessBuilder pb = new ProcessBuilder(argv).directory(ROOT.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      Map<String, String> e = pb.environment();
      e.keySet().removeIf(k -> k.startsWith("CUTOVER_") || k.startsWith("HEROKU_") || k.startsWith("APTIBLE_"));
      e.put("PATH", env.toolsOnPath() + File.pathSeparator + e.getOrDefault("PATH", ""));
      e.put("HEROKU_API_KEY", env.heroku().apiKey().reveal());
      e.put("APTIBLE_ACCESS_TOKEN", env.aptible().token().reveal());
      e.putAll(env.aptible().cliEnvironment());
      e.put("CUTOVER_HEROKU_API_URL", env.heroku().apiUrl());
      e.put("CUTOVER_HEROKU_DATA_HOST", env.heroku().dataApiHost());
      e.put("CUTOVER_HEROKU_CA_FILE", env.heroku().caCertificatePem().toString());
      e.put("CUTOVER_HEROKU_APP", DemoEnvironment.SOURCE_APP);
      e.put("CUTOVER_APTIBLE_ENVIRONMENT", DemoEnvironment.ENVIRONMENT);
      e.put("CUTOVER_APTIBLE_APP", DemoEnvironment.TARGET_APP);
      e.put("CUTOVER_REPO", env.repository().toString());
      Path output = Files.createTempFile(env.directory(), "jshell-", ".out");
      Process jshell = pb.redirectErrorStream(true).redirectOutput(output.toFile()).start();
      assertThat(jshell.waitFor(3, TimeUnit.MINUTES)).as("jshell finished").isTrue();
      String printed = Files.readString(output, StandardCharsets.UTF_8);

      assertThat(printed).as(printed)
          .contains("Migration plan: legacy-shop (Heroku) -> demo-env/legacy-shop (Aptible)")
          .contains("14. deploy", "git push main:master from " + env.repository())
          .contains("[manual]   scheduler")
          .contains("Type plan.run() to migrate")
          .doesNotContain("Error:", "Exception", "cannot be converted", "illegal start of expression")
          .doesNotContain(env.heroku().apiKey().reveal(), "demo-session-secret-4f9a1c");
      assertThat(jshell.exitValue()).isZero();
    }
  }
}
