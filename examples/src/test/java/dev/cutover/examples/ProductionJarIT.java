package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code examples/target/cutover.jar}, the CLI a user runs against production, ships no testkit, no
 * fakes, no SSH server (JGit's SSH client stays: the git push needs it) and no demo, and still plans
 * a migration: here of the demo app, through its flags, against the testkit's fakes.
 */
@Tag("integration")
class ProductionJarIT {
  static final Path JAR = ReadmeIT.ROOT.resolve("examples/target/cutover.jar");

  @Test
  void productionJar_holdsNoTestkitFakesSshServerOrDemo() throws Exception {
    List<String> entries;
    try (ZipFile zip = new ZipFile(JAR.toFile())) {
      entries = zip.stream().map(ZipEntry::getName).toList();
    }
    assertThat(entries).contains("dev/cutover/examples/CutoverCli.class", "dev/cutover/aptible/AptibleClient.class",
        "org/eclipse/jgit/transport/sshd/SshdSessionFactory.class");
    assertThat(entries).filteredOn(e -> e.startsWith("dev/cutover/testkit/") || e.startsWith("mockwebserver3/")
        || e.startsWith("org/apache/sshd/git/") || e.startsWith("org/bouncycastle/")
        || e.startsWith("dev/cutover/examples/Demo") || e.startsWith("dev/cutover/examples/SampleNodeApp")).isEmpty();
    System.out.printf("cutover.jar: %.1f MB, cutover-demo.jar: %.1f MB%n", Files.size(JAR) / 1e6,
        Files.size(JAR.resolveSibling("cutover-demo.jar")) / 1e6);
  }

  @Test
  void productionJar_plansAMigration_andSendsDemoToTheDemoJar() throws Exception {
    Preconditions.requireLocalTools();
    try (DemoEnvironment env = DemoEnvironment.start(20)) {
      Path bin = env.toolsOnPath();
      Run plan = run(env, "plan", "-a", DemoEnvironment.SOURCE_APP, "-e", DemoEnvironment.ENVIRONMENT,
          "--repo", env.repository().toString(), "--heroku-api-url", env.heroku().apiUrl(), "--heroku-data-host",
          env.heroku().dataApiHost(), "--heroku-ca-file", env.heroku().caCertificatePem().toString(), "--heroku-cli",
          bin.resolve("heroku").toString(), "--aptible-cli", bin.resolve("aptible").toString());
      assertThat(plan.code()).as(plan.stderr()).isZero();
      assertThat(plan.stdout()).contains("Migration plan: legacy-shop (Heroku) -> demo-env/legacy-shop (Aptible)");

      Run demo = run(env, "demo");
      assertThat(demo.code()).isEqualTo(CutoverCli.BAD_INPUT);
      assertThat(demo.stderr()).contains("java -jar examples/target/cutover-demo.jar demo");
    }
  }

  record Run(int code, String stdout, String stderr) {}

  private static Run run(DemoEnvironment env, String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    argv.addAll(List.of(args));
    Path out = Files.createTempFile(env.directory(), "cli-", ".out");
    Path err = Files.createTempFile(env.directory(), "cli-", ".err");
    // in the environment's directory: `plan` keeps the plan under the (default, relative) work directory
    ProcessBuilder pb = new ProcessBuilder(argv).directory(env.directory().toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_"));
    pb.environment().put("HEROKU_API_KEY", env.heroku().apiKey().reveal());
    pb.environment().put("APTIBLE_ACCESS_TOKEN", env.aptible().token().reveal());
    Process p = pb.start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
