package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationPlan.ConfigDecision;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.heroku.RecordedCall;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.PersonIdent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What the repository preparation finds about real Heroku apps of the corpus
 * ({@code aptible-adapter/src/test/resources/dev/cutover/aptible/corpus}) reaches the user through the
 * facade: every finding, warning, one-off command, variable Aptible will not set and config var to
 * keep is in {@link MigrationPlan#render()}, in the plan's JSON (so in its fingerprint) and in the
 * report; a blocking finding stops {@code run()} before anything changes; {@code plan()} writes
 * nothing, and preparing a second time finds nothing left to write. The Heroku apps have no database,
 * so the runs are quick.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepositoryFindingsTest {
  static final Path CORPUS = Path.of("../aptible-adapter/src/test/resources/dev/cutover/aptible/corpus");

  DemoEnvironment env;
  HerokuClient heroku;
  AptibleClient aptible;

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    env = DemoEnvironment.start(10);
    heroku = env.herokuClient();
    aptible = env.aptibleClient();
  }

  @AfterAll
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  /**
   * saleor keeps its own Dockerfile, whose {@code COPY . /app} puts {@code .aptible.env} (every secret)
   * in the image: the plan says BLOCKED with the line and the fix, lists the warnings and the
   * {@code postdeploy} one-off, and {@code run()} refuses before any side effect.
   */
  @Test
  void plan_saleorWithSecretsInTheImage_everyFindingInThePlanAndRunRefusedBeforeAnySideEffect() throws Exception {
    String name = "corpus-saleor";
    herokuApp(name, "saleor", "heroku/python",
        "gunicorn --bind :$PORT --workers 4 --worker-class saleor.asgi.gunicorn_worker.UvicornWorker saleor.asgi:application");
    Path repo = corpusRepo(name, "saleor");
    Map<String, String> before = snapshot(repo);

    MigrationPlan plan = migration(name, repo).plan();

    assertThat(snapshot(repo)).as("plan() writes nothing to the repository").isEqualTo(before);
    assertThat(env.workDirectory(name)).as("plan() writes no journal, report or dump").doesNotExist();
    assertThat(plan.blockingFindings()).singleElement().satisfies(f -> {
      assertThat(f.location()).isEqualTo("Dockerfile:9");
      assertThat(f.problem()).contains("[SECRETS_IN_IMAGE]", ".aptible.env");
      assertThat(f.fix()).contains("COPY --from");
    });
    String text = plan.render();
    assertThat(text).contains("BLOCKED: run() refuses, before changing anything")
        .contains("X Dockerfile:9: [SECRETS_IN_IMAGE] the final image copies the whole repository")
        .contains("! WARNING Dockerfile:1 [PINNED_IMAGE] the image python:3.9 is a floating tag")
        .contains("! WARNING Dockerfile:4 [DEV_DEPENDENCIES]")
        .contains("INFO app.json [HEROKU_MANIFEST] scripts.postdeploy")
        .contains("one-off command Heroku ran once").contains("python manage.py populatedb --createsuperuser");
    JsonNode json = new ObjectMapper().readTree(plan.toJson());
    assertThat(json.get("blockingFindings")).singleElement().satisfies(f -> {
      assertThat(f.get("location").asText()).isEqualTo("Dockerfile:9");
      assertThat(f.get("problem").asText()).contains("[SECRETS_IN_IMAGE]");
    });
    assertThat(json.get("warnings").toString()).contains("[PINNED_IMAGE]", "[DEV_DEPENDENCIES]", "[RUNTIME_VERSION]");
    assertThat(json.get("repoNotes").toString()).contains("scripts.postdeploy", "populatedb");
    assertThat(plan.canonicalJson()).as("in the fingerprinted plan").contains("[SECRETS_IN_IMAGE]", "populatedb");

    env.heroku().clearRequests();
    assertThatThrownBy(plan::run).isInstanceOfSatisfying(ValidationException.class, e -> {
      assertThat(e.problems()).singleElement().satisfies(p -> {
        assertThat(p.field()).isEqualTo("deploy.repo Dockerfile:9");
        assertThat(p.problem()).contains("[SECRETS_IN_IMAGE]");
      });
      assertThat(e.getMessage()).contains("nothing was changed");
    });
    assertThat(env.aptible().app(name)).as("no Aptible app").isEmpty();
    assertThat(env.heroku().app(name).maintenance()).isFalse();
    assertThat(env.heroku().requests()).extracting(RecordedCall::method).doesNotContain("POST", "PATCH", "PUT", "DELETE");
    assertThat(env.workDirectory(name)).as("no journal").doesNotExist();
    assertThat(snapshot(repo)).as("run() refused without writing").isEqualTo(before);
  }

  /** outline reads HEROKU_APP_NAME to build its address: the plan copies it instead of skipping it as dyno metadata. */
  @Test
  void plan_outlineReadsHerokuAppName_itIsCopiedAndEveryVariableAptibleWillNotSetIsListed() throws Exception {
    String name = "corpus-outline";
    herokuApp(name, "outline", "heroku/nodejs", "yarn start");
    Path repo = corpusRepo(name, "outline");

    MigrationPlan plan = migration(name, repo).plan();

    assertThat(plan.config()).filteredOn(c -> c.name().equals("HEROKU_APP_NAME")).singleElement().satisfies(c -> {
      assertThat(c.action()).isEqualTo(ConfigDecision.Action.COPY);
      assertThat(c.reason()).contains("the app's code reads it");
    });
    assertThat(plan.render()).contains("X Dockerfile:6: [BUILT_FROM_SOURCE]")
        .contains("[HEROKU_ENV] reads HEROKU_APP_NAME")
        .contains("the code reads variables Heroku set and Aptible will not: DATABASE_CONNECTION_POOL_URL,"
            + " WEB_CONCURRENCY, SOURCE_VERSION, HEROKU_DYNO_ID");
    assertThat(plan.toJson()).contains("DATABASE_CONNECTION_POOL_URL", "yarn sequelize db:migrate");
  }

  /**
   * python-getting-started reads DYNO and WEB_CONCURRENCY, which Aptible does not set: the warnings
   * are in the plan and, after the run, in the report (Markdown and JSON); a second preparation of
   * the same repository, planned afresh, has nothing left to write.
   */
  @Test
  void run_pythonGettingStarted_findingsInTheReportAndASecondPreparationWritesNothing() throws Exception {
    String name = "corpus-python";
    herokuApp(name, "python-getting-started", "heroku/python", "gunicorn --config gunicorn.conf.py gettingstarted.wsgi");
    Path repo = corpusRepo(name, "python-getting-started");
    Map<String, String> before = snapshot(repo);

    MigrationPlan plan = migration(name, repo).plan();
    assertThat(snapshot(repo)).as("plan() writes nothing").isEqualTo(before);
    assertThat(plan.blockingFindings()).isEmpty();
    assertThat(plan.render()).contains("[HEROKU_ENV] reads DYNO").contains("[HEROKU_ENV] reads WEB_CONCURRENCY")
        .contains("the code reads variables Heroku set and Aptible will not: DYNO, WEB_CONCURRENCY");
    assertThat(plan.toJson()).contains("reads DYNO", "reads WEB_CONCURRENCY");

    MigrationReport report = plan.run();

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(report.repositoryFindings()).anySatisfy(f -> assertThat(f).contains("[HEROKU_ENV] reads DYNO"))
        .anySatisfy(f -> assertThat(f).contains("Aptible will not: DYNO, WEB_CONCURRENCY"));
    String md = Files.readString(env.workDirectory(name).resolve("report.md"));
    assertThat(md).contains("## Repository findings").contains("[HEROKU_ENV] reads WEB_CONCURRENCY");
    JsonNode json = new ObjectMapper().readTree(env.workDirectory(name).resolve("report.json").toFile());
    assertThat(json.get("repositoryFindings").toString()).contains("reads DYNO", "reads WEB_CONCURRENCY");

    Map<String, String> prepared = snapshot(repo);
    MigrationPlan again = migration(name, repo).workDirectory(env.directory().resolve("again-" + name)).plan();
    assertThat(again.repoChanges()).as("a second preparation has nothing left to write").isEmpty();
    assertThat(again.render()).contains("nothing to write: the repository is ready");
    assertThat(snapshot(repo)).isEqualTo(prepared);
  }

  private Migration migration(String name, Path repo) {
    return Migration.from(heroku.app(name)).to(aptible.app(name)).deploy(Deploy.git(repo, "main"))
        .workDirectory(env.workDirectory(name)).redactor(env.redactor());
  }

  /** The Heroku app of a corpus scenario: its live buildpack, its config var names (no database), a web dyno. */
  private void herokuApp(String name, String corpusApp, String buildpack, String web) throws IOException {
    var app = env.heroku().app(name).buildpacks(buildpack).formation("web", 1, "Basic", web)
        .processTypes(Map.of("web", web));
    java.util.Properties props = new java.util.Properties();
    try (var in = Files.newInputStream(CORPUS.resolve(corpusApp).resolve("app.properties"))) {
      props.load(in);
    }
    for (String var : props.getProperty("configVars").split(",")) {
      if (!var.endsWith("DATABASE_URL") && !var.equals("REDIS_URL")) {
        app.configVar(var, "s3cr3t-" + var.toLowerCase(java.util.Locale.ROOT));
      }
    }
  }

  /** The corpus app's files, committed on main in a fresh repository. */
  private Path corpusRepo(String name, String corpusApp) throws Exception {
    Path from = CORPUS.resolve(corpusApp).resolve("repo");
    Path dir = env.directory().resolve("repo-" + name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path to = dir.resolve(from.relativize(f).toString());
        Files.createDirectories(to.getParent());
        Files.copy(f, to);
      }
    }
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Test", "test@cutover.dev");
      git.commit().setMessage(corpusApp).setAuthor(who).setCommitter(who).setSign(false).call();
    }
    return dir;
  }

  /** Every file of the work tree and the HEAD commit, by path. */
  private static Map<String, String> snapshot(Path repo) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(repo)) {
      for (Path f : files.filter(Files::isRegularFile).filter(f -> !repo.relativize(f).startsWith(".git")).toList()) {
        out.put(repo.relativize(f).toString(), Files.readString(f));
      }
    }
    try (Git git = Git.open(repo.toFile())) {
      out.put("HEAD", git.getRepository().resolve("HEAD").name());
    }
    return new LinkedHashMap<>(out);
  }
}
