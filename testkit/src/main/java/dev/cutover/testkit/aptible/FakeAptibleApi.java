package dev.cutover.testkit.aptible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cutover.core.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slice of the Aptible Deploy API (reference {@code aptible.md} §8) that the SDK uses instead
 * of the CLI for secret-bearing calls, served on 127.0.0.1 over the same state file as the fake CLI:
 * {@code GET /find/app}, {@code POST /apps/{id}/operations} ({@code configure}, {@code deploy}) and
 * {@code GET /operations/{id}}. HAL-ish JSON ({@code _type}, {@code _links}); Bearer token checked;
 * the failures injected with {@link FakeAptible#failNext} for {@code config:set} and {@code deploy}
 * apply here too. An operation is {@code queued} when created, {@code running} on the first poll and
 * ends on the second, so clients really poll.
 */
final class FakeAptibleApi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeAptibleApi.class);
  private static final Pattern APP_OPERATIONS = Pattern.compile("/apps/(\\d+)/operations");
  private static final Pattern OPERATION = Pattern.compile("/operations/(\\d+)");

  private final FakeStore store;
  private final Secret token;
  private final HttpServer server;
  private final ExecutorService executor;

  FakeAptibleApi(FakeStore store, Secret token) throws IOException {
    this.store = store;
    this.token = token;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "fake-aptible-api");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      boolean authorized = auth != null && auth.startsWith("Bearer ") && acceptedToken(auth.substring(7));
      Reply reply;
      if (!authorized) {
        reply = error(401, "invalid_token", "Invalid Token");
      } else {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
          body = in.readAllBytes();
        }
        reply = route(method, path, query(exchange.getRequestURI().getRawQuery()), body);
      }
      byte[] out = FakeStore.pretty(reply.body()).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/hal+json; charset=utf-8");
      exchange.sendResponseHeaders(reply.status(), out.length);
      try (OutputStream os = exchange.getResponseBody()) {
        os.write(out);
      }
    } catch (RuntimeException e) {
      LOG.warn("fake aptible api: {} failed: {}", exchange.getRequestURI().getRawPath(), e.toString());
      throw e;
    }
  }

  private boolean acceptedToken(String presented) {
    if (presented.equals(token.reveal())) {
      return !store.read().path("revoked_tokens").toString().contains("\"" + presented + "\"");
    }
    Path tokens = store.home().resolve("config").resolve("tokens.json");
    try {
      return Files.isRegularFile(tokens) && FakeStore.parse(Files.readString(tokens)).toString()
          .contains("\"" + presented + "\"");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private record Reply(int status, JsonNode body) {}

  private Reply route(String method, String path, Map<String, String> query, byte[] body) {
    Matcher m;
    if (method.equals("GET") && path.equals("/find/app")) {
      return findApp(query.getOrDefault("handle", ""), query.get("environment"));
    }
    if (method.equals("POST") && (m = APP_OPERATIONS.matcher(path)).matches()) {
      JsonNode request;
      try {
        request = FakeStore.parse(new String(body, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        return error(400, "bad_request", "Request body is not JSON");
      }
      return createOperation(Long.parseLong(m.group(1)), request);
    }
    if (method.equals("GET") && (m = OPERATION.matcher(path)).matches()) {
      return pollOperation(m.group(1));
    }
    return error(404, "not_found", "No route matches " + method + " " + path);
  }

  private Reply findApp(String handle, String envHandle) {
    ObjectNode state = store.read();
    List<JsonNode> matches = new ArrayList<>();
    for (JsonNode app : FakeStore.array(state, "apps")) {
      if (app.get("handle").asText().equals(handle)
          && (envHandle == null || app.get("fake_environment").asText().equals(envHandle))) {
        matches.add(app);
      }
    }
    if (matches.size() != 1) {
      return matches.isEmpty() ? error(404, "not_found", "Could not find app " + handle)
          : error(422, "multiple_results", "Multiple apps named " + handle + " exist, please specify environment");
    }
    JsonNode app = matches.get(0);
    ObjectNode hal = FakeStore.NODES.objectNode();
    hal.put("_type", "app");
    hal.put("id", app.get("id").asLong());
    hal.put("handle", app.get("handle").asText());
    hal.put("status", app.get("status").asText());
    hal.put("git_repo", app.path("git_remote").asText());
    hal.put("created_at", app.path("created_at").asText());
    ObjectNode links = hal.putObject("_links");
    links.putObject("self").put("href", url() + "/apps/" + app.get("id").asLong());
    FakeStore.find(FakeStore.array(state, "environments"), "handle", app.get("fake_environment").asText())
        .ifPresent(e -> links.putObject("account").put("href", url() + "/accounts/" + e.get("id").asLong()));
    links.putObject("operations").put("href", url() + "/apps/" + app.get("id").asLong() + "/operations");
    return new Reply(200, hal);
  }

  private static String command(String type) {
    return type.equals("configure") ? "config:set" : type;
  }

  private Reply createOperation(long appId, JsonNode request) {
    String type = request.path("type").asText("");
    if (!type.equals("configure") && !type.equals("deploy")) {
      return error(422, "unprocessable_entity", "Type is not supported by this fake: " + type);
    }
    return store.update(state -> {
      Optional<ObjectNode> found = FakeStore.find(FakeStore.array(state, "apps"), "id", String.valueOf(appId));
      if (found.isEmpty()) {
        return error(404, "not_found", "Could not find app " + appId);
      }
      ObjectNode app = found.get();
      Optional<Reply> refused = refusal(state, command(type));
      if (refused.isPresent()) {
        return refused.get();
      }
      if (type.equals("deploy")) {
        String image = request.path("settings").path("APTIBLE_DOCKER_IMAGE").asText(null);
        if (image != null && image.contains("@sha256:")) {
          return error(422, "unprocessable_entity", "Docker image must be in the form image:tag, a digest is not supported");
        }
        if (!app.get("status").asText().equals("provisioned") && image == null
            && !request.path("git_ref").isTextual()) {
          return error(422, "unprocessable_entity", "You need to deploy either from git or a Docker image");
        }
      }
      ObjectNode op = FakeStore.array(state, "operations").addObject();
      op.put("id", FakeStore.nextId(state));
      op.put("type", type);
      op.put("status", "queued");
      op.put("command", command(type));
      op.put("resource", app.get("handle").asText());
      op.put("environment", app.path("fake_environment").asText());
      op.put("created_at", FakeStore.now());
      ObjectNode params = request.deepCopy();
      params.remove("type");
      op.set("params", params);
      op.putArray("argv");
      op.put("fake_api", true);
      op.put("fake_app_id", appId);
      return new Reply(201, operationJson(op));
    });
  }

  /** An injected API or auth failure for {@code command}, consumed. Operation failures wait for the poll. */
  private static Optional<Reply> refusal(ObjectNode state, String command) {
    JsonNode f = state.path("failures").path(command);
    String kind = f.path("kind").asText("operation");
    if (f.isMissingNode() || kind.equals("operation")) {
      return Optional.empty();
    }
    consume(state, command);
    String message = f.path("message").isTextual() ? f.get("message").asText() : null;
    return Optional.of(kind.equals("auth") ? error(401, "invalid_token", "Invalid Token")
        : error(422, "unprocessable_entity", message == null ? "Service Unavailable" : message));
  }

  private static void consume(ObjectNode state, String command) {
    ObjectNode failures = (ObjectNode) state.get("failures");
    JsonNode f = failures.get(command);
    int remaining = f.path("remaining").asInt(1) - 1;
    if (remaining <= 0) {
      failures.remove(command);
    } else {
      ((ObjectNode) f).put("remaining", remaining);
    }
  }

  private Reply pollOperation(String id) {
    return store.update(state -> {
      Optional<ObjectNode> found = FakeStore.find(FakeStore.array(state, "operations"), "id", id);
      if (found.isEmpty()) {
        return error(404, "not_found", "Could not find operation " + id);
      }
      ObjectNode op = found.get();
      String status = op.get("status").asText();
      if (status.equals("queued")) {
        op.put("status", "running");
      } else if (status.equals("running") && op.path("fake_api").asBoolean()) {
        finish(state, op);
      }
      return new Reply(200, operationJson(op));
    });
  }

  /** Ends an API operation: failed when a failure is injected, else its effect on the app, as the CLI does it. */
  private void finish(ObjectNode state, ObjectNode op) {
    String command = op.get("command").asText();
    JsonNode f = state.path("failures").path(command);
    if (!f.isMissingNode() && f.path("kind").asText("operation").equals("operation")) {
      String message = f.path("message").isTextual() ? f.get("message").asText() : "simulated failure";
      consume(state, command);
      op.put("status", "failed");
      op.put("logs", "ERROR -- : " + message + "\n");
      return;
    }
    ObjectNode app = FakeStore.find(FakeStore.array(state, "apps"), "id", op.get("fake_app_id").asText())
        .orElseThrow();
    JsonNode params = op.get("params");
    ObjectNode config = (ObjectNode) app.get("fake_config");
    params.path("env").fields().forEachRemaining(e -> {
      if (e.getValue().asText().isEmpty()) {
        config.remove(e.getKey());
      } else {
        config.put(e.getKey(), e.getValue().asText());
      }
    });
    if (op.get("type").asText().equals("configure")) {
      app.put("fake_restarts", app.path("fake_restarts").asInt() + 1);
    } else {
      deploy(state, app, op.get("id").asLong(), params);
    }
    op.put("status", "succeeded");
    op.put("logs", "INFO -- : Operation #" + op.get("id").asLong() + " succeeded\n");
  }

  private void deploy(ObjectNode state, ObjectNode app, long id, JsonNode params) {
    String image = params.path("settings").path("APTIBLE_DOCKER_IMAGE").asText(null);
    String gitRef = params.path("git_ref").asText(null);
    String procfile = null;
    List<String> beforeDeploy = new ArrayList<>();
    String sha = null;
    if (image != null) {
      JsonNode registered = state.path("images").path(image);
      procfile = registered.path("procfile").isTextual() ? registered.get("procfile").asText() : null;
      registered.path("before_deploy").forEach(c -> beforeDeploy.add(c.asText()));
      ((ObjectNode) app.get("fake_config")).put("APTIBLE_DOCKER_IMAGE", image);
    } else {
      Optional<GitContent> content = GitContent.read(FakeStore.gitRoot(store.home())
          .resolve(app.get("fake_environment").asText()).resolve(app.get("handle").asText() + ".git"),
          gitRef == null ? "master" : gitRef);
      if (content.isPresent()) {
        procfile = content.get().procfile();
        beforeDeploy.addAll(content.get().beforeDeploy());
        sha = content.get().sha();
      }
    }
    Map<String, Object> sizing = new LinkedHashMap<>();
    for (String field : List.of("container_count", "container_size")) {
      if (params.path(field).isNumber()) {
        sizing.put(field.replace('_', '-'), params.get(field).asInt());
      }
    }
    if (params.path("instance_profile").isTextual()) {
      sizing.put("container-profile", params.get("instance_profile").asText());
    }
    FakeAptibleCli.applyDeploy(state, app, id, gitRef != null ? gitRef : sha, procfile, beforeDeploy, sizing);
  }

  private ObjectNode operationJson(JsonNode op) {
    ObjectNode hal = FakeStore.NODES.objectNode();
    hal.put("_type", "operation");
    hal.put("id", op.get("id").asLong());
    hal.put("type", op.get("type").asText());
    hal.put("status", op.get("status").asText());
    hal.put("created_at", op.get("created_at").asText());
    ObjectNode links = hal.putObject("_links");
    links.putObject("self").put("href", url() + "/operations/" + op.get("id").asLong());
    links.putObject("resource").put("href", url() + "/apps/" + op.path("fake_app_id").asLong());
    return hal;
  }

  private static Reply error(int status, String error, String message) {
    ObjectNode body = FakeStore.NODES.objectNode().put("code", status).put("error", error).put("message", message);
    return new Reply(status, body);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        out.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "FakeAptibleApi[" + url() + "]";
  }
}
