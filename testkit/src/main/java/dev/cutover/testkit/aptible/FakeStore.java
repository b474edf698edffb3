package dev.cutover.testkit.aptible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The fake's state file ({@code state.json} in the fake's home) and the JSON helpers the fake CLI
 * and the Java-side handle share. Every read-modify-write holds an exclusive file lock, so the CLI,
 * a git hook and the test can touch the state concurrently.
 */
final class FakeStore {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final DateTimeFormatter RUBY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

  /** JVM flags for the fake's short-lived JVMs: start fast, stay small. */
  static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC",
      "-XX:-UsePerfData", "-Xss512k");

  /** Keeps the JVM's class-data-sharing notices off the CLI's stderr, which callers parse. */
  static final List<String> CDS_OPTIONS = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

  /** {@link #JVM_OPTIONS} plus the launcher's class-data archive, for the JVMs the CLI starts. */
  static List<String> jvmOptions() {
    String archive = System.getenv("FAKE_APTIBLE_CDS");
    if (archive == null || !Files.isRegularFile(Path.of(archive))) {
      return JVM_OPTIONS;
    }
    List<String> options = new java.util.ArrayList<>(JVM_OPTIONS);
    options.addAll(0, CDS_OPTIONS);
    options.add(0, "-XX:SharedArchiveFile=" + archive);
    return options;
  }

  private final Path home;

  FakeStore(Path home) {
    this.home = home;
  }

  Path home() {
    return home;
  }

  Path stateFile() {
    return home.resolve("state.json");
  }

  /** Reads the state without locking for long: a snapshot. */
  ObjectNode read() {
    return locked(state -> state.deepCopy(), false);
  }

  /** Runs {@code change} on the state under an exclusive lock and writes the result back. */
  <T> T update(Function<ObjectNode, T> change) {
    return locked(change, true);
  }

  private <T> T locked(Function<ObjectNode, T> change, boolean write) {
    try (FileChannel lockChannel = FileChannel.open(home.resolve("state.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
        FileLock lock = lockChannel.lock()) {
      ObjectNode state = Files.exists(stateFile())
          ? (ObjectNode) MAPPER.readTree(Files.readString(stateFile(), StandardCharsets.UTF_8)) : NODES.objectNode();
      T result = change.apply(state);
      if (write) {
        Path tmp = home.resolve("state.json.tmp");
        Files.writeString(tmp, pretty(state), StandardCharsets.UTF_8);
        Files.move(tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("fake aptible state in " + home + ": " + e.getMessage(), e);
    }
  }

  /** Where the apps' bare repositories live: {@code <home>/git/<env>/<app>.git}. */
  static Path gitRoot(Path home) {
    return home.resolve("git");
  }

  /** The prefix of the PostgreSQL roles and databases the fake creates. */
  static String pgPrefix(Map<String, String> env) {
    return env.getOrDefault("FAKE_APTIBLE_PG_PREFIX", "cut_aptible_");
  }

  /** A token shaped like a JWT (the real CLI decodes it), unsigned. */
  static String newToken(java.util.Random random) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    byte[] sig = new byte[32];
    random.nextBytes(sig);
    return b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + "." + b64.encodeToString(("{\"sub\":\"fake\",\"exp\":" + (System.currentTimeMillis() / 1000 + 86400)
        + ",\"jti\":\"" + Long.toHexString(random.nextLong()) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
        + "." + b64.encodeToString(sig);
  }

  /** The seeded {@code db:versions}: PostgreSQL 13 to 17 (16 default), Redis 7.2 and 8.0 (8.0 default). */
  static ArrayNode defaultVersions() {
    ArrayNode versions = NODES.arrayNode();
    for (String v : List.of("13", "14", "15", "16", "17")) {
      versions.addObject().put("type", "postgresql").put("version", v).put("default", v.equals("16"))
          .put("description", "PostgreSQL " + v).put("docker_repo", "quay.io/aptible/postgresql:" + v);
    }
    for (String v : List.of("7.2", "8.0")) {
      versions.addObject().put("type", "redis").put("version", v).put("default", v.equals("8.0"))
          .put("description", "Redis " + v).put("docker_repo", "quay.io/aptible/redis:" + v);
    }
    return versions;
  }

  /** A new id from the state's single counter. */
  static long nextId(ObjectNode state) {
    long id = state.path("next_id").asLong(1);
    state.put("next_id", id + 1);
    return id;
  }

  /** Now, as Ruby's {@code Time#to_s} prints it in UTC. */
  static String now() {
    return RUBY_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
  }

  static ArrayNode array(ObjectNode state, String name) {
    JsonNode node = state.get(name);
    return node instanceof ArrayNode a ? a : state.putArray(name);
  }

  static Optional<ObjectNode> find(ArrayNode items, String field, String value) {
    for (JsonNode item : items) {
      if (value.equals(item.path(field).asText())) {
        return Optional.of((ObjectNode) item);
      }
    }
    return Optional.empty();
  }

  static JsonNode parse(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON as Ruby's {@code JSON.pretty_generate} writes it: two-space indent, {@code "k": v}, {@code []}. */
  static String pretty(JsonNode node) {
    StringBuilder out = new StringBuilder();
    pretty(node, 0, out);
    return out.append('\n').toString();
  }

  private static void pretty(JsonNode node, int depth, StringBuilder out) {
    String indent = "  ".repeat(depth + 1);
    if (node.isObject()) {
      if (node.isEmpty()) {
        out.append("{}");
        return;
      }
      out.append("{\n");
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        out.append(indent).append(NODES.textNode(field.getKey())).append(": ");
        pretty(field.getValue(), depth + 1, out);
        out.append(fields.hasNext() ? ",\n" : "\n");
      }
      out.append("  ".repeat(depth)).append('}');
    } else if (node.isArray()) {
      if (node.isEmpty()) {
        out.append("[]");
        return;
      }
      out.append("[\n");
      for (int i = 0; i < node.size(); i++) {
        out.append(indent);
        pretty(node.get(i), depth + 1, out);
        out.append(i + 1 < node.size() ? ",\n" : "\n");
      }
      out.append("  ".repeat(depth)).append(']');
    } else {
      out.append(node.toString());
    }
  }
}
