package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The plan is what runs, with the real adapters on the testkit (fake Heroku API, fake aptible CLI,
 * git over SSH): the port the plan decides is the {@code PORT} the run sets and the port the pushed
 * Dockerfile exposes, for a repository without a Dockerfile, with an explicit port, and with its own
 * {@code EXPOSE}; two custom domains get two endpoints and two different CNAME targets in the
 * report; and {@code cutover audit} finds a line edited in the event log. The Heroku apps here have
 * no database, so the runs are quick.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlanIsWhatRunsTest {
  private static final String WEB = "gunicorn app:app --bind 0.0.0.0:$PORT";

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

  @Test
  void port_noDockerfile_thePythonTemplatesPortIsPlannedSetAndExposed() throws Exception {
    MigrationReport report = assertPlanIsWhatRuns("py-plain", null, 0, 8000);
    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
  }

  @Test
  void port_explicit_theGeneratedDockerfileExposesItAndPortIsIt() throws Exception {
    assertPlanIsWhatRuns("py-explicit", null, 5000, 5000);
  }

  @Test
  void port_repositoryExposesOwnPort_itIsPlannedAndSet() throws Exception {
    // a Dockerfile that passes the deployability rules (a whole-context COPY in the final stage would put
    // .aptible.env in the image, and a blocking finding stops the run)
    assertPlanIsWhatRuns("py-expose", "FROM python:3.14.7-slim AS build\nWORKDIR /app\nCOPY . .\nRUN rm -f .aptible.env\n"
        + "FROM python:3.14.7-slim\nWORKDIR /app\nCOPY --from=build /app /app\nRUN pip install -r requirements.txt\n"
        + "EXPOSE 8080\nCMD [\"gunicorn\", \"app:app\", \"--bind\", \"0.0.0.0:8080\"]\n", 0, 8080);
  }

  @Test
  void port_explicitPortTheRepositorysDockerfileDoesNotExpose_refusedByThePlan() throws Exception {
    String name = "py-clash";
    herokuApp(name);
    Path repo = pythonApp(name, "FROM python:3.12-slim\nEXPOSE 80 443\n");

    assertThatThrownBy(() -> migration(name, repo).port(80).plan())
        .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems()).singleElement().satisfies(p -> {
          assertThat(p.field()).isEqualTo("port");
          // Aptible routes to the lexicographically lowest EXPOSE: 443, not 80
          assertThat(p.problem()).contains("EXPOSEs 443");
        }));
    assertThat(migration(name, repo).plan().port()).isEqualTo(443);
  }

  @Test
  void endpoints_twoCustomDomains_twoEndpointsAndTwoDifferentCnameTargets() throws Exception {
    String name = "py-two-domains";
    herokuApp(name, "www.two.example", "api.two.example");
    Path repo = pythonApp(name, null);

    MigrationReport report = migration(name, repo).plan().run();

    List<FakeAptible.Endpoint> endpoints = env.aptible().endpoints().stream().filter(e -> e.app().equals(name)).toList();
    assertThat(endpoints).hasSize(2);
    assertThat(report.dnsRecords()).hasSize(2).extracting(MigrationReport.DnsRecord::value).doesNotHaveDuplicates();
    for (FakeAptible.Endpoint e : endpoints) {
      assertThat(report.dnsRecords()).contains(new MigrationReport.DnsRecord(e.managedTlsDomain().orElseThrow(), "CNAME",
          e.hostname()));
    }
    String md = Files.readString(env.workDirectory(name).resolve("report.md"));
    endpoints.forEach(e -> assertThat(md).contains("| " + e.managedTlsDomain().orElseThrow() + " | CNAME | " + e.hostname() + " |"));

    // and the audit trail of this run: intact, then one line edited is found by `cutover audit`
    Path journal = env.workDirectory(name).resolve("journal.json");
    assertThat(audit(journal)).isEqualTo(CutoverCli.OK);
    Path log = journal.resolveSibling("journal.events.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    int deployed = lines.indexOf(lines.stream().filter(l -> l.contains("\"event\":\"deployed\"")).findFirst().orElseThrow());
    lines.set(deployed, lines.get(deployed).replace(report.deployedRevision().orElseThrow(), "0".repeat(40)));
    Files.write(log, lines);
    StringWriter err = new StringWriter();
    assertThat(CutoverCli.run(new String[] {"audit", "--journal", journal.toString()}, new PrintWriter(new StringWriter()),
        new PrintWriter(err, true), Terminal.NONE)).isEqualTo(CutoverCli.AUDIT_BROKEN);
    assertThat(err.toString()).contains("line " + (deployed + 1) + " was changed");
  }

  /**
   * {@code cutover plan} prints and keeps the plan; a config var is added on Heroku and the worker
   * formation changes; {@code cutover migrate --approve FINGERPRINT} then exits 2 naming both
   * changes, before any side effect: no Aptible app, no maintenance, no write to Heroku.
   */
  @Test
  void cli_migrateApprovedPlanThatChangedSince_exit2NamingWhatChangedWithoutSideEffect() throws Exception {
    String name = "py-approved";
    herokuApp(name);
    env.heroku().app(name).formation("worker", 1, "Basic", "python worker.py");
    Path repo = pythonApp(name, null);
    List<String> options = List.of("-a", name, "-e", DemoEnvironment.ENVIRONMENT, "-t", name, "--repo", repo.toString(),
        "--work-dir", env.workDirectory(name).toString());
    SigkillResumeTest.Child plan = cli("plan", options);
    assertThat(plan.waitFor(java.time.Duration.ofMinutes(2))).as(plan.stderr()).isZero();
    Matcher fp = Pattern.compile("fingerprint ([0-9a-f]{64})").matcher(plan.stdout());
    assertThat(fp.find()).as(plan.stdout()).isTrue();
    assertThat(env.workDirectory(name).resolve("plans").resolve(fp.group(1) + ".json")).isRegularFile();

    env.heroku().app(name).configVar("NEW_FLAG", "on").formation("worker", 3, "Basic", "python worker.py");
    env.heroku().clearRequests();
    SigkillResumeTest.Child migrate = cli("migrate", options, "--approve", fp.group(1), "-q");
    int code = migrate.waitFor(java.time.Duration.ofMinutes(2));

    assertThat(code).as(migrate.stderr()).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(migrate.stderr()).contains("changed since it was approved: config[NEW_FLAG]: added")
        .contains("services[worker].count: 1 -> 3").contains(fp.group(1)).doesNotContain("\tat ");
    assertThat(env.aptible().app(name)).as("no Aptible app").isEmpty();
    assertThat(env.heroku().app(name).maintenance()).isFalse();
    assertThat(env.heroku().requests()).extracting(dev.cutover.testkit.heroku.RecordedCall::method).containsOnly("GET");
    assertThat(env.workDirectory(name).resolve("journal.json")).doesNotExist();
  }

  private SigkillResumeTest.Child cli(String command, List<String> options, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(options);
    args.addAll(List.of(more));
    return Cli.start(env, Cli.connection(env), args.toArray(String[]::new));
  }

  /** Plans, checks the plan's port, runs, and checks the run set and deployed exactly that port. */
  private MigrationReport assertPlanIsWhatRuns(String name, String dockerfile, int requestedPort, int expected)
      throws Exception {
    herokuApp(name);
    Path repo = pythonApp(name, dockerfile);
    var migration = migration(name, repo);
    MigrationPlan plan = (requestedPort == 0 ? migration : migration.port(requestedPort)).plan();

    assertThat(plan.port()).as("the plan's port (%s)", plan.portReason()).isEqualTo(expected);
    assertThat(plan.config()).filteredOn(c -> c.name().equals("PORT") && c.action() == MigrationPlan.ConfigDecision.Action.SET)
        .singleElement().satisfies(c -> assertThat(c.reason()).startsWith(expected + ":"));
    if (dockerfile == null) {
      assertThat(plan.repoChanges()).anySatisfy(c -> {
        assertThat(c.path()).isEqualTo("Dockerfile");
        assertThat(c.why()).contains("exposes " + expected);
      });
    }

    MigrationReport report = plan.run();

    assertThat(env.aptible().app(name).orElseThrow().config()).containsEntry("PORT", Integer.toString(expected));
    String deployed = deployedFile(name, "Dockerfile");
    assertThat(routedPort(deployed)).as("the port Aptible routes to in the deployed Dockerfile:%n%s", deployed)
        .isEqualTo(expected);
    if (dockerfile == null) {
      assertThat(deployed).containsPattern("\\bPORT=" + expected + "\\b");
    }
    return report;
  }

  private dev.cutover.core.migration.Migration migration(String name, Path repo) {
    return dev.cutover.core.migration.Migration.from(heroku.app(name)).to(aptible.app(name))
        .deploy(Deploy.git(repo, "main")).workDirectory(env.workDirectory(name)).redactor(env.redactor());
  }

  private void herokuApp(String name, String... domains) {
    env.heroku().app(name).buildpacks("heroku/python").formation("web", 1, "Basic", WEB)
        .processTypes(Map.of("web", WEB)).configVar("SECRET_KEY", "py-secret-" + name).domains(domains);
  }

  /** A small Flask app as Heroku runs it (requirements.txt, Procfile), with {@code dockerfile} if given, committed on main. */
  private Path pythonApp(String name, String dockerfile) throws Exception {
    Path dir = env.directory().resolve("repo-" + name);
    Map<String, String> files = new LinkedHashMap<>();
    files.put("requirements.txt", "flask==3.0.3\ngunicorn==22.0.0\n");
    files.put("app.py", "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef hello():\n    return 'hello'\n");
    files.put("Procfile", "web: " + WEB + "\n");
    if (dockerfile != null) {
      files.put("Dockerfile", dockerfile);
    }
    Files.createDirectories(dir);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
    }
    try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      PersonIdent who = new PersonIdent("Test", "test@cutover.dev");
      git.commit().setMessage(name).setAuthor(who).setCommitter(who).setSign(false).call();
    }
    return dir;
  }

  /** {@code path} as pushed to the app's Aptible remote ({@code master}). */
  private String deployedFile(String app, String path) throws Exception {
    try (Git bare = Git.open(env.aptible().bareRepository(DemoEnvironment.ENVIRONMENT, app).toFile())) {
      Repository r = bare.getRepository();
      ObjectId master = r.resolve("refs/heads/master");
      try (RevWalk walk = new RevWalk(r); TreeWalk tree = TreeWalk.forPath(r, path, walk.parseCommit(master).getTree())) {
        return new String(r.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  /** Aptible's rule, from its docs: of the EXPOSEd ports, the lexicographically lowest. */
  private static int routedPort(String dockerfile) {
    Matcher m = Pattern.compile("(?m)^\\s*EXPOSE\\s+(.+)$").matcher(dockerfile);
    List<String> ports = new ArrayList<>();
    while (m.find()) {
      for (String p : m.group(1).trim().split("\\s+")) {
        ports.add(p.replaceAll("/.*", ""));
      }
    }
    return Integer.parseInt(ports.stream().sorted().findFirst().orElseThrow(() -> new AssertionError("no EXPOSE")));
  }

  private static int audit(Path journal) {
    return CutoverCli.run(new String[] {"audit", "--journal", journal.toString()}, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()), Terminal.NONE);
  }
}
