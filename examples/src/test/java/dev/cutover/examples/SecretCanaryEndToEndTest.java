package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.AptibleClient;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationException;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Toolkit;
import dev.cutover.core.Secret;
import dev.cutover.core.migration.MigrationPlan;
import dev.cutover.core.migration.MigrationStep;
import dev.cutover.core.model.Deploy;
import dev.cutover.core.model.RegistryCredentials;
import dev.cutover.core.process.Command;
import dev.cutover.core.process.CommandResult;
import dev.cutover.core.process.OutputLine;
import dev.cutover.core.process.ProcessRunner;
import dev.cutover.core.process.RunningProcess;
import dev.cutover.core.report.MigrationReport;
import dev.cutover.heroku.HerokuClient;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.postgres.PgFixture;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Secrets end to end (issue 8). A full demo migration (image deploy from a private registry) with
 * canary values for the Heroku token, every config var, the source database password, the Aptible
 * database's password and the registry password: none may appear, raw or URL-encoded, in any log
 * line (SLF4J at debug, to this JVM's {@code target/examples-test-N.log}), listener event, exception, journal,
 * report, plan rendering, work-directory file, or the argv (and plain environment) of any child
 * process, recorded both through the ProcessRunner and by sampling {@code /proc/PID/cmdline} of
 * every descendant process while the run goes. And the dump: 0600 in a 0700 directory while it
 * downloads, gone after success and after a failure unless kept on request.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretCanaryEndToEndTest {
  private static final String IMAGE = "registry.example.com/legacy/shop:1.0";
  private static final Path LOG = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/examples-test.log"));

  private final Map<String, String> canaries = new LinkedHashMap<>();
  private DemoEnvironment env;
  private RecordingRunner runner;
  private HerokuClient heroku;
  private AptibleClient aptible;

  private static String canary(String what) {
    byte[] b = new byte[6];
    new SecureRandom().nextBytes(b);
    return "canary-" + what + "-" + HexFormat.of().formatHex(b);
  }

  @BeforeAll
  void start() {
    Preconditions.requireLocalTools();
    canaries.put("heroku token", canary("herokutoken"));
    canaries.put("source db password", canary("srcpw"));
    canaries.put("registry password", canary("registry") + "/+=&?");
    boolean trust = PgFixture.local().admin().password().reveal().equals("-none-");
    env = trust ? DemoEnvironment.start(200, Secret.of(canaries.get("heroku token")),
        Secret.of(canaries.get("source db password"))) : DemoEnvironment.start(200);
    if (!trust) {
      canaries.remove("source db password");
      canaries.remove("heroku token");
    }
    Map<String, String> vars = new LinkedHashMap<>(env.heroku().app(DemoEnvironment.SOURCE_APP).configVars());
    vars.remove("DATABASE_URL");
    for (String name : vars.keySet()) {
      if (name.equals("REDIS_URL")) { // the demo's real Redis (moved by default): its password is a canary
        canaries.put("source redis password", dev.cutover.core.model.RedisConnection.parse(Secret.of(vars.get(name)))
            .password().reveal());
        continue;
      }
      String value = name.equals("SESSION_SECRET") ? canary("session") + " with spaces/+&=" : canary(name.toLowerCase());
      env.heroku().app(DemoEnvironment.SOURCE_APP).configVar(name, value);
      canaries.put("config " + name, value);
    }
    if (trust) {
      canaries.put("config DATABASE_URL", env.heroku().app(DemoEnvironment.SOURCE_APP).configVars().get("DATABASE_URL"));
    }
    canaries.put("aptible token", env.aptible().token().reveal());
    env.aptible().registerImage(IMAGE, "web: npm start\nworker: node worker.js\n", List.of("npm run migrate"));
    // The README's wiring: one Toolkit for both clients, no redactor passed anywhere, the data mover
    // found on the classpath (plan() gives it the clients' toolkit). Only the runner is swapped for
    // one that records every argv.
    Toolkit toolkit = Toolkit.create();
    runner = new RecordingRunner(toolkit.processRunner());
    toolkit = toolkit.withProcessRunner(runner);
    heroku = HerokuClient.builder().toolkit(toolkit).apiKey(env.heroku().apiKey()).apiUrl(env.heroku().apiUrl())
        .dataApiHost(env.heroku().dataApiHost()).cliCommand(env.herokuCli().command())
        .extraCaCertificate(env.heroku().caCertificatePem()).build();
    FakeAptible fake = env.aptible();
    aptible = AptibleClient.builder().environment(DemoEnvironment.ENVIRONMENT).accessToken(fake.token())
        .cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment()).apiUrl(fake.apiUrl())
        .gitRemoteTemplate(env.gitServer().remoteTemplate()).gitSshKey(env.gitServer().clientKey())
        .gitKnownHosts(env.gitServer().knownHosts()).tunnelSslMode("prefer").toolkit(toolkit).build();
  }

  @AfterAll
  void stop() {
    if (heroku != null) {
      heroku.close();
    }
    if (env != null) {
      env.close();
    }
  }

  @Test
  void canaryRun_failThenResumeToCompletion_noSecretAnywhereNorInAnyChildArgv() throws Exception {
    String handle = "canary-shop";
    long logStart = Files.exists(LOG) ? Files.size(LOG) : 0;
    List<String> seen = new CopyOnWriteArrayList<>();
    MigrationListener recorder = recorder(seen, e -> {});
    Deploy deploy = Deploy.dockerImage(IMAGE, new RegistryCredentials("deployer", Secret.of(canaries.get("registry password"))));
    ChildSampler sampler = new ChildSampler();
    sampler.start();
    MigrationPlan plan;
    MigrationReport report;
    try {
      plan = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
          .deploy(deploy).listener(recorder).plan();
      seen.add(plan.render());
      seen.add(plan.toJson());
      env.aptible().failNext("config:set", FakeAptible.Failure.API, "Env is invalid");
      seen.add(chain(org.assertj.core.api.Assertions.catchThrowable(plan::run)));
      seen.add(Files.readString(plan.journal()));
      env.aptible().failNext("deploy", FakeAptible.Failure.OPERATION, "pull failed for deployer");
      MigrationPlan again = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
          .deploy(deploy).listener(recorder).plan();
      seen.add(chain(org.assertj.core.api.Assertions.catchThrowable(again::resume)));
      seen.add(Files.readString(plan.journal()));
      report = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
          .deploy(deploy).listener(recorder).plan().resume();
    } finally {
      sampler.stop();
    }

    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    FakeAptible.App app = env.aptible().app(handle).orElseThrow();
    assertThat(app.config()).as("every copied var arrived").containsEntry("SESSION_SECRET",
        canaries.get("config SESSION_SECRET"));
    assertThat(app.services()).extracting(FakeAptible.Service::name).containsExactlyInAnyOrder("web", "worker");
    assertThat(report.step("configure").orElseThrow().attempts()).isEqualTo(2);
    assertThat(report.step("deploy").orElseThrow().attempts()).isEqualTo(2);
    assertThat(env.aptible().deploys()).last().satisfies(d -> {
      assertThat(d.argv()).as("deployed over the API").isEmpty();
      assertThat(d.paramsJson()).contains("APTIBLE_PRIVATE_REGISTRY_PASSWORD");
    });
    String targetUrl = aptible.databaseUrl(handle + "-db").reveal();
    canaries.put("aptible db url", targetUrl);
    assertThat(app.config().get("DATABASE_URL")).isEqualTo(targetUrl);

    seen.add(report.toString());
    try (Stream<Path> files = Files.walk(plan.workDirectory())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        seen.add(f + ":\n" + Files.readString(f));
      }
    }
    seen.add(Files.readString(plan.workDirectory().resolve("report.json")));
    seen.add(Files.readString(plan.workDirectory().resolve("report.md")));
    String log = readFrom(LOG, logStart);
    assertThat(log).as("the run logged at debug").contains("configure failed").contains("deploy failed")
        .contains("Running ");

    assertThat(runner.commands).as("children the SDK started").hasSizeGreaterThan(10);
    List<String> aptibleArgv = new ArrayList<>();
    for (Command c : runner.commands) {
      seen.add("argv " + String.join(" ", c.argv()));
      seen.add("env " + c.environment());
      seen.add(c.toString());
      if (c.program().endsWith("aptible")) {
        aptibleArgv.add(String.join(" ", c.argv()));
      }
    }
    assertThat(aptibleArgv).as("aptible children").anyMatch(a -> a.contains("db:tunnel"))
        .noneMatch(a -> a.contains("config:set")).noneMatch(a -> a.contains("--private-registry-password"));
    Set<String> sampled = sampler.cmdlines();
    assertThat(sampled).as("descendants seen in /proc").anyMatch(c -> c.contains("FakeAptibleCli"))
        .anyMatch(c -> c.contains("pg:backups:capture"));

    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> canary : canaries.entrySet()) {
      for (String form : forms(canary.getValue())) {
        if (log.contains(form)) {
          leaks.add(canary.getKey() + " in the log: " + around(log, form));
        }
        for (String s : seen) {
          if (s.contains(form)) {
            leaks.add(canary.getKey() + " in " + around(s, form));
          }
        }
        for (String a : aptibleArgv) {
          if (a.contains(form)) {
            leaks.add(canary.getKey() + " in aptible argv " + a);
          }
        }
        for (String c : sampled) {
          if (c.contains(form)) {
            leaks.add(canary.getKey() + " in a child's /proc cmdline: " + around(c, form));
          }
        }
      }
    }
    String counts = canaries.size() + " canaries, " + seen.size() + " texts, " + log.length() + " log chars, "
        + runner.commands.size() + " recorded children (" + aptibleArgv.size() + " aptible), " + sampled.size()
        + " sampled /proc cmdlines";
    org.slf4j.LoggerFactory.getLogger(SecretCanaryEndToEndTest.class).info("canary run checked: {}; {} occurrences",
        counts, leaks.size());
    assertThat(leaks).as("canary occurrences (" + counts + ")").isEmpty();
  }

  /**
   * The dump is a 0600 file in a 0700 directory while the download runs (checked from the
   * download's progress event, before the file is complete), and no dump is left after a failure
   * later in the run, nor after success; with {@code keepDump(true)} a failed run keeps it.
   */
  @Test
  void dumpFile_privateWhileDownloadingDeletedOnFailureAndSuccessUnlessKept() throws Exception {
    String handle = "dump-shop";
    List<String> checked = new CopyOnWriteArrayList<>();
    Path dumps = env.workDirectory(handle).resolve("dumps");
    MigrationListener inspector = recorder(new CopyOnWriteArrayList<>(), e -> {
      if (e.step().equals("heroku.download")) {
        checked.add(describe(dumps));
      }
    });
    env.aptible().failNext("db:tunnel", FakeAptible.Failure.API, "Service Unavailable");

    MigrationPlan plan = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
        .listener(inspector).plan();
    assertThatThrownBy(plan::run).isInstanceOf(MigrationException.class);
    assertThat(dumpFiles(dumps)).as("no dump after the failure at the tunnel").isEmpty();
    assertThat(checked).as("no download before the tunnel: PARALLEL downloads in the restore step").isEmpty();

    checked.clear();
    env.aptible().failNext("config:set", FakeAptible.Failure.API, "Service Unavailable");
    MigrationPlan keep = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
        .listener(inspector).keepDump(true).plan();
    assertThatThrownBy(keep::resume).isInstanceOf(MigrationException.class);
    assertThat(checked).as("inspected while the restore on resume downloads").isNotEmpty()
        .allSatisfy(c -> assertThat(c).isEqualTo("dir rwx------; .dump rw-------"));
    assertThat(dumpFiles(dumps)).as("kept on request after the failure at configure").singleElement().satisfies(f -> {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
      assertThat(f.getFileName().toString()).doesNotStartWith(".");
    });

    MigrationReport report = env.migration(heroku.app(DemoEnvironment.SOURCE_APP), aptible.app(handle))
        .listener(inspector).plan().resume();
    assertThat(report.outcome()).isEqualTo(MigrationReport.Outcome.COMPLETED);
    assertThat(dumpFiles(dumps)).as("no dump after success").isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dumps))).isEqualTo("rwx------");
  }

  private static String describe(Path dumps) {
    try (Stream<Path> files = Files.list(dumps)) {
      StringBuilder sb = new StringBuilder("dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(dumps)));
      for (Path f : files.sorted().toList()) {
        String name = f.getFileName().toString();
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
        sb.append("; ").append(name.startsWith(".") && name.endsWith(".part") ? ".dump.part"
            : name.endsWith(".dump") ? ".dump" : name).append(' ')
            .append(PosixFilePermissions.toString(perms));
      }
      return sb.toString();
    } catch (IOException e) {
      return "unreadable: " + e;
    }
  }

  private static List<Path> dumpFiles(Path dumps) throws IOException {
    if (!Files.isDirectory(dumps)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dumps)) {
      return files.toList();
    }
  }

  private static MigrationListener recorder(List<String> seen, Consumer<MigrationEvent.Progress> onProgress) {
    return new MigrationListener() {
      @Override
      public void stepStarted(MigrationEvent.StepStarted e) {
        seen.add(e.toString());
      }

      @Override
      public void progress(MigrationEvent.Progress e) {
        seen.add(e.toString());
        onProgress.accept(e);
      }

      @Override
      public void output(MigrationEvent.Output e) {
        seen.add(e.toString());
      }

      @Override
      public void stepFinished(MigrationEvent.StepFinished e) {
        seen.add(e.toString());
      }

      @Override
      public void stepFailed(MigrationEvent.StepFailed e) {
        seen.add(e.toString());
      }

      @Override
      public void warning(MigrationEvent.Warning e) {
        seen.add(e.toString());
      }
    };
  }

  /** The raw value, its URL-encoded forms, and the password of a URL value. */
  private static Set<String> forms(String value) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(value);
    String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
    forms.add(encoded);
    forms.add(encoded.replace("+", "%20"));
    int scheme = value.indexOf("://");
    int at = value.lastIndexOf('@');
    if (scheme > 0 && at > scheme) {
      String userInfo = value.substring(scheme + 3, at);
      String password = userInfo.substring(userInfo.indexOf(':') + 1);
      if (password.length() >= 8) {
        forms.add(password);
      }
    }
    return forms;
  }

  private static String chain(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c).append('\n');
      for (Throwable s : c.getSuppressed()) {
        sb.append("suppressed: ").append(s).append('\n');
      }
    }
    return sb.toString();
  }

  private static String around(String text, String needle) {
    int i = text.indexOf(needle);
    return text.substring(Math.max(0, i - 120), Math.min(text.length(), i + needle.length() + 40)).replace('\n', ' ');
  }

  private static String readFrom(Path file, long offset) throws IOException {
    byte[] all = Files.readAllBytes(file);
    return new String(all, (int) Math.min(offset, all.length), all.length - (int) Math.min(offset, all.length),
        StandardCharsets.UTF_8);
  }

  /** Records every command, then runs it with the real runner. */
  private static final class RecordingRunner implements ProcessRunner {
    final List<Command> commands = new CopyOnWriteArrayList<>();
    private final ProcessRunner real;

    RecordingRunner(ProcessRunner real) {
      this.real = real;
    }

    @Override
    public CommandResult run(Command command, Consumer<OutputLine> output) {
      commands.add(command);
      return real.run(command, output);
    }

    @Override
    public RunningProcess start(Command command, Consumer<OutputLine> output) {
      commands.add(command);
      return real.start(command, output);
    }
  }

  /**
   * Samples {@code /proc/PID/cmdline} of every descendant of this JVM every few milliseconds: the
   * children the SDK starts, and theirs (the fake CLI's JVMs, pg_dump under the fake Heroku, node).
   */
  private static final class ChildSampler {
    private final Set<String> cmdlines = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private Thread thread;

    void start() {
      thread = new Thread(() -> {
        while (running) {
          // Read again each time: a child forked but not yet exec'd still shows this JVM's command line.
          ProcessHandle.current().descendants().forEach(p -> cmdlines.add(read(p.pid())));
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }, "child-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    private static String read(long pid) {
      try {
        return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
            .replace('\0', ' ');
      } catch (IOException e) {
        return "";
      }
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }

    Set<String> cmdlines() {
      return new LinkedHashSet<>(cmdlines);
    }
  }
}
