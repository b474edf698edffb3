package dev.cutover.aptible.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.AptibleRepoPreparation;
import dev.cutover.aptible.RepoChange;
import dev.cutover.aptible.RepoFinding;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoFinding.Severity;
import dev.cutover.aptible.RepoPlan;
import dev.cutover.aptible.RepoPreparer;
import dev.cutover.aptible.RepoPreparer.DeployMethod;
import dev.cutover.core.Secret;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import dev.cutover.core.model.Deploy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The preparer on real public Heroku apps (corpus/SOURCES.md: repository, commit, licence), each in
 * the scenario of its {@code app.properties} (live buildpacks, stack, config var names, deploy
 * method). For every app: the written files equal the checked-in golden files
 * ({@code CUTOVER_UPDATE_GOLDEN=true} rewrites them), the plan (changes and findings) equals
 * {@code expected/plan.txt}, planning writes nothing, applying twice changes nothing the second
 * time, and a generated Dockerfile passes every deployability rule.
 */
class CorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/dev/cutover/aptible/corpus");
  private static final boolean UPDATE = "true".equals(System.getenv("CUTOVER_UPDATE_GOLDEN"));

  static Stream<String> apps() throws IOException {
    try (Stream<Path> dirs = Files.list(CORPUS)) {
      return dirs.filter(d -> Files.exists(d.resolve("app.properties"))).map(d -> d.getFileName().toString()).sorted()
          .toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("apps")
  void prepare_realApp_goldenFilesAndEveryDeployabilityRule(String app, @TempDir Path tmp) throws Exception {
    Properties props = properties(app);
    Path repo = tmp.resolve(app);
    copy(CORPUS.resolve(props.getProperty("repo", app)).resolve("repo"), repo);
    if (props.containsKey("procfile")) {
      Files.writeString(repo.resolve("Procfile"), props.getProperty("procfile").replace("\\n", "\n"));
    }
    if (props.containsKey("gitignore")) {
      Files.writeString(repo.resolve(".gitignore"), props.getProperty("gitignore").replace("\\n", "\n"));
    }
    AppInventory inventory = inventory(props);
    boolean git = Boolean.parseBoolean(props.getProperty("git", "false"));
    Deploy deploy = "image".equals(props.getProperty("deploy")) ? new Deploy.DockerImage("registry.example/app:1",
        java.util.Optional.empty(), java.util.Optional.of(repo)) : Deploy.git(repo, "main");
    if (git) {
      try (Git g = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
        g.add().addFilepattern(".").call();
        g.commit().setMessage("app").setAuthor("t", "t@localhost").setCommitter("t", "t@localhost").setSign(false).call();
      }
    }
    RepoPreparer preparer = RepoPreparer.forRepo(repo).inventory(inventory).deployMethod(DeployMethod.of(deploy))
        .overwrite(Boolean.parseBoolean(props.getProperty("overwrite", "false")));
    Map<String, String> before = snapshot(repo);

    RepoPlan plan = git ? new AptibleRepoPreparation().plan(deploy, inventory, OptionalInt.empty()).orElseThrow()
        : preparer.plan();

    assertThat(snapshot(repo)).as("planning writes nothing").isEqualTo(before);
    assertThat(plan.render() + plan.findings()).as("no config var value in the plan").doesNotContain("s3cr3t-");
    golden(app, plan);
    new Rules(app, plan).check();
    if (git) {
      new AptibleRepoPreparation().apply(deploy, inventory, OptionalInt.empty());
      assertCommitted(repo, plan.writes().stream().map(RepoChange::path).toList());
      assertThat(new AptibleRepoPreparation().apply(deploy, inventory, OptionalInt.empty())).isEmpty();
    } else {
      preparer.apply();
      Map<String, String> applied = snapshot(repo);
      assertThat(preparer.apply().writes()).as("a second apply writes nothing").isEmpty();
      assertThat(snapshot(repo)).isEqualTo(applied);
    }
  }

  /** HEAD holds every written file as it is on disk, .gitignore notwithstanding, and the work tree is clean for them. */
  private static void assertCommitted(Path repo, List<String> paths) throws Exception {
    try (Git g = Git.open(repo.toFile()); Repository r = g.getRepository(); RevWalk walk = new RevWalk(r)) {
      RevCommit head = walk.parseCommit(r.resolve("HEAD"));
      assertThat(head.getFullMessage()).startsWith("Re-organization for Aptible");
      for (String p : paths) {
        try (TreeWalk tw = TreeWalk.forPath(r, p, head.getTree())) {
          assertThat(tw).as(p + " in the commit").isNotNull();
          assertThat(new String(r.open(tw.getObjectId(0)).getBytes())).isEqualTo(Files.readString(repo.resolve(p)));
        }
      }
      var status = g.status().call();
      assertThat(status.getModified()).doesNotContainAnyElementsOf(paths);
      assertThat(status.getAdded()).doesNotContainAnyElementsOf(paths);
    }
  }

  private static void golden(String app, RepoPlan plan) throws IOException {
    Path expected = CORPUS.resolve(app).resolve("expected");
    Map<String, String> actual = new TreeMap<>();
    plan.writes().forEach(c -> actual.put(c.path(), c.content()));
    actual.put("plan.txt", plan.render().replace(plan.repo().toString(), "<repo>"));
    if (UPDATE) {
      if (Files.exists(expected)) {
        try (Stream<Path> old = Files.walk(expected)) {
          old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      for (var e : actual.entrySet()) {
        Path f = expected.resolve(e.getKey().replaceFirst("^\\.aptible/", "dot-aptible/"));
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.getValue());
      }
    }
    Map<String, String> want = new TreeMap<>();
    snapshot(expected).forEach((k, v) -> want.put(k.replaceFirst("^dot-aptible/", ".aptible/"), v));
    assertThat(actual).as("golden files of " + app + " (CUTOVER_UPDATE_GOLDEN=true rewrites them)").isEqualTo(want);
  }

  /** Every deployability rule, asserted on the plan and on the Dockerfile Aptible will build. */
  private record Rules(String app, RepoPlan plan) {
    void check() {
      RepoChange dockerfile = plan.change("Dockerfile").orElseThrow();
      boolean generated = dockerfile.action() != RepoChange.Action.KEEP;
      Dockerfile df = Dockerfile.parse(dockerfile.content());
      Findings fresh = new Findings();
      Checker checker = new Checker(df, "Dockerfile", fresh);
      checker.check(plan.port(), java.util.Optional.empty(), "");
      if (generated) {
        // no .aptible.env in any layer of the final image: the context is copied and deleted in the build stage only
        assertThat(of(Rule.SECRETS_IN_IMAGE)).isEmpty();
        assertThat(df.last().instructions()).filteredOn(i -> i.keyword().matches("COPY|ADD") && i.flag("from").isEmpty())
            .allSatisfy(i -> assertThat(i.args()).isEqualTo(".aptible/ /.aptible/"));
        for (Dockerfile.Stage s : df.stages().subList(0, df.stages().size() - 1)) {
          int copy = s.instructions().stream().filter(i -> i.args().equals(". .")).mapToInt(Dockerfile.Instruction::line)
              .findFirst().orElse(Integer.MAX_VALUE);
          assertThat(s.all("RUN")).anySatisfy(r -> {
            assertThat(r.args()).isEqualTo("rm -f .aptible.env");
            assertThat(r.line()).isGreaterThan(copy);
          });
        }
        // pinned images matching the runtime versions, frozen installs, Heroku's build steps, no dev dependencies
        assertThat(onDockerfile(Rule.PINNED_IMAGE, Rule.RUNTIME_VERSION, Rule.BUILD_STEPS, Rule.DEV_DEPENDENCIES,
            Rule.PORT, Rule.BUILT_FROM_SOURCE)).isEmpty();
        // an install that is not frozen only where the app has no lockfile to freeze (and the plan says so)
        if (!onDockerfile(Rule.LOCKFILE).isEmpty()) {
          assertThat(of(Rule.LOCKFILE)).anySatisfy(f -> assertThat(f.problem()).startsWith("no "));
        }
        // EXPOSE, PORT and the plan agree
        assertThat(checker.exposed()).contains(plan.port());
        assertThat(df.env(df.last(), "PORT")).contains(String.valueOf(plan.port()));
        // under the base image's ENTRYPOINT every command Aptible runs is plain argv
        if (checker.entrypoint().present().orElse(true)) {
          Procfile.parse(plan.change("Procfile").map(RepoChange::content).orElse("")).values()
              .forEach(c -> assertThat(ShellWords.shellOnly(c)).as(c).isEmpty());
          plan.beforeDeploy().forEach(c -> assertThat(ShellWords.shellOnly(c)).as(c).isEmpty());
        }
      } else {
        assertThat(fresh.list()).as("the kept Dockerfile's findings are in the plan").allSatisfy(f -> assertThat(
            plan.findings()).anySatisfy(p -> assertThat(List.of(p.rule(), p.file(), p.line(), p.severity()))
                .isEqualTo(List.of(f.rule(), f.file(), f.line(), f.severity()))));
      }
      // the release phase moved to before_deploy and out of the Procfile
      plan.change("Procfile").ifPresent(p -> assertThat(Procfile.parse(p.content())).doesNotContainKey("release"));
      AppChecks.check(app, plan, df);
    }

    List<RepoFinding> of(Rule rule) {
      return plan.findings().stream().filter(f -> f.rule() == rule).toList();
    }

    List<RepoFinding> onDockerfile(Rule... rules) {
      List<Rule> wanted = Arrays.asList(rules);
      return plan.findings().stream().filter(f -> f.file().equals("Dockerfile") && wanted.contains(f.rule())
          && f.severity() != Severity.INFO).toList();
    }
  }

  static Properties properties(String app) {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(CORPUS.resolve(app).resolve("app.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  static AppInventory inventory(Properties p) {
    List<String> buildpacks = p.getProperty("buildpacks", "").isEmpty() ? List.of()
        : List.of(p.getProperty("buildpacks").split(","));
    List<ConfigVar> vars = new ArrayList<>();
    for (String name : p.getProperty("configVars", "").split(",")) {
      if (!name.isBlank()) {
        vars.add(new ConfigVar(name, Secret.of("s3cr3t-" + name)));
      }
    }
    return new AppInventory("heroku-app", p.getProperty("stack", "heroku-24"), "us", buildpacks, List.of(), Map.of(),
        vars, List.of(), List.of(), List.of(), Instant.EPOCH);
  }

  static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.git/")).toList()) {
        files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
      }
    }
    return files;
  }
}
