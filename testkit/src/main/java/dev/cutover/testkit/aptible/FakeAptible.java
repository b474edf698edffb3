package dev.cutover.testkit.aptible;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Aptible, driven through the fake {@code aptible} executable it writes.
 *
 * <pre>{@code
 * try (FakeAptible fake = FakeAptible.builder().environment("my-env").build()) {
 *   AptibleClient aptible = AptibleClient.builder().environment("my-env")
 *       .accessToken(fake.token()).cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment())
 *       .build();
 *   aptible.app("my-app").ensureApp();
 *   assertThat(fake.app("my-app")).isPresent();
 * }
 * }</pre>
 *
 * <p>It also serves the Deploy API calls the SDK makes for secret-bearing operations
 * ({@code GET /find/app}, {@code POST /apps/{id}/operations} for {@code configure} and
 * {@code deploy}, {@code GET /operations/{id}}) at {@link #apiUrl()} on 127.0.0.1, over the same
 * state as the CLI and with the same injected failures; {@link #cliEnvironment()} names it in
 * {@code APTIBLE_API_ROOT_URL}, as the real CLI would be pointed at another API.
 *
 * <p>Each CLI call runs {@link FakeAptibleCli} in a new JVM (reference {@code aptible.md} §10 is what it
 * follows); {@code db:create} makes a real role and database on the local PostgreSQL, {@code db:tunnel}
 * a real TCP forwarder to it. Apps get a local bare repository ({@link #bareRepository}) whose
 * pre-receive hook deploys: a push to {@code master} without a root {@code Dockerfile} is rejected,
 * otherwise the app becomes {@code provisioned} with services from the Procfile (else {@code cmd})
 * and the {@code .aptible.yml} {@code before_deploy} recorded. Hooks run when the push reaches the
 * repository through {@code git-receive-pack} or {@link dev.cutover.testkit.git.SshGitServer} serving
 * {@link #gitRoot()}; JGit's in-process {@code file://} transport runs no hooks.
 * {@link #close()} drops the databases and roles it made, stops leftover tunnel processes and deletes
 * its home when it created it. Thread-safe for reads; failure injection is serialised by the state lock.
 */
public final class FakeAptible implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeAptible.class);

  /** How an injected failure shows. */
  public enum Failure {
    /** The operation starts, then fails: {@code Operation #N failed.}, exit 1. */
    OPERATION,
    /** The API refuses: {@code An error occurred: <message>}, exit 1, nothing changes. */
    API,
    /** {@code API authentication error: please run aptible login}, exit 1. */
    AUTH
  }

  /** A service of an app: a Procfile entry, or {@code cmd}. */
  public record Service(String name, String command, int containerCount, int containerSizeMb, String profile) {}

  /**
   * An app as the fake holds it.
   *
   * @param config the app's configuration (test data: values are shown as they are)
   * @param beforeDeploy the {@code before_deploy} commands of the last deploy
   * @param restarts how many times a configure or restart restarted it
   * @param deployOperations ids of the deploy operations, oldest first
   */
  public record App(String handle, String environment, long id, String status, String gitRemote,
      Map<String, String> config, List<Service> services, List<String> beforeDeploy, int restarts,
      List<Long> deployOperations) {}

  /**
   * A database as the fake holds it.
   *
   * @param postgresName the role and database on the local PostgreSQL, for PostgreSQL databases
   */
  public record Database(String handle, String environment, String type, String version, String status,
      int diskSizeGb, int containerSizeMb, Optional<String> postgresName) {}

  /**
   * An operation the fake recorded.
   *
   * @param argv the CLI argv that started it (as the real CLI received it, secrets included); empty
   *     for an operation created over the API
   * @param paramsJson the operation's parameters as JSON ({@code git_ref}, {@code settings}, ...)
   */
  public record Operation(long id, String type, String status, String command, String resource, List<String> argv,
      String paramsJson) {}

  /** An HTTPS endpoint. */
  public record Endpoint(String hostname, String app, String service, String status, Optional<String> defaultDomain,
      Optional<String> managedTlsDomain, Optional<String> managedTlsStatus) {}

  private final Path home;
  private final boolean ownsHome;
  private final FakeStore store;
  private final Path launcher;
  private final Secret token;
  private final Map<String, String> cliEnvironment;
  private final String environment;
  private final FakeAptibleApi api;
  private volatile boolean closed;

  private FakeAptible(Builder b) throws IOException {
    this.ownsHome = b.home == null;
    this.home = b.home != null ? Files.createDirectories(b.home) : Files.createTempDirectory("fake-aptible-");
    this.store = new FakeStore(home);
    this.environment = b.environments.iterator().next();
    Files.createDirectories(home.resolve("config"));
    Files.createDirectories(FakeStore.gitRoot(home));
    store.update(state -> {
      ArrayNode envs = FakeStore.array(state, "environments");
      for (String e : b.environments) {
        if (FakeStore.find(envs, "handle", e).isEmpty()) {
          ObjectNode env = envs.addObject();
          env.put("id", FakeStore.nextId(state));
          env.put("handle", e);
          env.put("created_at", FakeStore.now());
          env.putObject("stack").put("name", "shared-us-west-1").put("id", 1).put("region", "us-west-1")
              .putArray("outbound_ip_addresses").add("127.0.0.1");
        }
      }
      return null;
    });
    this.launcher = writeLauncher();
    this.token = Secret.of(FakeStore.newToken(new SecureRandom()));
    this.api = new FakeAptibleApi(store, token);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("APTIBLE_API_ROOT_URL", api.url());
    env.put("FAKE_APTIBLE_HOME", home.toString());
    env.put("APTIBLE_CONFIG_PATH", home.resolve("config").toString());
    env.put("FAKE_APTIBLE_GIT_REMOTE_TEMPLATE", b.gitRemoteTemplate != null ? b.gitRemoteTemplate
        : FakeStore.gitRoot(home).toUri().toString() + "{env}/{app}.git");
    env.put("FAKE_APTIBLE_OPERATION_LOGS", b.operationLogsOnStdout ? "1" : "0");
    env.put("FAKE_APTIBLE_PG", b.postgres);
    env.put("FAKE_APTIBLE_TUNNEL_TARGET", b.tunnelTarget != null ? b.tunnelTarget : b.postgres);
    env.put("FAKE_APTIBLE_TUNNEL_HOST", b.tunnelHost);
    if (b.tunnelTtl != null) {
      env.put("FAKE_APTIBLE_TUNNEL_TTL", String.valueOf(Math.max(1, b.tunnelTtl.toSeconds())));
    }
    if (b.tunnelReadyDelay != null) {
      env.put("FAKE_APTIBLE_TUNNEL_READY_DELAY", String.valueOf(b.tunnelReadyDelay.toMillis()));
    }
    this.cliEnvironment = Map.copyOf(env);
  }

  /** A builder with one environment, {@code cutover-test}. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Writes {@code bin/aptible}. The CLI's classpath is jars only (a class directory, as in a Maven
   * build, is packed into a jar), so that a one-off warm-up run can dump a class-data-sharing
   * archive which every later CLI JVM maps: that halves the start-up cost of each call. Jar and
   * archive are shared by every fake with the same classes, in the cache beside the {@code heroku}
   * CLI, {@code ${CUTOVER_CACHE:-~/.cache/cutover}/fake-aptible/<hash>/}: nothing is left in the
   * temporary directory.
   */
  private Path writeLauncher() throws IOException {
    List<Path> locations = new ArrayList<>();
    for (Class<?> c : List.of(FakeAptibleCli.class, ObjectMapper.class, JsonFactory.class,
        com.fasterxml.jackson.annotation.JsonAutoDetect.class, org.postgresql.Driver.class)) {
      try {
        Path location = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!locations.contains(location)) {
          locations.add(location);
        }
      } catch (java.net.URISyntaxException | NullPointerException e) {
        throw new IOException("cannot locate the classes of " + c.getName(), e);
      }
    }
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Shared shared = shared(javaBin, locations);
    Path script = Files.createDirectories(home.resolve("bin")).resolve("aptible");
    Files.writeString(script, "#!/bin/sh\n# The fake aptible CLI (cutover testkit).\n"
        + shared.archive().map(a -> "FAKE_APTIBLE_CDS=" + FakeAptibleCli.shellQuote(a.toString())
            + "\nexport FAKE_APTIBLE_CDS\nexec " + FakeAptibleCli.shellQuote(javaBin) + " -XX:SharedArchiveFile="
            + FakeAptibleCli.shellQuote(a.toString()) + " " + String.join(" ", FakeStore.CDS_OPTIONS)).orElse("exec " + FakeAptibleCli.shellQuote(javaBin))
        + " " + String.join(" ", FakeStore.JVM_OPTIONS) + " -cp " + FakeAptibleCli.shellQuote(shared.classpath()) + " "
        + FakeAptibleCli.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  /** The CLI's jar-only classpath and, when the JVM could dump one, its class-data archive. */
  private record Shared(String classpath, Optional<Path> archive) {}

  private Shared shared(String javaBin, List<Path> locations) throws IOException {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path staging = Files.createTempDirectory("fake-aptible-lib-");
    List<String> names = new ArrayList<>();
    digest.update((javaBin + System.getProperty("java.vm.version")).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (Path location : locations) {
      if (Files.isDirectory(location)) {
        String name = "classes-" + names.size() + ".jar";
        jar(location, staging.resolve(name));
        digest.update(Files.readAllBytes(staging.resolve(name)));
        names.add(name);
      } else {
        digest.update((location + ":" + Files.size(location) + ":" + Files.getLastModifiedTime(location))
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        names.add(location.toString());
      }
    }
    String key = java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 20);
    String cache = System.getenv("CUTOVER_CACHE");
    Path dir = (cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "cutover")
        : Path.of(cache)).resolve("fake-aptible").resolve(key);
    Path archive = dir.resolve("fake-aptible.jsa");
    // The archive records the classpath it was dumped with, so it is dumped in place, once, under a lock.
    synchronized (FakeAptible.class) {
      Files.createDirectories(dir);
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(dir.resolve("lock"),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock lock = channel.lock()) {
        if (!Files.exists(dir.resolve("done"))) {
          for (String name : names) {
            if (name.startsWith("classes-")) {
              Files.copy(staging.resolve(name), dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
          }
          classDataArchive(javaBin, classpath(dir, names), archive);
          Files.writeString(dir.resolve("done"), "");
        }
      }
    }
    delete(staging);
    return new Shared(classpath(dir, names), Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty());
  }

  private static String classpath(Path dir, List<String> names) {
    return String.join(java.io.File.pathSeparator, names.stream()
        .map(n -> n.startsWith("classes-") ? dir.resolve(n).toString() : n).toList());
  }

  /** Packs {@code classes} into {@code jar} deterministically (sorted, file times), for a stable hash. */
  private static void jar(Path classes, Path jar) throws IOException {
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        java.util.jar.JarEntry entry = new java.util.jar.JarEntry(classes.relativize(f).toString()
            .replace(java.io.File.separatorChar, '/'));
        entry.setTime(Files.getLastModifiedTime(f).toMillis());
        out.putNextEntry(entry);
        Files.copy(f, out);
        out.closeEntry();
      }
    }
  }

  /** Runs the CLI's warm-up once with {@code -XX:ArchiveClassesAtExit}; a JVM that cannot just leaves no file. */
  private void classDataArchive(String javaBin, String cp, Path archive) {
    List<String> argv = new ArrayList<>(List.of(javaBin, "-XX:ArchiveClassesAtExit=" + archive));
    FakeStore.JVM_OPTIONS.stream().filter(o -> !o.startsWith("-Xshare")).forEach(argv::add);
    argv.addAll(List.of("-cp", cp, FakeAptibleCli.class.getName(), FakeAptibleCli.WARMUP_COMMAND));
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("FAKE_APTIBLE_HOME", home.toString());
      Process p = pb.start();
      if (!p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        Files.deleteIfExists(archive);
      }
    } catch (IOException e) {
      LOG.warn("fake aptible: no class-data archive ({}); CLI calls start slower", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("fake aptible: could not delete {}: {}", dir, e.getMessage());
    }
  }

  /** The fake's home: state, launcher, config dir, bare repositories. */
  public Path home() {
    return home;
  }

  /** The argv prefix that runs the fake CLI: the launcher script. */
  public List<String> cliCommand() {
    return List.of(launcher.toString());
  }

  /**
   * The environment the fake CLI needs ({@code FAKE_APTIBLE_HOME}, an isolated
   * {@code APTIBLE_CONFIG_PATH}, the git remote template, the tunnel target). Holds no secret.
   */
  public Map<String, String> cliEnvironment() {
    return cliEnvironment;
  }

  /**
   * The root of the fake's Deploy API, {@code http://127.0.0.1:PORT}: pass it to
   * {@code AptibleClient.builder().apiUrl(...)}. It accepts {@link #token()} (or a token
   * {@code aptible login} wrote) as {@code Authorization: Bearer}.
   */
  public String apiUrl() {
    return api.url();
  }

  /** A token the fake accepts, to pass as {@code APTIBLE_ACCESS_TOKEN}. */
  public Secret token() {
    return token;
  }

  /** The first (default) environment's handle. */
  public String environment() {
    return environment;
  }

  /** The bare repository that backs {@code app}'s git remote (it exists once the app does). */
  public Path bareRepository(String env, String app) {
    return FakeStore.gitRoot(home).resolve(env).resolve(app + ".git");
  }

  /** The directory holding every app's bare repository, as {@code <env>/<app>.git}. */
  public Path gitRoot() {
    return FakeStore.gitRoot(home);
  }

  // ---------------------------------------------------------------- state

  /** Every app, in creation order. */
  public List<App> apps() {
    List<App> apps = new ArrayList<>();
    FakeStore.array(store.read(), "apps").forEach(a -> apps.add(toApp(a)));
    return apps;
  }

  /** The app {@code handle} (in any environment). */
  public Optional<App> app(String handle) {
    return apps().stream().filter(a -> a.handle().equals(handle)).findFirst();
  }

  private static App toApp(JsonNode a) {
    Map<String, String> config = new LinkedHashMap<>();
    a.path("fake_config").fields().forEachRemaining(f -> config.put(f.getKey(), f.getValue().asText()));
    List<Service> services = new ArrayList<>();
    a.path("services").forEach(s -> services.add(new Service(s.get("service").asText(), s.get("command").asText(),
        s.get("container_count").asInt(), s.get("container_size").asInt(), s.get("container_profile").asText())));
    List<String> beforeDeploy = new ArrayList<>();
    a.path("fake_before_deploy").forEach(c -> beforeDeploy.add(c.asText()));
    List<Long> deploys = new ArrayList<>();
    a.path("fake_deploys").forEach(d -> deploys.add(d.asLong()));
    return new App(a.get("handle").asText(), a.get("fake_environment").asText(), a.get("id").asLong(),
        a.get("status").asText(), a.get("git_remote").asText(), Map.copyOf(config), List.copyOf(services),
        List.copyOf(beforeDeploy), a.path("fake_restarts").asInt(), List.copyOf(deploys));
  }

  /** Every database, in creation order. */
  public List<Database> databases() {
    List<Database> dbs = new ArrayList<>();
    FakeStore.array(store.read(), "databases").forEach(d -> dbs.add(new Database(d.get("handle").asText(),
        d.get("fake_environment").asText(), d.get("type").asText(), d.get("version").asText(),
        d.get("status").asText(), d.get("disk_size").asInt(), d.get("container_size").asInt(),
        d.path("fake_pg_role").isTextual() ? Optional.of(d.get("fake_pg_role").asText()) : Optional.empty())));
    return dbs;
  }

  /** The database {@code handle} (in any environment). */
  public Optional<Database> database(String handle) {
    return databases().stream().filter(d -> d.handle().equals(handle)).findFirst();
  }

  /**
   * The real {@code redis-server} behind Redis database {@code handle}, reached directly on its
   * loopback port (not through a tunnel), with the credential's password: for test assertions and
   * faults ({@code CONFIG SET maxmemory}, {@code DBSIZE}). Empty for another type, or when no
   * {@code redis-server} was installed when the database was created.
   */
  public Optional<dev.cutover.core.model.RedisConnection> redis(String handle) {
    for (JsonNode d : FakeStore.array(store.read(), "databases")) {
      if (d.get("handle").asText().equals(handle) && d.has("fake_redis_port")) {
        dev.cutover.core.model.RedisConnection url = dev.cutover.core.model.RedisConnection.parse(
            Secret.of(d.get("connection_url").asText()));
        return Optional.of(new dev.cutover.core.model.RedisConnection("127.0.0.1", d.get("fake_redis_port").asInt(),
            "", url.password(), false, ""));
      }
    }
    return Optional.empty();
  }

  /** Every operation, oldest first. */
  public List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    FakeStore.array(store.read(), "operations").forEach(o -> {
      List<String> argv = new ArrayList<>();
      o.path("argv").forEach(x -> argv.add(x.asText()));
      ops.add(new Operation(o.get("id").asLong(), o.get("type").asText(), o.get("status").asText(),
          o.get("command").asText(), o.get("resource").asText(), List.copyOf(argv), o.path("params").toString()));
    });
    return ops;
  }

  /** The deploy operations (CLI deploys and git pushes), oldest first. */
  public List<Operation> deploys() {
    return operations().stream().filter(o -> o.type().equals("deploy")).toList();
  }

  /** Every endpoint. */
  public List<Endpoint> endpoints() {
    ObjectNode state = store.read();
    List<Endpoint> result = new ArrayList<>();
    FakeStore.array(state, "endpoints").forEach(e -> {
      String app = FakeStore.find(FakeStore.array(state, "apps"), "id", e.get("fake_app_id").asText())
          .map(a -> a.get("handle").asText()).orElse("?");
      result.add(new Endpoint(e.get("hostname").asText(), app, e.get("fake_service").asText(),
          e.get("status").asText(), text(e, "default_domain"), text(e, "managed_tls_domain"),
          text(e, "managed_tls_status")));
    });
    return result;
  }

  private static Optional<String> text(JsonNode node, String field) {
    return node.path(field).isTextual() ? Optional.of(node.get(field).asText()) : Optional.empty();
  }

  // ---------------------------------------------------------------- switches

  /** The next {@code command} (e.g. {@code db:create}, {@code deploy}) fails as {@code failure}. */
  public FakeAptible failNext(String command, Failure failure, String message) {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(failure, "failure");
    store.update(state -> {
      ObjectNode f = state.with("failures").putObject(command);
      f.put("kind", failure.name().toLowerCase(java.util.Locale.ROOT));
      f.put("remaining", 1);
      if (message != null) {
        f.put("message", message);
      }
      return null;
    });
    return this;
  }

  /** The next {@code command} starts its operation, which then fails. */
  public FakeAptible failNext(String command) {
    return failNext(command, Failure.OPERATION, null);
  }

  /**
   * Declares what an image holds in {@code /.aptible/}: a deploy of {@code image} creates the
   * Procfile's services and records the {@code before_deploy} commands.
   */
  public FakeAptible registerImage(String image, String procfile, List<String> beforeDeploy) {
    store.update(state -> {
      ObjectNode i = state.with("images").putObject(image);
      if (procfile != null) {
        i.put("procfile", procfile);
      }
      ArrayNode bd = i.putArray("before_deploy");
      beforeDeploy.forEach(bd::add);
      return null;
    });
    return this;
  }

  /** Sets the {@code db:versions} list: {@code type -> versions}, the last of each the default. */
  public FakeAptible dbVersions(Map<String, List<String>> versions) {
    store.update(state -> {
      ArrayNode list = state.putArray("db_versions");
      versions.forEach((type, vs) -> vs.forEach(v -> list.addObject().put("type", type).put("version", v)
          .put("default", v.equals(vs.get(vs.size() - 1))).put("description", type + " " + v)
          .put("docker_repo", "quay.io/aptible/" + type + ":" + v)));
      return null;
    });
    return this;
  }

  /**
   * Tunnel child processes ({@code ssh} stand-ins) that are still running: the very processes the
   * fake started, not later ones that reuse their pids.
   */
  public List<ProcessHandle> liveTunnelProcesses() {
    Path dir = home.resolve("tunnels");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.flatMap(f -> recordedTunnelProcess(f).stream()).filter(FakeAptible::running).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The process a tunnel file names, if it is still that process and not a later one reusing its pid. */
  private static Optional<ProcessHandle> recordedTunnelProcess(Path file) {
    String started;
    try {
      started = Files.readString(file).trim().split(" ")[0];
    } catch (IOException e) {
      return Optional.empty(); // removed meanwhile
    }
    return ProcessHandle.of(Long.parseLong(file.getFileName().toString()))
        .filter(p -> Long.toString(FakeTunnel.startMillis(p)).equals(started));
  }

  /**
   * Whether {@code process} is running: alive and not a zombie (an orphan killed here stays a
   * zombie until its new parent, often a container's init, reaps it).
   */
  public static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
    } catch (IOException | RuntimeException e) {
      return process.isAlive();
    }
  }

  /**
   * Stops leftover tunnel processes (logging each: a leak in the code under test), drops the
   * databases and roles this fake created, stops the {@code redis-server} of each Redis database,
   * and deletes its home if it created it. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    api.close();
    for (ProcessHandle p : liveTunnelProcesses()) {
      LOG.warn("fake aptible: tunnel process {} was still running at close; killing it", p.pid());
      p.destroyForcibly();
    }
    FakeRedis.stopAll(home);
    Map<String, String> env = Map.of("FAKE_APTIBLE_PG", cliEnvironment.get("FAKE_APTIBLE_PG"));
    for (Database db : databases()) {
      if (db.postgresName().isPresent()) {
        try {
          FakePostgres.drop(env, db.postgresName().get());
        } catch (SQLException | RuntimeException e) {
          LOG.warn("fake aptible: could not drop database {}: {}", db.postgresName().get(), e.getMessage());
        }
      }
    }
    if (ownsHome) {
      delete(home);
    }
  }

  @Override
  public String toString() {
    return "FakeAptible[" + home + ", environment " + environment + "]";
  }

  /** Configures a {@link FakeAptible}. Not thread-safe. */
  public static final class Builder {
    private Path home;
    private final Set<String> environments = new LinkedHashSet<>();
    private String gitRemoteTemplate;
    private boolean operationLogsOnStdout = true;
    private String postgres = "127.0.0.1:5432";
    private String tunnelTarget;
    private String tunnelHost = "127.0.0.1";
    private Duration tunnelTtl;
    private Duration tunnelReadyDelay;

    private Builder() {}

    /** Where to keep state (kept on close); default a new temporary directory (deleted on close). */
    public Builder home(Path dir) {
      this.home = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** Adds an environment; the first one added is {@link FakeAptible#environment()}. */
    public Builder environment(String handle) {
      environments.add(Objects.requireNonNull(handle, "handle"));
      return this;
    }

    /**
     * The git remote {@code apps:create} prints, with {@code {env}} and {@code {app}}; default the
     * {@code file://} URL of the app's bare repository under {@link FakeAptible#gitRoot()}.
     */
    public Builder gitRemoteTemplate(String template) {
      this.gitRemoteTemplate = Objects.requireNonNull(template, "template");
      return this;
    }

    /** Whether operation log lines precede the data on stdout (default true, as the real CLI may). */
    public Builder operationLogsOnStdout(boolean on) {
      this.operationLogsOnStdout = on;
      return this;
    }

    /** The PostgreSQL server ({@code host:port}, user postgres, trust auth) databases are made on. */
    public Builder postgres(String hostPort) {
      this.postgres = Objects.requireNonNull(hostPort, "hostPort");
      return this;
    }

    /** Where tunnels forward to ({@code host:port}); default the PostgreSQL server. */
    public Builder tunnelTarget(String hostPort) {
      this.tunnelTarget = Objects.requireNonNull(hostPort, "hostPort");
      return this;
    }

    /**
     * The host the {@code Connect at} line names; default {@code 127.0.0.1} because the real
     * {@code localhost.aptible.in} may not resolve offline.
     */
    public Builder tunnelHost(String host) {
      this.tunnelHost = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Tunnels end with {@code Tunnel timed out} after this long (whole seconds). */
    public Builder tunnelTtl(Duration ttl) {
      this.tunnelTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /**
     * The tunnel's child holds its port this long before it says it is ready, as {@code ssh} does
     * while it reaches the SSH portal; the CLI prints {@code Connect at} only then. Default none.
     */
    public Builder tunnelReadyDelay(Duration delay) {
      this.tunnelReadyDelay = Objects.requireNonNull(delay, "delay");
      return this;
    }

    /**
     * Creates the home, the state and the launcher.
     *
     * @throws UncheckedIOException when the home cannot be written
     */
    public FakeAptible build() {
      if (environments.isEmpty()) {
        environments.add("cutover-test");
      }
      try {
        return new FakeAptible(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
