package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.aptible.RepoPreparer;
import dev.cutover.core.Redactor;
import dev.cutover.core.Secret;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.Migration;
import dev.cutover.core.model.DatabaseSpec;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.heroku.FakeHeroku;
import dev.cutover.testkit.heroku.RecordedCall;
import dev.cutover.testkit.postgres.PgFixture;
import dev.cutover.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-input catalogue of issue 8: malformed inputs across the public API and the CLI. Each is
 * rejected with a {@link ValidationException} (or, for the CLI, exit code 2 and one message) that
 * names the field and the fix, before any side effect: no child process started (a recording
 * runner under both clients), no request that changes anything reached the fake Heroku (none at
 * all for inputs that need no lookup), nothing happened on the fake Aptible, and no file under the
 * test's directory was written. No case prints a stack trace.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCatalogueTest {
  static final String APP = "shop-app";
  static final String ENV = "prod";

  Path dir;
  TestDatabase db;
  FakeHeroku fakeHeroku;
  FakeAptible fakeAptible;
  RecordingRunner runner;
  HerokuClient heroku;
  AptibleClient aptible;
  Path repo;
  Redactor redactor = Redactor.create();

  /** What a case does and where its problem must be reported. */
  enum Kind {
    /** Rejected by a builder, a handle or a parser: no request at all. */
    LOCAL,
    /** Rejected by {@code plan()}: the inventory may have read (GET) from Heroku, nothing else. */
    PLAN
  }

  /** One malformed input: what it is, the field that must be named, and the call that must reject it. */
  record Case(String name, Kind kind, String field, Function<BadInputCatalogueTest, Object> call) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  void start() throws Exception {
    Preconditions.requireLocalTools();
    dir = Files.createTempDirectory("cut-faults-bad-input-");
    db = PgFixture.local().createDatabase("cut_faults_");
    fakeHeroku = FakeHeroku.start();
    fakeHeroku.app(APP).buildpacks("heroku/nodejs").formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start")).configVar("NODE_ENV", "production").postgres(db.connection());
    fakeHeroku.app("odd-vars").buildpacks("heroku/nodejs").formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start")).configVar("my-var.name", "x").configVar("1ST_VAR", "y")
        .postgres(db.connection());
    fakeHeroku.app("with-domain").buildpacks("heroku/nodejs").formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start")).domains("www.shop.example").postgres(db.connection());
    fakeHeroku.app("apex-domain").buildpacks("heroku/nodejs").formation("web", 1, "Standard-1X", "npm start")
        .processTypes(Map.of("web", "npm start")).domains("shop.example").postgres(db.connection());
    fakeAptible = FakeAptible.builder().environment(ENV).home(dir.resolve("aptible")).build();
    runner = new RecordingRunner(redactor);
    heroku = herokuBuilder().build();
    aptible = AptibleClient.builder().environment(ENV).accessToken(fakeAptible.token()).cliCommand(fakeAptible.cliCommand())
        .cliEnvironment(fakeAptible.cliEnvironment()).processRunner(runner).redactor(redactor).build();
    repo = SampleNodeApp.create(dir.resolve("repo"));
    Files.createDirectories(dir.resolve("not-a-repo"));
    Files.createDirectories(dir.resolve("other-login"));
    Files.writeString(dir.resolve("other-login/tokens.json"), "{\"https://auth.staging.example\":\""
        + fakeAptible.token().reveal() + "\"}\n");
    Files.writeString(dir.resolve("a-file"), "not a directory\n");
    Files.writeString(dir.resolve("corrupt-journal.json"), "{\"format\": \"cutover-journal/1\", \"steps\": [tru");
    Files.writeString(dir.resolve("empty-journal.json"), "");
    Files.writeString(dir.resolve("not-a-journal.json"), "{\"hello\": \"world\"}");
    Files.writeString(dir.resolve("unknown-step-journal.json"), "{\"format\": \"cutover-journal/2\", \"migrationId\": \"m1\","
        + " \"identity\": \"abc\", \"steps\": {\"teleport\": {}}}");
    Files.writeString(dir.resolve("foreign-journal.json"), "{\"format\": \"cutover-journal/2\", \"migrationId\": \"m-other\","
        + " \"identity\": \"0123456789abcdef01234567\", \"source\": \"other-app\", \"targetEnvironment\": \"staging\","
        + " \"targetApp\": \"other-app\", \"databaseHandle\": \"other-app-db\", \"steps\": {}}");
    Path badProcfile = SampleNodeApp.create(dir.resolve("bad-procfile"));
    Files.writeString(badProcfile.resolve("Procfile"), "web npm start\n: no-name\n");
    commit(badProcfile);
    Path badDockerfile = SampleNodeApp.create(dir.resolve("bad-dockerfile"));
    Files.writeString(badDockerfile.resolve("Dockerfile"), "RUN npm ci\nCMD npm start\n");
    commit(badDockerfile);
  }

  @AfterAll
  void stop() throws IOException {
    for (AutoCloseable c : new AutoCloseable[] {heroku, fakeAptible, fakeHeroku, db}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(BadInputCatalogueTest.class).warn("cleanup: {}", e.toString());
      }
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ------------------------------------------------------------------ the catalogue

  static List<Case> apiCases() {
    List<Case> c = new ArrayList<>();
    // Heroku client and app names
    c.add(local("heroku app name with uppercase and underscore", "app", t -> t.heroku.app("My_Shop")));
    c.add(local("heroku app name too short", "app", t -> t.heroku.app("ab")));
    c.add(local("heroku app name starting with a dash", "app", t -> t.heroku.app("-shop")));
    c.add(local("heroku app name too long", "app", t -> t.heroku.app("a".repeat(31))));
    c.add(local("heroku api url not http", "apiUrl", t -> t.herokuBuilder().apiUrl("ftp://api.heroku.com").build()));
    c.add(local("heroku api url plain http off this machine", "apiUrl",
        t -> t.herokuBuilder().apiUrl("http://api.heroku.com").build()));
    c.add(local("heroku data host with scheme and port", "dataApiHost",
        t -> t.herokuBuilder().dataApiHost("https://postgres-api.heroku.com:443").build()));
    c.add(local("heroku cli command blank", "cliCommand", t -> t.herokuBuilder().cliCommand(List.of(" ")).build()));
    c.add(local("heroku extra CA file missing", "extraCaCertificate",
        t -> t.herokuBuilder().extraCaCertificate(t.dir.resolve("no-such.pem")).build()));
    c.add(local("heroku backup timeout zero", "backupTimeout", t -> t.herokuBuilder().backupTimeout(Duration.ZERO).build()));
    c.add(local("heroku api key missing", "apiKey", t -> HerokuClient.builder().apiUrl(t.fakeHeroku.apiUrl()).build()));
    // Aptible client, environments and handles
    c.add(local("aptible environment with spaces and capitals", "environment",
        t -> t.aptibleBuilder().environment("Prod Env").build()));
    c.add(local("aptible environment empty", "environment", t -> t.aptibleBuilder().environment("").build()));
    c.add(local("aptible cli command empty", "cliCommand", t -> t.aptibleBuilder().cliCommand(List.of()).build()));
    c.add(local("aptible git remote template without placeholders", "gitRemoteTemplate",
        t -> t.aptibleBuilder().gitRemoteTemplate("git@beta.aptible.com:shop.git").build()));
    c.add(local("aptible operation timeout negative", "timeout",
        t -> t.aptibleBuilder().operationTimeout(Duration.ofSeconds(-1)).build()));
    // Aptible handles: refused by plan() (the target's rules), with no CLI call
    c.add(target("aptible app handle with punctuation", "target.app", "Shop!"));
    c.add(target("aptible app handle too long", "target.app", "a".repeat(65)));
    c.add(target("aptible app handle -x", "target.app", "-x"));
    c.add(target("aptible app handle --help", "target.app", "--help"));
    c.add(target("aptible app handle upper case", "target.app", "SHOP"));
    c.add(target("aptible app handle unicode", "target.app", "sh\u00f6p"));
    c.add(new Case("aptible internal- app with a custom domain", Kind.PLAN, "target.app",
        t -> Migration.from(t.heroku.app("with-domain")).to(t.aptible.app("internal-shop"))
            .deploy(Deploy.git(t.repo, SampleNodeApp.BRANCH)).workDirectory(t.dir.resolve("work")).redactor(t.redactor).plan()));
    c.add(new Case("aptible managed TLS on an apex domain", Kind.PLAN, "endpoint.domains[0]",
        t -> t.base(t.heroku.app("apex-domain")).plan()));
    c.add(new Case("aptible tokens.json without the configured auth server", Kind.PLAN, "aptible.token",
        t -> Migration.from(t.heroku.app(APP)).to(t.otherLoginAptible().app("shop"))
            .deploy(Deploy.git(t.repo, SampleNodeApp.BRANCH)).workDirectory(t.dir.resolve("work")).redactor(t.redactor).plan()));
    // Database spec: types, versions, sizes, handles
    c.add(plan("database type not postgresql", "database.type",
        m -> m.database(new DatabaseSpec("mysql", "8.0", 10, 1024, java.util.Optional.empty()))));
    c.add(plan("database version not a number", "database.version", m -> m.database(DatabaseSpec.postgresql("sixteen"))));
    c.add(plan("database version older than the source", "database.version", m -> m.database(DatabaseSpec.postgresql("9"))));
    c.add(plan("database disk zero", "database.diskSizeGb", m -> m.database(DatabaseSpec.postgresql("16").diskSizeGb(0))));
    c.add(plan("database disk beyond the maximum", "database.diskSizeGb",
        m -> m.database(DatabaseSpec.postgresql("16").diskSizeGb(20_000))));
    c.add(plan("database container size not offered", "database.containerSizeMb",
        m -> m.database(DatabaseSpec.postgresql("16").containerSizeMb(1000))));
    c.add(plan("database handle with capitals", "database.handle", m -> m.database(DatabaseSpec.postgresql("16").handle("Shop DB"))));
    // Deploy: paths, branches, keys, images, registry users
    c.add(planWith("git repo path missing", "deploy.repo", t -> m -> m.deploy(Deploy.git(t.dir.resolve("nope"), "main"))));
    c.add(planWith("git repo path not a repository", "deploy.repo",
        t -> m -> m.deploy(Deploy.git(t.dir.resolve("not-a-repo"), "main"))));
    c.add(planWith("git branch blank", "deploy.branch", t -> m -> m.deploy(Deploy.git(t.repo, " "))));
    c.add(planWith("git branch that does not exist", "deploy.branch", t -> m -> m.deploy(Deploy.git(t.repo, "no-such-branch"))));
    c.add(planWith("git ssh key missing", "deploy.sshKey",
        t -> m -> m.deploy(Deploy.git(t.repo, "main").sshKey(t.dir.resolve("no-such-key")))));
    c.add(plan("docker image with spaces", "deploy.image", m -> m.deploy(Deploy.dockerImage("Not An Image"))));
    c.add(plan("docker image by digest", "deploy.image",
        m -> m.deploy(Deploy.dockerImage("registry.example.com/shop@sha256:" + "a".repeat(64)))));
    c.add(plan("registry user blank", "deploy.credentials.username",
        m -> m.deploy(Deploy.dockerImage("registry.example.com/shop:v1", new RegistryCredentials(" ", Secret.of("pw-1"))))));
    // Procfiles and Dockerfiles in the repository
    c.add(planWith("procfile line without a colon", "Procfile",
        t -> m -> m.deploy(Deploy.git(t.dir.resolve("bad-procfile"), "main"))));
    c.add(planWith("dockerfile without FROM", "Dockerfile",
        t -> m -> m.deploy(Deploy.git(t.dir.resolve("bad-dockerfile"), "main"))));
    // Sizes, ports, strategies
    c.add(plan("container size override not offered", "containerSizeOverride.web", m -> m.containerSizeOverride("web", 1000)));
    c.add(plan("container size override for an unknown process type", "containerSizeOverride.cron",
        m -> m.containerSizeOverride("cron", 1024)));
    c.add(plan("port out of range", "port", m -> m.port(70_000)));
    c.add(plan("restore strategy STREAM in the journalled pipeline", "restore", m -> m.restore(RestoreStrategy.STREAM)));
    // Config var names coming from the source
    c.add(new Case("config var names Aptible cannot take", Kind.PLAN, "config.my-var.name",
        t -> t.base(t.heroku.app("odd-vars")).plan()));
    // Work directory and journals
    c.add(planWith("work directory is a file", "workDirectory", t -> m -> m.workDirectory(t.dir.resolve("a-file"))));
    c.add(planWith("journal corrupt JSON", "journal", t -> m -> m.journal(t.dir.resolve("corrupt-journal.json"))));
    c.add(planWith("journal empty file", "journal", t -> m -> m.journal(t.dir.resolve("empty-journal.json"))));
    c.add(planWith("journal not a cutover journal", "journal", t -> m -> m.journal(t.dir.resolve("not-a-journal.json"))));
    c.add(planWith("journal with an unknown step", "journal", t -> m -> m.journal(t.dir.resolve("unknown-step-journal.json"))));
    c.add(planWith("journal of another migration", "journal", t -> m -> m.journal(t.dir.resolve("foreign-journal.json"))));
    c.add(local("readJournal of a missing file", "journal", t -> Migration.readJournal(t.dir.resolve("missing.json"))));
    c.add(new Case("fromJournal of another migration's journal", Kind.PLAN, "journal",
        t -> Migration.fromJournal(t.dir.resolve("foreign-journal.json"), t.heroku.app(APP), t.aptible.app("shop")).plan()));
    // Repository preparation
    c.add(local("repo preparer on a missing directory", "repo", t -> RepoPreparer.forRepo(t.dir.resolve("nope")).plan()));
    c.add(local("repo preparer port out of range", "port", t -> RepoPreparer.forRepo(t.repo).port(0).plan()));
    return c;
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("apiCases")
  void api_malformedInput_rejectedNamingFieldAndFixBeforeAnySideEffect(Case c) {
    Map<String, String> filesBefore = files();
    fakeHeroku.clearRequests();
    runner.clear();

    Throwable thrown = catchThrowable(() -> c.call().apply(this));

    assertThat(thrown).as(c.name()).isInstanceOf(ValidationException.class);
    List<ValidationException.Problem> problems = ((ValidationException) thrown).problems();
    assertThat(problems).as("%s: problems %s", c.name(), problems)
        .anySatisfy(p -> {
          assertThat(p.field()).isEqualTo(c.field());
          assertThat(p.fix()).isNotBlank();
        });
    assertNoSideEffect(c.name(), c.kind(), filesBefore);
  }

  /** {@link PgConnection#parse} rejects URLs that are not PostgreSQL URLs, saying what form it wants and never echoing the password. */
  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("badDatabaseUrls")
  void pgConnectionParse_malformedUrl_rejectedWithoutEchoingIt(String url) {
    Throwable thrown = catchThrowable(() -> PgConnection.parse(Secret.of(url)));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
    assertThat(thrown.getMessage()).contains("postgres://user:password@host:port/db").doesNotContain("s3cr3t-pw");
  }

  static Stream<String> badDatabaseUrls() {
    return Stream.of("mysql://u:s3cr3t-pw@db.example.com/shop", "postgres://db.example.com/shop",
        "postgres://u:s3cr3t-pw@db.example.com/", "postgres://u:s3cr3t-pw@db.example.com:99999/shop",
        "postgres://u:s3cr3t-pw@ex ample.com/shop");
  }

  // ------------------------------------------------------------------ the CLI, in process

  static Stream<List<String>> cliCases() {
    return Stream.of(
        List.of("plan", "exit=2", "--app"),
        List.of("plan", "-a", APP, "exit=2", "--environment"),
        List.of("migrate", "-a", APP, "-e", ENV, "--restore", "TELEPORT", "exit=2", "--restore"),
        List.of("migrate", "-a", APP, "-e", ENV, "--size", "web", "exit=2", "--size"),
        List.of("plan", "-a", APP, "-e", ENV, "--port", "eighty", "exit=2", "--port"),
        List.of("plan", "-a", APP, "-e", ENV, "--db-disk-gb", "20", "exit=2", "--db-version"),
        List.of("plan", "-a", APP, "-e", ENV, "--db-container-mb", "lots", "exit=2", "--db-container-mb"),
        List.of("plan", "-a", APP, "-e", ENV, "--frobnicate", "exit=2", "--frobnicate"),
        List.of("teleport", "exit=2", "teleport"),
        List.of("resume", "exit=2", "--journal"),
        List.of("resume", "--journal", "@missing.json", "exit=2", "missing.json"),
        List.of("resume", "--journal", "@corrupt-journal.json", "exit=2", "corrupt"),
        List.of("resume", "--journal", "@not-a-journal.json", "exit=2", "not a Cutover journal"),
        List.of("rollback", "--journal", "@empty-journal.json", "exit=2", "journal"));
  }

  /** CLI arguments that are malformed: exit 2, one message naming the option, no stack trace, no side effect. */
  @ParameterizedTest(name = "{index}: cutover {0}")
  @MethodSource("cliCases")
  void cli_malformedArguments_exit2NamingTheOptionWithoutStackTrace(List<String> spec) {
    int split = spec.indexOf(spec.stream().filter(s -> s.startsWith("exit=")).findFirst().orElseThrow());
    String[] args = spec.subList(0, split).stream().map(a -> a.startsWith("@") ? dir.resolve(a.substring(1)).toString() : a).toArray(String[]::new);
    Map<String, String> filesBefore = files();
    fakeHeroku.clearRequests();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code = CutoverCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));

    assertThat(code).as("exit code; stderr: %s", err).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains(spec.get(split + 1)).doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(out.toString()).doesNotContain("\tat ");
    assertNoSideEffect(String.join(" ", args), Kind.LOCAL, filesBefore);
  }

  /**
   * The real {@code cutover} main in a child JVM, with a token in its environment and the fake
   * Heroku as its API: a bad app name, and a journal of another migration. Exit 2, the field named
   * on stderr, no stack trace, nothing but reads on Heroku, nothing on Aptible.
   */
  @Test
  void cliMain_badAppNameAndForeignJournal_exit2WithoutStackTrace() throws Exception {
    fakeHeroku.clearRequests();
    Map<String, String> filesBefore = files();

    Result badName = cutover("plan", "-a", "Bad_App", "-e", ENV, "--repo", repo.toString());
    Result foreign = cutover("plan", "-a", APP, "-e", ENV, "--repo", repo.toString(), "--journal",
        dir.resolve("foreign-journal.json").toString(), "--work-dir", dir.resolve("work").toString());

    assertThat(badName.code()).as(badName.err()).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(badName.err()).contains("app").contains("Bad_App").contains("e.g. my-app").doesNotContain("\tat ");
    assertThat(foreign.code()).as(foreign.err()).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(foreign.err()).contains("journal").contains("belongs to another migration").doesNotContain("\tat ");
    assertNoSideEffect("cutover main", Kind.PLAN, filesBefore);
  }

  // ------------------------------------------------------------------ helpers

  record Result(int code, String out, String err) {}

  private Result cutover(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        CutoverCli.class.getName(), "--heroku-api-url", fakeHeroku.apiUrl(), "--heroku-data-host", fakeHeroku.dataApiHost(),
        "--heroku-ca-file", fakeHeroku.caCertificatePem().toString(), "--heroku-cli", herokuCli()));
    argv.addAll(1 + argv.indexOf(CutoverCli.class.getName()), List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().put("HEROKU_API_KEY", fakeHeroku.apiKey().reveal());
    pb.environment().keySet().removeIf(k -> k.startsWith("CUTOVER_"));
    Path out = Files.createTempFile("cutover-out-", ".txt");
    Path err = Files.createTempFile("cutover-err-", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("cutover " + String.join(" ", args) + " did not exit");
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The real heroku CLI (the cutover CLI asks its version before planning; a read-only call). */
  private static String herokuCli() {
    List<String> command = dev.cutover.testkit.heroku.HerokuCli.locateOrInstall().command();
    return command.get(command.size() - 1);
  }

  private void assertNoSideEffect(String what, Kind kind, Map<String, String> filesBefore) {
    List<RecordedCall> calls = fakeHeroku.requests();
    if (kind == Kind.LOCAL) {
      assertThat(calls).as("%s: requests to Heroku", what).isEmpty();
    } else {
      assertThat(calls).as("%s: requests to Heroku other than reads", what).extracting(RecordedCall::method)
          .containsOnly("GET");
    }
    assertThat(runner.started()).as("%s: child processes started", what).isEmpty();
    assertThat(fakeAptible.operations()).as("%s: Aptible operations", what).isEmpty();
    assertThat(fakeAptible.apps()).as("%s: Aptible apps", what).isEmpty();
    assertThat(files()).as("%s: files under the test directory", what).isEqualTo(filesBefore);
  }

  /** Every file under the test directory (the fake Aptible's state file aside) with its size and modification time. */
  private Map<String, String> files() {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      all.filter(Files::isRegularFile).filter(f -> !f.startsWith(dir.resolve("aptible")))
          .forEach(f -> files.put(dir.relativize(f).toString(), size(f) + "@" + f.toFile().lastModified()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  HerokuClient.Builder herokuBuilder() {
    return HerokuClient.builder().apiKey(fakeHeroku.apiKey()).apiUrl(fakeHeroku.apiUrl())
        .dataApiHost(fakeHeroku.dataApiHost()).extraCaCertificate(fakeHeroku.caCertificatePem())
        .processRunner(runner).redactor(redactor);
  }

  /** A client with no token given, whose tokens.json only has a token for another auth server. */
  AptibleClient otherLoginAptible() {
    Map<String, String> env = new java.util.HashMap<>(fakeAptible.cliEnvironment());
    env.put("APTIBLE_CONFIG_PATH", dir.resolve("other-login").toString());
    env.put("APTIBLE_AUTH_ROOT_URL", "https://auth.aptible.com");
    return AptibleClient.builder().environment(ENV).cliCommand(fakeAptible.cliCommand()).cliEnvironment(env)
        .processRunner(runner).redactor(redactor).build();
  }

  AptibleClient.Builder aptibleBuilder() {
    return AptibleClient.builder().environment(ENV).accessToken(fakeAptible.token()).cliCommand(fakeAptible.cliCommand())
        .cliEnvironment(fakeAptible.cliEnvironment()).processRunner(runner).redactor(redactor);
  }

  Migration base(dev.cutover.core.spi.SourceApp source) {
    return Migration.from(source).to(aptible.app("shop")).deploy(Deploy.git(repo, SampleNodeApp.BRANCH))
        .workDirectory(dir.resolve("work")).redactor(redactor);
  }

  private static Case local(String name, String field, Function<BadInputCatalogueTest, Object> call) {
    return new Case(name, Kind.LOCAL, field, call);
  }

  private static Case target(String name, String field, String handle) {
    return new Case(name, Kind.PLAN, field, t -> Migration.from(t.heroku.app(APP)).to(t.aptible.app(handle))
        .deploy(Deploy.git(t.repo, SampleNodeApp.BRANCH)).workDirectory(t.dir.resolve("work")).redactor(t.redactor).plan());
  }

  private static Case plan(String name, String field, UnaryOperator<Migration> option) {
    return planWith(name, field, t -> option);
  }

  private static Case planWith(String name, String field, Function<BadInputCatalogueTest, UnaryOperator<Migration>> option) {
    return new Case(name, Kind.PLAN, field, t -> option.apply(t).apply(t.base(t.heroku.app(APP))).plan());
  }

  private static void commit(Path repo) throws Exception {
    try (Git git = Git.open(repo.toFile())) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("malformed").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").call();
    }
  }

  @Test
  void catalogue_size_atLeastFortyMalformedInputs() {
    assertThat(apiCases().size() + badDatabaseUrls().count() + cliCases().count() + 2).isGreaterThanOrEqualTo(40);
  }
}
