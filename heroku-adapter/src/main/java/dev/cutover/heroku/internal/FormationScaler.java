package dev.cutover.heroku.internal;

import static dev.cutover.heroku.internal.Json.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Poller;
import dev.cutover.core.Sleeper;
import dev.cutover.core.ValidationException;
import dev.cutover.core.WaitTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scales an app's process types ({@code PATCH /apps/{app}/formation}, one batch) and waits until
 * the dynos of the types scaled down have stopped ({@code GET /apps/{app}/dynos}): Heroku answers
 * the PATCH at once and stops dynos afterwards, each with SIGTERM and up to 30 s before SIGKILL,
 * during which they can still write. Thread-safe; blocks.
 */
public final class FormationScaler {
  private static final Logger LOG = LoggerFactory.getLogger(FormationScaler.class);
  private static final String STEP = "heroku.scale";
  private static final Duration DYNO_POLL = Duration.ofSeconds(2);
  /** Heroku's 30 s shutdown grace, twice, plus the time the platform takes to notice. */
  private static final Duration DYNOS_STOP_WITHIN = Duration.ofMinutes(2);
  private static final Set<String> STOPPED = Set.of("down", "crashed");

  private final String app;
  private final PlatformApi api;
  private final Clock clock;
  private final Sleeper sleeper;

  /** A scaler for {@code app}. */
  public FormationScaler(String app, PlatformApi api, Clock clock, Sleeper sleeper) {
    this.app = Objects.requireNonNull(app, "app");
    this.api = Objects.requireNonNull(api, "api");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /**
   * Sets each type's quantity, then waits for the surplus dynos of the types scaled down to stop.
   *
   * @return each changed type's previous quantity
   */
  public Map<String, Integer> scale(Map<String, Integer> quantities) {
    PlatformApi.Context ctx = new PlatformApi.Context(STEP, app);
    ValidationException.Collector problems = ValidationException.collector(STEP);
    quantities.forEach((type, q) -> {
      if (q == null || q < 0) {
        problems.add("quantities." + type, q, "must be 0 or more", "e.g. 0 to stop the type");
      }
    });
    problems.throwIfAny();
    Map<String, Integer> current = new TreeMap<>();
    for (JsonNode f : api.list(ctx, "apps/" + app + "/formation", Map.of())) {
      current.put(text(f, "type"), f.path("quantity").asInt());
    }
    new TreeMap<>(quantities).keySet().stream().filter(type -> !current.containsKey(type)).forEach(type ->
        problems.add("quantities", type, "is not a process type of " + app + " (it has " + current.keySet() + ")",
            "scale only the types `heroku ps:scale -a " + app + "` prints"));
    problems.throwIfAny();
    Map<String, Integer> previous = new LinkedHashMap<>();
    List<Map<String, Object>> updates = new ArrayList<>();
    new TreeMap<>(quantities).forEach((type, q) -> {
      if (current.get(type).intValue() != q) {
        previous.put(type, current.get(type));
        updates.add(Map.of("type", type, "quantity", q));
      }
    });
    if (updates.isEmpty()) {
      return Map.of();
    }
    // Absolute quantities make the PATCH idempotent, so it is retried like a read.
    JsonNode answer = api.send(ctx, "PATCH", "apps/" + app + "/formation", Map.of("updates", updates), true);
    for (JsonNode f : answer) {
      Integer wanted = quantities.get(text(f, "type"));
      if (wanted != null && f.path("quantity").asInt() != wanted) {
        throw new MigrationException(STEP, STEP + ": Heroku kept " + text(f, "type") + " of " + app + " at "
            + f.path("quantity").asInt() + " instead of " + wanted + "; try `heroku ps:scale " + text(f, "type") + "="
            + wanted + " -a " + app + "`.", true, null);
      }
    }
    Map<String, Integer> down = new TreeMap<>();
    previous.forEach((type, before) -> {
      if (quantities.get(type) < before) {
        down.put(type, quantities.get(type));
      }
    });
    if (!down.isEmpty()) {
      awaitStopped(ctx, down);
    }
    LOG.info("{}: {} scaled {} (was {})", STEP, app, quantities, previous);
    return previous;
  }

  /**
   * The one-off dynos running now (types outside the formation: {@code run}, {@code scheduler}, ...),
   * each as {@code name (state): command}.
   */
  public List<String> oneOffDynos() {
    PlatformApi.Context ctx = new PlatformApi.Context(STEP, app);
    Set<String> types = new java.util.HashSet<>();
    api.list(ctx, "apps/" + app + "/formation", Map.of()).forEach(f -> types.add(text(f, "type")));
    List<String> out = new ArrayList<>();
    for (JsonNode d : api.list(ctx, "apps/" + app + "/dynos", Map.of())) {
      if (!types.contains(text(d, "type")) && !STOPPED.contains(text(d, "state"))) {
        out.add(text(d, "name") + " (" + text(d, "state") + "): " + text(d, "command"));
      }
    }
    return out;
  }

  private void awaitStopped(PlatformApi.Context ctx, Map<String, Integer> down) {
    try {
      Poller.of(clock, sleeper, DYNO_POLL, DYNOS_STOP_WITHIN).until("the dynos of " + down.keySet() + " of " + app
          + " to stop", () -> surplus(ctx, down), List::isEmpty, running -> "still running: " + running);
    } catch (WaitTimeoutException e) {
      throw new WaitTimeoutException(STEP, e.what(), e.elapsed(), e.lastState());
    }
  }

  /** The dynos of the types scaled down beyond their new quantity that are not stopped yet. */
  private List<String> surplus(PlatformApi.Context ctx, Map<String, Integer> down) {
    Map<String, List<String>> running = new TreeMap<>();
    for (JsonNode d : api.list(ctx, "apps/" + app + "/dynos", Map.of())) {
      String type = text(d, "type");
      if (down.containsKey(type) && !STOPPED.contains(text(d, "state"))) {
        running.computeIfAbsent(type, k -> new ArrayList<>()).add(text(d, "name") + " (" + text(d, "state") + ")");
      }
    }
    List<String> out = new ArrayList<>();
    running.forEach((type, dynos) -> {
      if (dynos.size() > down.get(type)) {
        out.addAll(dynos);
      }
    });
    return out;
  }
}
