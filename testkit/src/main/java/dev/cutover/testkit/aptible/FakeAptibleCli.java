package dev.cutover.testkit.aptible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The fake {@code aptible} CLI (0.26.6), run as a separate JVM by the launcher script that
 * {@link FakeAptible} writes. It follows {@code reference/aptible.md} §10: state in
 * {@code $FAKE_APTIBLE_HOME/state.json}, the real output shapes and error texts, real PostgreSQL
 * databases for {@code db:create} (a real {@code redis-server} for {@code --type redis}), a real TCP forwarder (in a child JVM, orphaned on SIGTERM as
 * the real {@code ssh} child is) for {@code db:tunnel}.
 *
 * <p>Environment: {@code FAKE_APTIBLE_HOME} (required), {@code FAKE_APTIBLE_FAIL}
 * ({@code cmd[=operation|api|auth[:message]]}, comma separated), {@code FAKE_APTIBLE_OPERATION_LOGS}
 * ({@code 0} keeps operation logs off stdout), {@code FAKE_APTIBLE_GIT_REMOTE_TEMPLATE}
 * ({@code {env}} and {@code {app}} placeholders), {@code FAKE_APTIBLE_PG} (admin server
 * {@code host:port}, default {@code 127.0.0.1:5432}, user {@code postgres}, trust auth),
 * {@code FAKE_APTIBLE_PG_PREFIX}, {@code FAKE_APTIBLE_TUNNEL_TARGET}, {@code FAKE_APTIBLE_TUNNEL_HOST},
 * {@code FAKE_APTIBLE_TUNNEL_TTL} (seconds), {@code FAKE_APTIBLE_TUNNEL_READY_DELAY} (milliseconds).
 *
 * <p>This is a command-line program: it writes to {@code System.out} and {@code System.err} by design.
 */
public final class FakeAptibleCli {
  static final String VERSION = "aptible-cli v0.26.6";
  static final String TOKEN_ERROR = "Could not read token: please run aptible login or set APTIBLE_ACCESS_TOKEN";
  static final String AUTH_ERROR = "API authentication error: please run aptible login";
  static final String HOOK_COMMAND = "__git-deploy";
  /** Loads what a typical call loads, for the class-data archive {@link FakeAptible} dumps. */
  static final String WARMUP_COMMAND = "__warmup";
  private static final Pattern HANDLE = Pattern.compile("(?!-)[0-9a-z._-]{1,64}");
  private static final List<Integer> CONTAINER_SIZES = List.of(512, 1024, 2048, 4096, 7168, 15360, 30720, 61440,
      153600, 245760);
  private static final String DEFAULT_REMOTE = "git@beta.aptible.com:{env}/{app}.git";

  private enum Opt { STRING, NUMBER, BOOL, LIST }

  private record Spec(String usage, int positionals, boolean varargs, Map<String, Opt> options) {}

  private static final Map<String, Spec> COMMANDS = new LinkedHashMap<>();

  static {
    Map<String, Opt> app = opts("app", Opt.STRING, "environment", Opt.STRING, "remote", Opt.STRING);
    Map<String, Opt> env = opts("environment", Opt.STRING);
    Map<String, Opt> sizing = opts("container-count", Opt.NUMBER, "container-size", Opt.NUMBER,
        "container-profile", Opt.STRING);
    COMMANDS.put("version", new Spec("aptible version", 0, false, Map.of()));
    COMMANDS.put("login", new Spec("aptible login", 0, false, opts("email", Opt.STRING, "password", Opt.STRING,
        "otp-token", Opt.STRING, "lifetime", Opt.STRING, "sso", Opt.STRING)));
    COMMANDS.put("environment:list", new Spec("aptible environment:list", 0, false, env));
    COMMANDS.put("apps", new Spec("aptible apps", 0, false, env));
    COMMANDS.put("apps:create", new Spec("aptible apps:create HANDLE", 1, false, env));
    COMMANDS.put("apps:scale", new Spec("aptible apps:scale [--app APP] SERVICE [--container-count COUNT]"
        + " [--container-size SIZE_MB] [--container-profile PROFILE]", 1, false, merge(app, sizing)));
    COMMANDS.put("config", new Spec("aptible config", 0, false, app));
    COMMANDS.put("config:get", new Spec("aptible config:get [VAR1]", 1, false, app));
    COMMANDS.put("config:set", new Spec("aptible config:set [VAR1=VAL1] [VAR2=VAL2] [...]", 0, true, app));
    COMMANDS.put("config:add", COMMANDS.get("config:set"));
    COMMANDS.put("config:unset", new Spec("aptible config:unset [VAR1] [VAR2] [...]", 0, true, app));
    COMMANDS.put("config:rm", COMMANDS.get("config:unset"));
    COMMANDS.put("db:create", new Spec("aptible db:create HANDLE [--type TYPE] [--version VERSION]"
        + " [--container-size SIZE_MB] [--container-profile PROFILE] [--disk-size SIZE_GB] [--iops IOPS]"
        + " [--key-arn KEY_ARN]", 1, false, merge(env, opts("type", Opt.STRING, "version", Opt.STRING,
        "disk-size", Opt.NUMBER, "container-size", Opt.NUMBER, "container-profile", Opt.STRING, "iops",
        Opt.NUMBER, "key-arn", Opt.STRING))));
    COMMANDS.put("db:list", new Spec("aptible db:list", 0, false, env));
    COMMANDS.put("db:url", new Spec("aptible db:url HANDLE", 1, false, merge(env, opts("type", Opt.STRING))));
    COMMANDS.put("db:tunnel", new Spec("aptible db:tunnel HANDLE", 1, false,
        merge(env, opts("port", Opt.NUMBER, "type", Opt.STRING))));
    COMMANDS.put("db:versions", new Spec("aptible db:versions", 0, false, Map.of()));
    COMMANDS.put("db:backup", new Spec("aptible db:backup HANDLE", 1, false, env));
    COMMANDS.put("deploy", new Spec("aptible deploy [OPTIONS] [VAR1=VAL1] [VAR2=VAL2] [...]", 0, true,
        merge(app, sizing, opts("docker-image", Opt.STRING, "private-registry-username", Opt.STRING,
            "private-registry-password", Opt.STRING, "private-registry-email", Opt.STRING, "git-commitish",
            Opt.STRING, "git-detach", Opt.BOOL))));
    COMMANDS.put("restart", new Spec("aptible restart", 0, false,
        merge(app, opts("simulate-oom", Opt.BOOL, "force", Opt.BOOL))));
    COMMANDS.put("services", new Spec("aptible services", 0, false, app));
    COMMANDS.put("endpoints:https:create", new Spec("aptible endpoints:https:create [--app APP] SERVICE", 1,
        false, merge(app, opts("default-domain", Opt.BOOL, "managed-tls", Opt.BOOL, "managed-tls-domain",
        Opt.STRING, "certificate-file", Opt.STRING, "private-key-file", Opt.STRING, "certificate-fingerprint",
        Opt.STRING, "port", Opt.NUMBER, "internal", Opt.BOOL, "ip-whitelist", Opt.LIST, "shared", Opt.BOOL,
        "load-balancing-algorithm-type", Opt.STRING, "idle-timeout", Opt.NUMBER, "force-ssl", Opt.BOOL))));
    COMMANDS.put("endpoints:list", new Spec("aptible endpoints:list [--app APP | --database DATABASE]", 0,
        false, merge(app, opts("database", Opt.STRING))));
    COMMANDS.put("endpoints:renew", new Spec("aptible endpoints:renew [--app APP] ENDPOINT_HOSTNAME", 1,
        false, app));
    COMMANDS.put("operation:logs", new Spec("aptible operation:logs OPERATION_ID", 1, false, Map.of()));
  }

  private final Map<String, String> env;
  private final PrintStream out;
  private final PrintStream err;
  private final FakeStore store;
  private final boolean json;
  private final SecureRandom random = new SecureRandom();

  /** Thrown to end a command with a message on stderr and an exit code. */
  static final class Exit extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int code;

    Exit(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  FakeAptibleCli(Map<String, String> env, PrintStream out, PrintStream err) {
    this.env = env;
    this.out = out;
    this.err = err;
    String home = env.get("FAKE_APTIBLE_HOME");
    this.store = home == null ? null : new FakeStore(Path.of(home));
    this.json = "json".equals(env.get("APTIBLE_OUTPUT_FORMAT"));
  }

  /** Runs one CLI invocation and exits the JVM with its exit code. */
  public static void main(String[] args) {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    int code = new FakeAptibleCli(System.getenv(), out, err).run(args);
    out.flush();
    err.flush();
    System.exit(code);
  }

  int run(String[] args) {
    try {
      if (store == null) {
        throw new Exit(2, "FAKE_APTIBLE_HOME is not set (the fake aptible keeps its state there)");
      }
      String format = env.get("APTIBLE_OUTPUT_FORMAT");
      if (format != null && !format.equals("json") && !format.equals("text")) {
        throw new Exit(1, "Invalid APTIBLE_OUTPUT_FORMAT: " + format);
      }
      if (args.length == 0 || args[0].equals("help")) {
        out.println("Commands:");
        COMMANDS.values().stream().map(Spec::usage).distinct().forEach(u -> out.println("  " + u));
        return 0;
      }
      if (args[0].equals(WARMUP_COMMAND)) {
        return warmup();
      }
      if (args[0].equals(HOOK_COMMAND)) {
        return gitHook(args[1], args[2]);
      }
      Spec spec = COMMANDS.get(args[0]);
      if (spec == null) {
        throw new Exit(1, "Could not find command \"" + args[0] + "\".");
      }
      String command = args[0];
      Args parsed = parse(command, spec, List.of(args).subList(1, args.length));
      if (!command.equals("version") && !command.equals("login")) {
        requireToken();
        injectedFailure(command, false);
      }
      dispatch(command, parsed);
      return 0;
    } catch (Exit e) {
      if (e.getMessage() != null && !e.getMessage().isEmpty()) {
        err.println(e.getMessage());
      }
      return e.code;
    }
  }

  private int warmup() {
    ObjectNode state = store.read();
    parse("db:create", COMMANDS.get("db:create"), List.of("warm", "--type=postgresql", "--disk-size", "10"));
    FakeStore.pretty(FakeStore.defaultVersions());
    grouped(Map.of("warm", List.of("up")));
    shellEscape(state.toString());
    try {
      Class.forName("org.postgresql.Driver");
    } catch (ClassNotFoundException e) {
      return 1;
    }
    return 0;
  }

  // ---------------------------------------------------------------- parsing

  private record Args(String command, List<String> positionals, Map<String, Object> options) {
    String opt(String name) {
      Object v = options.get(name);
      return v == null ? null : v.toString();
    }

    boolean flag(String name) {
      return Boolean.TRUE.equals(options.get(name));
    }
  }

  private static Args parse(String command, Spec spec, List<String> args) {
    List<String> positionals = new ArrayList<>();
    Map<String, Object> options = new LinkedHashMap<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      // Thor ends option parsing at a bare "--": what follows is positional, even "--help".
      if (optionsEnded) {
        positionals.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      String name = null;
      String inline = null;
      if (arg.startsWith("--") && arg.length() > 2) {
        String body = arg.substring(2);
        int eq = body.indexOf('=');
        name = (eq < 0 ? body : body.substring(0, eq)).replace('_', '-');
        inline = eq < 0 ? null : body.substring(eq + 1);
        if (name.equals("env")) {
          name = "environment";
        }
      } else if (arg.equals("-r")) {
        name = "remote";
      }
      boolean negated = name != null && name.startsWith("no-") && spec.options().get(name.substring(3)) == Opt.BOOL;
      Opt type = name == null ? null : negated ? Opt.BOOL : spec.options().get(name);
      if (type == null) {
        positionals.add(arg);
        continue;
      }
      switch (type) {
        case BOOL -> options.put(negated ? name.substring(3) : name, !negated);
        case LIST -> {
          List<String> values = new ArrayList<>();
          while (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
            values.add(args.get(++i));
          }
          options.put(name, String.join(" ", values));
        }
        default -> {
          String value = inline;
          if (value == null) {
            if (i + 1 >= args.size()) {
              throw new Exit(1, "No value provided for option '--" + name + "'");
            }
            value = args.get(++i);
          }
          if (type == Opt.NUMBER && !value.matches("-?\\d+(\\.\\d+)?")) {
            throw new Exit(1, "Expected numeric value for '--" + name + "'; got \"" + value + "\"");
          }
          options.put(name, value);
        }
      }
    }
    if (positionals.size() < spec.positionals()) {
      throw new Exit(1, "ERROR: \"aptible " + command + "\" was called with no arguments\nUsage: \""
          + spec.usage() + "\"");
    }
    if (!spec.varargs() && positionals.size() > spec.positionals()) {
      throw new Exit(1, "ERROR: \"aptible " + command + "\" was called with arguments " + positionals
          + "\nUsage: \"" + spec.usage() + "\"");
    }
    return new Args(command, List.copyOf(positionals), options);
  }

  private void requireToken() {
    String token = env.get("APTIBLE_ACCESS_TOKEN");
    if (token == null || token.isBlank()) {
      Path tokens = configDir().resolve("tokens.json");
      if (Files.isRegularFile(tokens)) {
        try {
          JsonNode map = FakeStore.parse(Files.readString(tokens));
          JsonNode value = map.path(env.getOrDefault("APTIBLE_AUTH_ROOT_URL", "https://auth.aptible.com"));
          token = value.isTextual() ? value.asText() : null;
        } catch (IOException | RuntimeException e) {
          token = null;
        }
      }
    }
    if (token == null || token.isBlank()) {
      throw new Exit(1, TOKEN_ERROR);
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      // The real CLI crashes in JWT.decode inside telemetry.
      throw new Exit(1, "/usr/lib/aptible-toolbelt/vendor/bundle/ruby/gems/jwt-2.7.1/lib/jwt/decode.rb:138:in"
          + " `validate_segment_count!': Not enough or too many segments (JWT::DecodeError)");
    }
    if (store.read().path("revoked_tokens").toString().contains("\"" + token + "\"")) {
      throw new Exit(1, AUTH_ERROR);
    }
  }

  private Path configDir() {
    String path = env.get("APTIBLE_CONFIG_PATH");
    return path != null ? Path.of(path) : Path.of(env.getOrDefault("HOME", "."), ".aptible");
  }

  /**
   * Fails {@code command} when the environment or the state asks for it. API and auth failures happen
   * before anything changes; operation failures after the operation "started".
   */
  private Optional<String> injectedFailure(String command, boolean operationStarted) {
    String kind = null;
    String message = null;
    String spec = env.getOrDefault("FAKE_APTIBLE_FAIL", "");
    for (String item : spec.split(",")) {
      String[] kv = item.trim().split("=", 2);
      if (kv[0].equals(command)) {
        String[] km = (kv.length > 1 ? kv[1] : "operation").split(":", 2);
        kind = km[0];
        message = km.length > 1 ? km[1] : null;
      }
    }
    if (kind == null) {
      String[] fromState = store.update(state -> {
        JsonNode f = state.path("failures").path(command);
        if (f.isMissingNode()) {
          return null;
        }
        String k = f.path("kind").asText("operation");
        boolean now = k.equals("operation") == operationStarted;
        if (now) {
          int remaining = f.path("remaining").asInt(1) - 1;
          if (remaining <= 0) {
            ((ObjectNode) state.get("failures")).remove(command);
          } else {
            ((ObjectNode) f).put("remaining", remaining);
          }
        }
        return new String[] {k, f.path("message").isTextual() ? f.path("message").asText() : null, String.valueOf(now)};
      });
      if (fromState == null || !Boolean.parseBoolean(fromState[2])) {
        return Optional.empty();
      }
      kind = fromState[0];
      message = fromState[1];
    }
    switch (kind) {
      case "api" -> {
        if (!operationStarted) {
          throw new Exit(1, "An error occurred: " + (message == null ? "Service Unavailable" : message));
        }
      }
      case "auth" -> {
        if (!operationStarted) {
          throw new Exit(1, AUTH_ERROR);
        }
      }
      default -> {
        if (operationStarted) {
          return Optional.of(message == null ? "simulated failure" : message);
        }
      }
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- dispatch

  private void dispatch(String command, Args a) {
    switch (command) {
      case "version" -> print(FakeStore.NODES.objectNode().put("version", VERSION), VERSION);
      case "login" -> login(a);
      case "environment:list" -> environmentList(a);
      case "apps" -> apps(a);
      case "apps:create" -> appsCreate(a);
      case "apps:scale" -> appsScale(a);
      case "config" -> config(a);
      case "config:get" -> configGet(a);
      case "config:set", "config:add" -> configSet(a, false);
      case "config:unset", "config:rm" -> configSet(a, true);
      case "db:create" -> dbCreate(a);
      case "db:list" -> dbList(a);
      case "db:url" -> dbUrl(a);
      case "db:tunnel" -> new FakeTunnel(env, err).run(tunnelTarget(a), a.opt("port"), a.opt("type") != null);
      case "db:versions" -> dbVersions();
      case "db:backup" -> dbBackup(a);
      case "deploy" -> deploy(a);
      case "restart" -> restart(a);
      case "services" -> services(a);
      case "endpoints:https:create" -> endpointsCreate(a);
      case "endpoints:list" -> endpointsList(a);
      case "endpoints:renew" -> endpointsRenew(a);
      case "operation:logs" -> operationLogs(a);
      default -> throw new Exit(1, "Could not find command \"" + command + "\".");
    }
  }

  private void print(JsonNode data, String text) {
    if (json) {
      out.print(FakeStore.pretty(data));
    } else {
      out.print(text.isEmpty() ? "\n" : text.endsWith("\n") ? text : text + "\n");
    }
    out.flush();
  }

  private void info(String line) {
    err.println(line);
  }

  /** The operation's log lines, on stdout ahead of the data, as the SSH portal streams them. */
  private void operationLog(String... lines) {
    if (!"0".equals(env.get("FAKE_APTIBLE_OPERATION_LOGS"))) {
      for (String line : lines) {
        out.println("INFO -- : " + line);
      }
      out.flush();
    }
  }

  // ---------------------------------------------------------------- environments and apps

  private static Map<String, Opt> opts(Object... kv) {
    Map<String, Opt> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Opt) kv[i + 1]);
    }
    return m;
  }

  @SafeVarargs
  private static Map<String, Opt> merge(Map<String, Opt>... maps) {
    Map<String, Opt> m = new LinkedHashMap<>();
    for (Map<String, Opt> map : maps) {
      m.putAll(map);
    }
    return m;
  }

  private void login(Args a) {
    Path dir = configDir();
    String token = FakeStore.newToken(random);
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("tokens.json");
      Files.writeString(file, FakeStore.NODES.objectNode()
          .put(env.getOrDefault("APTIBLE_AUTH_ROOT_URL", "https://auth.aptible.com"), token) + "\n");
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new Exit(1, e.toString());
    }
    info("Token written to " + dir.resolve("tokens.json"));
    info("This token will expire after 7 days (use --lifetime to customize)");
  }

  private static ObjectNode envRef(ObjectNode environment) {
    ObjectNode ref = FakeStore.NODES.objectNode();
    ref.put("id", environment.get("id").asLong());
    ref.put("handle", environment.get("handle").asText());
    ref.put("created_at", environment.get("created_at").asText());
    return ref;
  }

  private static ObjectNode environment(ObjectNode state, String handle, String error) {
    return FakeStore.find(FakeStore.array(state, "environments"), "handle", handle)
        .orElseThrow(() -> new Exit(1, error));
  }

  /** For commands that need an environment but take no app ({@code apps:create}, {@code db:create}). */
  private static ObjectNode environmentFor(ObjectNode state, Args a) {
    String handle = a.opt("environment");
    ArrayNode envs = FakeStore.array(state, "environments");
    if (handle != null) {
      return environment(state, handle, "Could not find environment " + handle);
    }
    if (envs.isEmpty()) {
      throw new Exit(1, "No environments. Go to https://app.aptible.com/ to proceed");
    }
    if (envs.size() > 1) {
      throw new Exit(1, "Multiple environments available, please specify with --environment or --env");
    }
    return (ObjectNode) envs.get(0);
  }

  /** The environments a listing covers: all, or the one named (else "Specified account does not exist"). */
  private static List<ObjectNode> listedEnvironments(ObjectNode state, Args a) {
    List<ObjectNode> result = new ArrayList<>();
    for (JsonNode e : FakeStore.array(state, "environments")) {
      if (a.opt("environment") == null || a.opt("environment").equals(e.get("handle").asText())) {
        result.add((ObjectNode) e);
      }
    }
    if (a.opt("environment") != null && result.isEmpty()) {
      throw new Exit(1, "Specified account does not exist");
    }
    return result;
  }

  /** The {@code [--app APP] [--environment ENV]} resolution of the real CLI. */
  private static ObjectNode app(ObjectNode state, Args a) {
    String handle = a.opt("app");
    String envHandle = a.opt("environment");
    String suffix = " (options provided via CLI arguments)";
    if (handle == null) {
      throw new Exit(1, "Could not find app in current working directory, please specify with --app");
    }
    if (envHandle != null) {
      environment(state, envHandle, "Could not find environment " + envHandle + suffix);
    }
    List<ObjectNode> matches = new ArrayList<>();
    for (JsonNode app : FakeStore.array(state, "apps")) {
      if (app.get("handle").asText().equals(handle)
          && (envHandle == null || app.get("fake_environment").asText().equals(envHandle))) {
        matches.add((ObjectNode) app);
      }
    }
    if (matches.isEmpty()) {
      throw new Exit(1, "Could not find app " + handle + " in "
          + (envHandle == null ? "any environment" : "environment " + envHandle) + suffix);
    }
    if (matches.size() > 1) {
      throw new Exit(1, "Multiple apps named " + handle + " exist, please specify with --environment");
    }
    return matches.get(0);
  }

  private void environmentList(Args a) {
    ObjectNode state = store.read();
    ArrayNode data = FakeStore.NODES.arrayNode();
    StringBuilder text = new StringBuilder();
    for (ObjectNode e : listedEnvironments(state, a)) {
      ObjectNode item = envRef(e);
      item.set("stack", e.path("stack").deepCopy());
      data.add(item);
      text.append(e.get("handle").asText()).append('\n');
    }
    print(data, text.toString());
  }

  private static ObjectNode serviceJson(JsonNode service) {
    ObjectNode s = FakeStore.NODES.objectNode();
    for (String f : List.of("id", "service", "created_at", "command", "container_count", "container_size",
        "container_profile")) {
      s.set(f, service.get(f));
    }
    return s;
  }

  private static ObjectNode appJson(ObjectNode state, JsonNode app, boolean withEnvironment) {
    ObjectNode o = FakeStore.NODES.objectNode();
    for (String f : List.of("id", "handle", "created_at", "status", "git_remote")) {
      o.set(f, app.get(f));
    }
    if (app.has("last_deploy_operation")) {
      o.set("last_deploy_operation", app.get("last_deploy_operation"));
    }
    ArrayNode services = o.putArray("services");
    app.path("services").forEach(s -> services.add(serviceJson(s)));
    if (withEnvironment) {
      o.set("environment", envRef(environment(state, app.get("fake_environment").asText(), "")));
    }
    return o;
  }

  /** Groups of keys as the text renderer prints them: {@code === group}, sorted, blank line between. */
  private static String grouped(Map<String, List<String>> groups) {
    StringBuilder text = new StringBuilder();
    for (Map.Entry<String, List<String>> g : new TreeMap<>(groups).entrySet()) {
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append("=== ").append(g.getKey()).append('\n');
      g.getValue().forEach(k -> text.append(k).append('\n'));
    }
    return text.toString();
  }

  private void apps(Args a) {
    ObjectNode state = store.read();
    ArrayNode data = FakeStore.NODES.arrayNode();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ObjectNode e : listedEnvironments(state, a)) {
      String envHandle = e.get("handle").asText();
      List<String> keys = groups.computeIfAbsent(envHandle, k -> new ArrayList<>());
      for (JsonNode app : FakeStore.array(state, "apps")) {
        if (app.get("fake_environment").asText().equals(envHandle)) {
          data.add(appJson(state, app, true));
          keys.add(app.get("handle").asText());
        }
      }
    }
    print(data, grouped(groups));
  }

  private void appsCreate(Args a) {
    String handle = a.positionals().get(0);
    ObjectNode created = store.update(state -> {
      ObjectNode environment = environmentFor(state, a);
      String envHandle = environment.get("handle").asText();
      if (!HANDLE.matcher(handle).matches()) {
        throw new Exit(1, "Handle may only contain lowercase letters, numbers, periods, underscores and dashes");
      }
      ArrayNode apps = FakeStore.array(state, "apps");
      for (JsonNode app : apps) {
        if (app.get("handle").asText().equals(handle) && app.get("fake_environment").asText().equals(envHandle)) {
          throw new Exit(1, "Handle has already been taken");
        }
      }
      ObjectNode app = apps.addObject();
      app.put("id", FakeStore.nextId(state));
      app.put("handle", handle);
      app.put("created_at", FakeStore.now());
      app.put("status", "pending");
      app.put("git_remote", env.getOrDefault("FAKE_APTIBLE_GIT_REMOTE_TEMPLATE", DEFAULT_REMOTE)
          .replace("{env}", envHandle).replace("{app}", handle));
      app.putArray("services");
      app.put("fake_environment", envHandle);
      app.putObject("fake_config");
      app.put("fake_restarts", 0);
      return app;
    });
    createBareRepo(created.get("fake_environment").asText(), handle);
    info("App " + handle + " created!");
    print(FakeStore.NODES.objectNode().put("git_remote", created.get("git_remote").asText()),
        "Git Remote: " + created.get("git_remote").asText());
  }

  /** The local bare repository a push "deploys" to; its pre-receive hook runs {@link #gitHook}. */
  private void createBareRepo(String envHandle, String app) {
    Path repo = FakeStore.gitRoot(store.home()).resolve(envHandle).resolve(app + ".git");
    try {
      Files.createDirectories(repo.getParent());
      Process git = new ProcessBuilder("git", "init", "--bare", "-q", "--initial-branch=master", repo.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!git.waitFor(30, TimeUnit.SECONDS) || git.exitValue() != 0) {
        throw new Exit(1, "fake aptible: git init --bare " + repo + " failed");
      }
      Path hook = repo.resolve("hooks").resolve("pre-receive");
      Files.writeString(hook, "#!/bin/sh\nFAKE_APTIBLE_HOME=" + shellQuote(store.home().toString())
          + "\nexport FAKE_APTIBLE_HOME\nexec " + javaCommand() + " " + HOOK_COMMAND + " " + shellQuote(envHandle)
          + " " + shellQuote(app) + "\n");
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new Exit(1, "fake aptible: cannot create " + repo + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exit(130, "interrupted");
    }
  }

  /** The command line that runs this class again, in the same JVM setup. */
  static String javaCommand() {
    String java = ProcessHandle.current().info().command().orElse("java");
    return shellQuote(java) + " " + String.join(" ", FakeStore.jvmOptions()) + " -cp "
        + shellQuote(System.getProperty("java.class.path")) + " " + FakeAptibleCli.class.getName();
  }

  static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  // ---------------------------------------------------------------- config

  /** Ruby's {@code Shellwords.escape}. */
  static String shellEscape(String s) {
    if (s.isEmpty()) {
      return "''";
    }
    return s.replaceAll("([^A-Za-z0-9_\\-.,:+/@\\n])", "\\\\$1").replace("\n", "'\n'");
  }

  private void config(Args a) {
    ObjectNode state = store.read();
    JsonNode config = app(state, a).path("fake_config");
    ArrayNode data = FakeStore.NODES.arrayNode();
    StringBuilder text = new StringBuilder();
    config.fields().forEachRemaining(f -> {
      String line = f.getKey() + "=" + shellEscape(f.getValue().asText());
      data.addObject().put("key", f.getKey()).put("value", f.getValue().asText()).put("shell_export", line);
      text.append(line).append('\n');
    });
    print(data, text.toString());
  }

  private void configGet(Args a) {
    JsonNode value = app(store.read(), a).path("fake_config").path(a.positionals().get(0));
    ArrayNode data = FakeStore.NODES.arrayNode();
    if (value.isTextual()) {
      data.add(value.asText());
    }
    print(data, value.isTextual() ? value.asText() : "");
  }

  /** Splits {@code K=V} arguments as the CLI does; {@code unset} keeps only the keys. */
  private static Map<String, String> envArgs(List<String> args, boolean unset) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg : arg.substring(0, eq);
      if ((!unset && eq < 0) || key.startsWith("-") || key.isEmpty()) {
        throw new Exit(1, "Invalid argument: " + arg);
      }
      vars.put(key, unset ? "" : arg.substring(eq + 1));
    }
    return vars;
  }

  private void configSet(Args a, boolean unset) {
    Map<String, String> vars = envArgs(a.positionals(), unset);
    long op = store.update(state -> {
      ObjectNode app = app(state, a);
      return startOperation(state, "configure", app, a, FakeStore.NODES.objectNode()).get("id").asLong();
    });
    info("Updating configuration and restarting app...");
    finishOperation(op, a.command(), state -> {
      ObjectNode app = app(state, a);
      ObjectNode config = (ObjectNode) app.get("fake_config");
      vars.forEach((k, v) -> {
        if (v.isEmpty()) {
          config.remove(k);
        } else {
          config.put(k, v);
        }
      });
      app.put("fake_restarts", app.path("fake_restarts").asInt() + 1);
    });
  }

  // ---------------------------------------------------------------- operations

  private ObjectNode startOperation(ObjectNode state, String type, ObjectNode resource, Args a, ObjectNode params) {
    ObjectNode op = FakeStore.array(state, "operations").addObject();
    op.put("id", FakeStore.nextId(state));
    op.put("type", type);
    op.put("status", "running");
    op.put("command", a.command());
    op.put("resource", resource.get("handle").asText());
    op.put("environment", resource.path("fake_environment").asText());
    op.put("created_at", FakeStore.now());
    op.set("params", params);
    ArrayNode argv = op.putArray("argv");
    argv.add("aptible").add(a.command());
    a.positionals().forEach(argv::add);
    a.options().forEach((k, v) -> argv.add("--" + k + (v instanceof Boolean ? "" : "=" + v)));
    return op;
  }

  /**
   * Ends operation {@code id}: failed when a failure is injected (prints {@code Operation #N failed.}
   * and exits 1), else applies {@code effect} and marks it succeeded.
   */
  private void finishOperation(long id, String command, java.util.function.Consumer<ObjectNode> effect) {
    operationLog("Starting operation #" + id + "...");
    Optional<String> failure = injectedFailure(command, true);
    store.update(state -> {
      ObjectNode op = FakeStore.find(FakeStore.array(state, "operations"), "id", String.valueOf(id)).orElseThrow();
      if (failure.isPresent()) {
        op.put("status", "failed");
        op.put("logs", "ERROR -- : " + failure.get() + "\n");
      } else {
        effect.accept(state);
        op.put("status", "succeeded");
        op.put("logs", "INFO -- : Operation #" + id + " succeeded\n");
      }
      return null;
    });
    if (failure.isPresent()) {
      operationLog("ERROR: " + failure.get());
      info("Disconnected from logs, waiting for operation to complete");
      info("Once complete, the logs can be viewed here:");
      info("    https://app.aptible.com/operations/" + id);
      throw new Exit(1, "Operation #" + id + " failed.");
    }
    operationLog("Operation #" + id + " succeeded");
  }

  private void operationLogs(Args a) {
    String id = a.positionals().get(0);
    JsonNode op = FakeStore.find(FakeStore.array(store.read(), "operations"), "id", id).orElseThrow(() ->
        new Exit(1, "/usr/lib/aptible-toolbelt/lib/aptible/cli/subcommands/operation.rb:43:in `block in"
            + " <class:Operation>': Operation #" + id + " not found (RuntimeError)"));
    if (op.get("status").asText().equals("running") || op.get("status").asText().equals("queued")) {
      throw new Exit(1, "Error - You can view the logs when operation is complete.");
    }
    info("Requesting operation logs for " + op.get("status").asText() + " " + op.get("type").asText() + " #"
        + id + " on " + op.get("resource").asText() + "...");
    out.print(op.path("logs").asText());
    out.flush();
  }

  // ---------------------------------------------------------------- databases

  private ArrayNode versions(ObjectNode state) {
    JsonNode v = state.get("db_versions");
    return v instanceof ArrayNode a ? a : FakeStore.defaultVersions();
  }

  private void dbVersions() {
    ArrayNode versions = versions(store.read());
    Map<String, List<String>> groups = new LinkedHashMap<>();
    versions.forEach(v -> groups.computeIfAbsent(v.get("type").asText(), k -> new ArrayList<>())
        .add(v.get("version").asText()));
    print(versions, grouped(groups));
  }

  private static ObjectNode dbJson(ObjectNode state, JsonNode db) {
    ObjectNode o = FakeStore.NODES.objectNode();
    for (String f : List.of("id", "handle", "created_at", "type", "version", "status", "connection_url",
        "credentials")) {
      o.set(f, db.get(f));
    }
    o.set("environment", envRef(environment(state, db.get("fake_environment").asText(), "")));
    for (String f : List.of("disk_type", "disk_size", "disk_modification_progress", "disk_modification_status",
        "disk_provisioned_iops", "container_size", "container_profile")) {
      o.set(f, db.get(f));
    }
    return o;
  }

  private static ObjectNode database(ObjectNode state, String handle, String envHandle) {
    if (envHandle != null) {
      environment(state, envHandle, "Could not find environment " + envHandle);
    }
    List<ObjectNode> matches = new ArrayList<>();
    for (JsonNode db : FakeStore.array(state, "databases")) {
      if (db.get("handle").asText().equals(handle)
          && (envHandle == null || db.get("fake_environment").asText().equals(envHandle))) {
        matches.add((ObjectNode) db);
      }
    }
    if (matches.isEmpty()) {
      throw new Exit(1, "Could not find database " + handle);
    }
    if (matches.size() > 1) {
      throw new Exit(1, "Multiple databases exist, please specify with --environment");
    }
    return matches.get(0);
  }

  private void dbCreate(Args a) {
    String handle = a.positionals().get(0);
    String type = a.opt("type");
    String version = a.opt("version");
    if (version != null && type == null) {
      throw new Exit(1, "--type is required when passing --version");
    }
    String dbType = type == null ? "postgresql" : type;
    refuseSizes(a);
    ObjectNode db = store.update(state -> {
      ObjectNode environment = environmentFor(state, a);
      ArrayNode versions = versions(state);
      List<String> types = new ArrayList<>();
      List<String> typeVersions = new ArrayList<>();
      String chosen = null;
      for (JsonNode v : versions) {
        if (!types.contains(v.get("type").asText())) {
          types.add(v.get("type").asText());
        }
        if (v.get("type").asText().equals(dbType)) {
          typeVersions.add(v.get("version").asText());
          if (version == null ? v.path("default").asBoolean() : v.get("version").asText().equals(version)) {
            chosen = v.get("version").asText();
          }
        }
      }
      if (typeVersions.isEmpty()) {
        throw new Exit(1, "No Database Image of type \"" + dbType + "\", valid types: " + String.join(", ", types));
      }
      if (chosen == null && version != null) {
        throw new Exit(1, "No Database Image of type " + dbType + " with version " + version + ", valid versions: "
            + String.join(" ", typeVersions));
      }
      String envHandle = environment.get("handle").asText();
      for (JsonNode other : FakeStore.array(state, "databases")) {
        if (other.get("handle").asText().equals(handle) && other.get("fake_environment").asText().equals(envHandle)) {
          throw new Exit(1, "An error occurred: Handle has already been taken");
        }
      }
      if (!HANDLE.matcher(handle).matches()) {
        throw new Exit(1, "An error occurred: Handle may only contain lowercase letters, numbers, periods,"
            + " underscores and dashes");
      }
      long id = FakeStore.nextId(state);
      ObjectNode d = FakeStore.array(state, "databases").addObject();
      d.put("id", id);
      d.put("handle", handle);
      d.put("created_at", FakeStore.now());
      d.put("type", dbType);
      d.put("version", chosen == null ? typeVersions.get(typeVersions.size() - 1) : chosen);
      d.put("status", "pending");
      d.putNull("connection_url");
      d.putArray("credentials");
      d.put("disk_type", "gp3");
      d.put("disk_size", (int) Double.parseDouble(a.options().getOrDefault("disk-size", "10").toString()));
      d.putNull("disk_modification_progress");
      d.putNull("disk_modification_status");
      d.put("disk_provisioned_iops", 3000);
      d.put("container_size", (int) Double.parseDouble(a.options().getOrDefault("container-size", "1024").toString()));
      d.put("container_profile", a.options().getOrDefault("container-profile", "m").toString());
      d.put("fake_environment", envHandle);
      ObjectNode result = d.deepCopy();
      result.put("fake_operation", startOperation(state, "provision", d, a, FakeStore.NODES.objectNode())
          .get("id").asLong());
      return result;
    });
    long id = db.get("id").asLong();
    long op = db.get("fake_operation").asLong();
    operationLog("Provisioning " + dbType + " database...");
    Map<String, String> creds = new LinkedHashMap<>();
    String envHandle = db.get("fake_environment").asText();
    String host = "db-" + envHandle + "-" + id + ".aptible.in";
    int port = 10000 + (int) (id % 50000);
    finishOperation(op, a.command(), state -> {
      ObjectNode d = database(state, handle, envHandle);
      if (dbType.equals("postgresql")) {
        String role = FakeStore.pgPrefix(env) + randomWord(10);
        String password = randomWord(24);
        FakePostgres.create(env, role, password);
        d.put("fake_pg_role", role);
        creds.put("postgresql", "postgresql://" + role + ":" + password + "@" + host + ":" + port + "/" + role);
      } else if (dbType.equals("redis")) {
        String password = randomWord(24);
        int redisPort = FakeRedis.start(env, id, password, err);
        if (redisPort > 0) {
          d.put("fake_redis_port", redisPort);
        }
        creds.put("redis", "redis://aptible:" + password + "@" + host + ":" + port);
        creds.put("redis+ssl", "rediss://aptible:" + password + "@" + host + ":" + (port + 1));
      } else {
        creds.put(dbType, dbType + "://aptible:" + randomWord(24) + "@" + host + ":" + port + "/db");
      }
      ArrayNode credentials = d.putArray("credentials");
      boolean first = true;
      for (Map.Entry<String, String> c : creds.entrySet()) {
        credentials.addObject().put("type", c.getKey()).put("connection_url", c.getValue()).put("default", first);
        first = false;
      }
      d.put("connection_url", creds.values().iterator().next());
      d.put("status", "provisioned");
    });
    operationLog("Database provision successful.");
    ObjectNode state = store.read();
    ObjectNode created = database(state, handle, envHandle);
    print(dbJson(state, created), created.get("connection_url").asText());
  }

  String randomWord(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private void dbList(Args a) {
    ObjectNode state = store.read();
    ArrayNode data = FakeStore.NODES.arrayNode();
    Map<String, List<String>> groups = new LinkedHashMap<>();
    for (ObjectNode e : listedEnvironments(state, a)) {
      String envHandle = e.get("handle").asText();
      List<String> keys = groups.computeIfAbsent(envHandle, k -> new ArrayList<>());
      for (JsonNode db : FakeStore.array(state, "databases")) {
        if (db.get("fake_environment").asText().equals(envHandle)) {
          data.add(dbJson(state, db));
          keys.add(db.get("handle").asText());
        }
      }
    }
    print(data, grouped(groups));
  }

  /** The credential a {@code db:url}/{@code db:tunnel} call names, with the real errors. */
  private static JsonNode credential(ObjectNode db, String type) {
    if (!db.get("status").asText().equals("provisioned")) {
      throw new Exit(1, "Database " + db.get("handle").asText() + " is not provisioned");
    }
    List<String> types = new ArrayList<>();
    for (JsonNode c : db.get("credentials")) {
      types.add(c.get("type").asText());
      if (type == null ? c.get("default").asBoolean() : c.get("type").asText().equals(type)) {
        return c;
      }
    }
    throw new Exit(1, (type == null ? "No default credential for database" : "No credential with type " + type
        + " for database") + ", valid credential types: " + String.join(", ", types));
  }

  private void dbUrl(Args a) {
    ObjectNode db = database(store.read(), a.positionals().get(0), a.opt("environment"));
    String url = credential(db, a.opt("type")).get("connection_url").asText();
    print(FakeStore.NODES.objectNode().put("connection_url", url), url);
  }

  /** What {@code db:tunnel} needs: the database, its credential, the valid types. */
  record TunnelTarget(String handle, String type, String url, List<String> types, String forwardTo) {}

  private TunnelTarget tunnelTarget(Args a) {
    ObjectNode db = database(store.read(), a.positionals().get(0), a.opt("environment"));
    JsonNode credential = credential(db, a.opt("type"));
    List<String> types = new ArrayList<>();
    db.get("credentials").forEach(c -> types.add(c.get("type").asText()));
    // a Redis database's tunnel reaches its own redis-server (plain RESP, whatever the credential type)
    String forwardTo = db.has("fake_redis_port") ? "127.0.0.1:" + db.get("fake_redis_port").asInt() : null;
    return new TunnelTarget(db.get("handle").asText(), credential.get("type").asText(),
        credential.get("connection_url").asText(), types, forwardTo);
  }

  private void dbBackup(Args a) {
    String handle = a.positionals().get(0);
    long op = store.update(state -> startOperation(state, "backup", database(state, handle, a.opt("environment")),
        a, FakeStore.NODES.objectNode()).get("id").asLong());
    info("Backing up " + handle + "...");
    finishOperation(op, a.command(), state -> {});
  }

  // ---------------------------------------------------------------- deploys and services

  private void deploy(Args a) {
    Map<String, String> vars = envArgs(a.positionals(), false);
    String image = a.opt("docker-image");
    if (a.opt("git-commitish") != null && a.flag("git-detach")) {
      throw new Exit(1, "The options --git-commitish and --git-detach are incompatible");
    }
    if (image != null && vars.containsKey("APTIBLE_DOCKER_IMAGE") && !vars.get("APTIBLE_DOCKER_IMAGE").equals(image)) {
      throw new Exit(1, "The options --docker-image and APTIBLE_DOCKER_IMAGE cannot be set to different values");
    }
    if (image != null && image.contains("@sha256:")) {
      throw new Exit(1, "An error occurred: Docker image must be in the form image:tag, a digest is not supported");
    }
    String gitRef = a.opt("git-commitish");
    ObjectNode app = app(store.read(), a);
    String envHandle = app.get("fake_environment").asText();
    JsonNode config = app.path("fake_config");
    String effectiveImage = image != null ? image : vars.getOrDefault("APTIBLE_DOCKER_IMAGE",
        config.path("APTIBLE_DOCKER_IMAGE").isTextual() ? config.get("APTIBLE_DOCKER_IMAGE").asText() : null);
    if (!app.get("status").asText().equals("provisioned") && gitRef == null && effectiveImage == null) {
      throw new Exit(1, "You need to deploy either from git or a Docker image");
    }
    GitContent content = null;
    if (gitRef != null || effectiveImage == null) {
      String ref = gitRef == null ? "master" : gitRef;
      content = GitContent.read(FakeStore.gitRoot(store.home()).resolve(envHandle)
          .resolve(app.get("handle").asText() + ".git"), ref)
          .orElseThrow(() -> new Exit(1, "An error occurred: Git ref " + ref + " not found in the app's repository"));
    }
    ObjectNode params = FakeStore.NODES.objectNode();
    if (gitRef != null) {
      params.put("git_ref", gitRef);
    }
    if (effectiveImage != null) {
      params.putObject("settings").put("APTIBLE_DOCKER_IMAGE", effectiveImage);
    }
    if (a.opt("private-registry-username") != null) {
      params.putObject("sensitive_settings").put("APTIBLE_PRIVATE_REGISTRY_USERNAME",
          a.opt("private-registry-username")).put("APTIBLE_PRIVATE_REGISTRY_PASSWORD",
          a.opt("private-registry-password") == null ? "" : a.opt("private-registry-password"));
    }
    ObjectNode envParams = params.putObject("env");
    vars.forEach(envParams::put);
    long op = store.update(state -> startOperation(state, "deploy", app(state, a), a, params).get("id").asLong());
    info("Deploying app...");
    String procfile;
    List<String> beforeDeploy;
    if (content != null && effectiveImage == null) {
      procfile = content.procfile();
      beforeDeploy = content.beforeDeploy();
      operationLog("Building image from Dockerfile at " + content.sha() + "...");
    } else {
      JsonNode registered = store.read().path("images").path(effectiveImage);
      procfile = registered.path("procfile").isTextual() ? registered.get("procfile").asText() : null;
      beforeDeploy = new ArrayList<>();
      registered.path("before_deploy").forEach(c -> beforeDeploy.add(c.asText()));
      operationLog("Pulling " + effectiveImage + "...");
    }
    String sha = content == null ? null : content.sha();
    finishOperation(op, a.command(), state -> {
      ObjectNode target = app(state, a);
      ObjectNode cfg = (ObjectNode) target.get("fake_config");
      vars.forEach((k, v) -> {
        if (v.isEmpty()) {
          cfg.remove(k);
        } else {
          cfg.put(k, v);
        }
      });
      if (image != null) {
        cfg.put("APTIBLE_DOCKER_IMAGE", image);
      }
      applyDeploy(state, target, op, gitRef != null ? gitRef : sha, procfile, beforeDeploy, a.options());
    });
  }

  /** Marks the app deployed: status, services from the Procfile (else {@code cmd}), before_deploy. */
  static void applyDeploy(ObjectNode state, ObjectNode app, long op, String gitRef, String procfile,
      List<String> beforeDeploy, Map<String, Object> sizing) {
    app.put("status", "provisioned");
    Map<String, String> processes = new LinkedHashMap<>();
    if (procfile != null) {
      for (String line : procfile.split("\n")) {
        int colon = line.indexOf(':');
        if (!line.isBlank() && !line.startsWith("#") && colon > 0) {
          processes.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
      }
    }
    if (processes.isEmpty()) {
      processes.put("cmd", "CMD");
    }
    ArrayNode old = (ArrayNode) app.get("services");
    ArrayNode services = FakeStore.NODES.arrayNode();
    processes.forEach((name, command) -> {
      ObjectNode s = FakeStore.find(old, "service", name).orElse(null);
      if (s == null) {
        s = FakeStore.NODES.objectNode();
        s.put("id", FakeStore.nextId(state));
        s.put("service", name);
        s.put("created_at", FakeStore.now());
        s.put("command", command);
        s.put("container_count", (int) Double.parseDouble(sizing.getOrDefault("container-count", "1").toString()));
        s.put("container_size", (int) Double.parseDouble(sizing.getOrDefault("container-size", "1024").toString()));
        s.put("container_profile", sizing.getOrDefault("container-profile", "m").toString());
      } else {
        s.put("command", command);
      }
      services.add(s);
    });
    app.set("services", services);
    ArrayNode bd = app.putArray("fake_before_deploy");
    beforeDeploy.forEach(bd::add);
    ObjectNode last = app.putObject("last_deploy_operation");
    last.put("id", op);
    last.put("status", "succeeded");
    if (gitRef != null) {
      last.put("git_ref", gitRef);
    }
    last.put("user_email", "fake@cutover.dev");
    last.put("created_at", FakeStore.now());
    ArrayNode history = app.has("fake_deploys") ? (ArrayNode) app.get("fake_deploys") : app.putArray("fake_deploys");
    history.add(op);
  }

  /** The pre-receive hook: a push to {@code master} deploys; no Dockerfile rejects the push. */
  private int gitHook(String envHandle, String appHandle) {
    try {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        String[] parts = line.trim().split(" ");
        if (parts.length != 3 || !parts[2].equals("refs/heads/master") || parts[1].matches("0+")) {
          continue;
        }
        GitContent content = GitContent.read(Path.of("."), parts[1]).orElseThrow();
        if (!content.hasDockerfile()) {
          out.println("ERROR -- : No Dockerfile found at the root of the repository: aborting deploy");
          return 1;
        }
        out.println("Deploying " + parts[1] + " to " + envHandle + "/" + appHandle + "...");
        store.update(state -> {
          ObjectNode app = null;
          for (JsonNode x : FakeStore.array(state, "apps")) {
            if (x.get("handle").asText().equals(appHandle) && x.get("fake_environment").asText().equals(envHandle)) {
              app = (ObjectNode) x;
            }
          }
          if (app == null) {
            throw new Exit(1, "App not found or not accessible");
          }
          ObjectNode op = FakeStore.array(state, "operations").addObject();
          long id = FakeStore.nextId(state);
          op.put("id", id);
          op.put("type", "deploy");
          op.put("status", "succeeded");
          op.put("command", "git push");
          op.put("resource", appHandle);
          op.put("environment", envHandle);
          op.put("created_at", FakeStore.now());
          op.putObject("params").put("git_ref", parts[1]);
          op.put("logs", "INFO -- : Deployed " + parts[1] + "\n");
          applyDeploy(state, app, id, parts[1], content.procfile(), content.beforeDeploy(), Map.of());
          return null;
        });
        out.println("Deploy succeeded.");
      }
      return 0;
    } catch (IOException e) {
      err.println("fake aptible hook: " + e);
      return 1;
    }
  }

  private void restart(Args a) {
    long op = store.update(state -> startOperation(state, "restart", app(state, a), a,
        FakeStore.NODES.objectNode()).get("id").asLong());
    info("Restarting app...");
    finishOperation(op, a.command(), state -> {
      ObjectNode app = app(state, a);
      app.put("fake_restarts", app.path("fake_restarts").asInt() + 1);
    });
  }

  private static String services(JsonNode app) {
    List<String> names = new ArrayList<>();
    app.get("services").forEach(s -> names.add(s.get("service").asText()));
    return names.isEmpty() ? "NONE (deploy the app first)" : String.join(", ", names);
  }

  private static ObjectNode service(JsonNode app, String name) {
    return FakeStore.find((ArrayNode) app.get("services"), "service", name).orElseThrow(() -> new Exit(1,
        "Service with type " + name + " does not exist for app " + app.get("handle").asText() + ". Valid types: "
            + services(app) + "."));
  }

  /** The API's size limits (texts assumed): offered container sizes, disks of 1 to 16384 GB, up to 128 containers. */
  private static void refuseSizes(Args a) {
    String size = a.opt("container-size");
    if (size != null && !CONTAINER_SIZES.contains((int) Double.parseDouble(size))) {
      throw new Exit(1, "An error occurred: Container size " + size + " is not available; valid sizes: "
          + CONTAINER_SIZES);
    }
    String disk = a.opt("disk-size");
    if (disk != null && (Double.parseDouble(disk) < 1 || Double.parseDouble(disk) > 16384)) {
      throw new Exit(1, "An error occurred: Disk size must be between 1 and 16384 GB");
    }
    String count = a.opt("container-count");
    if (count != null && (Double.parseDouble(count) < 0 || Double.parseDouble(count) > 128)) {
      throw new Exit(1, "An error occurred: Container count must be between 0 and 128");
    }
  }

  private void appsScale(Args a) {
    if (a.opt("container-count") == null && a.opt("container-size") == null && a.opt("container-profile") == null) {
      throw new Exit(1, "Provide at least --container-count, --container-size, or --container-profile");
    }
    String name = a.positionals().get(0);
    refuseSizes(a);
    ObjectNode params = FakeStore.NODES.objectNode();
    a.options().forEach((k, v) -> {
      if (k.startsWith("container-")) {
        params.put(k.replace('-', '_'), v.toString());
      }
    });
    long op = store.update(state -> {
      ObjectNode app = app(state, a);
      service(app, name);
      return startOperation(state, "scale", app, a, params).get("id").asLong();
    });
    finishOperation(op, a.command(), state -> {
      ObjectNode s = service(app(state, a), name);
      if (a.opt("container-count") != null) {
        s.put("container_count", (int) Double.parseDouble(a.opt("container-count")));
      }
      if (a.opt("container-size") != null) {
        s.put("container_size", (int) Double.parseDouble(a.opt("container-size")));
      }
      if (a.opt("container-profile") != null) {
        s.put("container_profile", a.opt("container-profile"));
      }
    });
  }

  private static String titleize(String key) {
    StringBuilder sb = new StringBuilder();
    for (String word : key.split("_")) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      String w = word.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1);
      sb.append(List.of("Tls", "Dns", "Ip", "Ssl", "Elb").contains(w) ? w.toUpperCase() : w);
    }
    return sb.toString();
  }

  /** An object as the text renderer prints it; nested objects print their key field. */
  private static String objectText(JsonNode object, String nestedKey) {
    StringBuilder text = new StringBuilder();
    object.fields().forEachRemaining(f -> {
      JsonNode v = f.getValue();
      String value = v.isObject() ? v.path(nestedKey).asText() : v.isNull() ? "" : v.asText();
      text.append(titleize(f.getKey())).append(": ").append(value).append('\n');
    });
    return text.toString();
  }

  private void services(Args a) {
    ObjectNode state = store.read();
    ObjectNode app = app(state, a);
    ArrayNode data = FakeStore.NODES.arrayNode();
    List<String> blocks = new ArrayList<>();
    for (JsonNode s : app.get("services")) {
      ObjectNode item = serviceJson(s);
      item.set("app", appJson(state, app, false));
      data.add(item);
      blocks.add(objectText(item, "handle"));
    }
    print(data, String.join("\n", blocks));
  }

  private static ObjectNode endpointJson(ObjectNode state, JsonNode endpoint) {
    ObjectNode o = endpoint.deepCopy();
    List<String> internal = new ArrayList<>();
    o.fieldNames().forEachRemaining(f -> {
      if (f.startsWith("fake_")) {
        internal.add(f);
      }
    });
    o.remove(internal);
    ObjectNode app = FakeStore.find(FakeStore.array(state, "apps"), "id", endpoint.get("fake_app_id").asText())
        .orElseThrow();
    ObjectNode service = serviceJson(service(app, endpoint.get("fake_service").asText()));
    service.set("app", appJson(state, app, false));
    o.set("service", service);
    return o;
  }

  private void endpointsCreate(Args a) {
    String serviceName = a.positionals().get(0);
    List<String> conflicts = new ArrayList<>();
    if (a.opt("certificate-file") != null || a.opt("private-key-file") != null) {
      conflicts.add("--certificate-file, --private-key-file");
    }
    if (a.opt("certificate-fingerprint") != null) {
      conflicts.add("--certificate-fingerprint");
    }
    if (a.flag("managed-tls") || a.opt("managed-tls-domain") != null) {
      conflicts.add("--managed-tls, --managed-tls-domain");
    }
    if (a.flag("default-domain")) {
      conflicts.add("--default-domain");
    }
    if (conflicts.size() > 1) {
      throw new Exit(1, "Conflicting options provided: " + String.join(", ", conflicts));
    }
    if (a.flag("managed-tls") && a.opt("managed-tls-domain") == null) {
      throw new Exit(1, "--managed-tls-domain is required to enable Managed TLS");
    }
    long[] ids = store.update(state -> {
      ObjectNode app = app(state, a);
      service(app, serviceName);
      // The API's refusals (texts assumed): no endpoints on internal- apps, no managed TLS on an apex.
      if (app.get("handle").asText().startsWith("internal-")) {
        throw new Exit(1, "An error occurred: Apps whose handle starts with internal- cannot have endpoints");
      }
      String tlsDomain = a.opt("managed-tls-domain");
      if (tlsDomain != null && !tlsDomain.startsWith("*.") && tlsDomain.split("\\.").length <= 2) {
        throw new Exit(1, "An error occurred: Managed TLS is not available for apex domains: " + tlsDomain);
      }
      long id = FakeStore.nextId(state);
      String hostname = "elb-" + app.get("fake_environment").asText() + "-" + id + ".aptible.in";
      ObjectNode e = FakeStore.array(state, "endpoints").addObject();
      e.put("id", id);
      e.put("hostname", hostname);
      e.put("status", "provisioning");
      e.put("created_at", FakeStore.now());
      e.put("type", "https");
      if (a.opt("port") == null) {
        e.put("port", "default");
      } else {
        e.put("port", Integer.parseInt(a.opt("port")));
      }
      e.put("load_balancing_algorithm_type", a.options().getOrDefault("load-balancing-algorithm-type",
          "round_robin").toString());
      if (a.flag("shared")) {
        e.put("shared", true);
      } else {
        e.put("shared", "false");
      }
      e.put("internal", a.flag("internal"));
      if (a.flag("force-ssl")) {
        e.put("force_ssl", "true");
      }
      if (a.opt("idle-timeout") != null) {
        e.put("idle_timeout", a.opt("idle-timeout"));
      }
      e.put("ip_whitelist", a.opt("ip-whitelist") == null ? "all traffic" : a.opt("ip-whitelist"));
      e.put("default_domain_enabled", a.flag("default-domain"));
      if (a.flag("default-domain")) {
        e.put("default_domain", "app-" + app.get("id").asText() + ".on-aptible.com");
      }
      boolean managed = a.opt("managed-tls-domain") != null;
      e.put("managed_tls_enabled", managed);
      if (managed) {
        e.put("managed_tls_domain", a.opt("managed-tls-domain"));
        e.put("managed_tls_dns_challenge_hostname", "acme." + hostname);
        e.put("managed_tls_status", "pending");
      }
      e.put("fake_app_id", app.get("id").asLong());
      e.put("fake_service", serviceName);
      e.put("fake_environment", app.get("fake_environment").asText());
      ObjectNode op = startOperation(state, "provision", app, a, FakeStore.NODES.objectNode().put("vhost", hostname));
      return new long[] {id, op.get("id").asLong()};
    });
    finishOperation(ids[1], a.command(), state -> FakeStore.find(FakeStore.array(state, "endpoints"), "id",
        String.valueOf(ids[0])).orElseThrow().put("status", "provisioned"));
    ObjectNode state = store.read();
    ObjectNode endpoint = endpointJson(state, FakeStore.find(FakeStore.array(state, "endpoints"), "id",
        String.valueOf(ids[0])).orElseThrow());
    print(endpoint, objectText(endpoint, "service"));
  }

  private void endpointsList(Args a) {
    if (a.opt("app") != null && a.opt("database") != null) {
      throw new Exit(1, "You must specify only one of --app and --database");
    }
    ObjectNode state = store.read();
    ArrayNode data = FakeStore.NODES.arrayNode();
    List<String> blocks = new ArrayList<>();
    if (a.opt("database") != null) {
      database(state, a.opt("database"), a.opt("environment"));
    } else {
      ObjectNode app = app(state, a);
      for (JsonNode e : FakeStore.array(state, "endpoints")) {
        if (e.get("fake_app_id").asLong() == app.get("id").asLong()) {
          ObjectNode item = endpointJson(state, e);
          data.add(item);
          blocks.add(objectText(item, "service"));
        }
      }
    }
    print(data, String.join("\n", blocks));
  }

  private void endpointsRenew(Args a) {
    String hostname = a.positionals().get(0);
    long op = store.update(state -> {
      ObjectNode app = app(state, a);
      List<String> valid = new ArrayList<>();
      for (JsonNode e : FakeStore.array(state, "endpoints")) {
        if (e.get("fake_app_id").asLong() == app.get("id").asLong()) {
          valid.add(e.get("hostname").asText());
        }
      }
      if (!valid.contains(hostname)) {
        throw new Exit(1, "Endpoint with hostname " + hostname + " does not exist (valid hostnames: "
            + String.join(", ", valid) + ")");
      }
      return startOperation(state, "renew", app, a, FakeStore.NODES.objectNode().put("vhost", hostname))
          .get("id").asLong();
    });
    finishOperation(op, a.command(), state -> {
      ObjectNode e = FakeStore.find(FakeStore.array(state, "endpoints"), "hostname", hostname).orElseThrow();
      if (e.path("managed_tls_enabled").asBoolean()) {
        e.put("managed_tls_status", "ready");
      }
    });
  }
}
