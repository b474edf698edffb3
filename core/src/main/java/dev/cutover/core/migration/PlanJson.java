package dev.cutover.core.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.core.MigrationException;
import dev.cutover.core.Secret;
import dev.cutover.core.model.Deploy;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The canonical JSON of a plan: every decision, keys sorted, one line, no secret value (a copied
 * config var shows its name and {@code ****}; registry credentials their user name and {@code ****}).
 * Its SHA-256 is the plan's fingerprint. Nothing that changes as a run progresses (where it
 * resumes) or with the clock (when the source was read) is part of it.
 */
final class PlanJson {
  static final String FORMAT = "cutover-plan/1";
  private static final ObjectMapper CANONICAL = JsonMapping.COMPACT.copy()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private PlanJson() {}

  static String canonical(MigrationPlan plan) {
    try {
      return CANONICAL.writeValueAsString(tree(plan));
    } catch (JsonProcessingException e) {
      throw new MigrationException("plan", "plan: cannot render JSON (" + e.getOriginalMessage() + ")", false, e);
    }
  }

  /** The canonical plan, pretty-printed, with its fingerprint and where a run would resume. */
  static String pretty(MigrationPlan plan) {
    try {
      ObjectNode out = JsonMapping.PRETTY.createObjectNode();
      out.put("fingerprint", plan.fingerprint());
      out.put("resumesAt", plan.resumesAt().map(MigrationStep::id).orElse(null));
      out.setAll((ObjectNode) CANONICAL.readTree(plan.canonicalJson()));
      return JsonMapping.PRETTY.writeValueAsString(out) + "\n";
    } catch (IOException e) {
      throw new MigrationException("plan", "plan: cannot render JSON (" + e.getMessage() + ")", false, e);
    }
  }

  static boolean isCanonicalPlan(String text) {
    try {
      JsonNode node = CANONICAL.readTree(text);
      return node != null && FORMAT.equals(node.path("format").asText());
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, Object> tree(MigrationPlan plan) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("source", plan.source());
    m.put("target", plan.target());
    m.put("sourceApp", Map.of("stack", plan.inventory().stack(), "region", plan.inventory().region(),
        "buildpacks", plan.inventory().buildpacks()));
    Map<String, Object> options = CANONICAL.convertValue(plan.options(), JsonMapping.MAP);
    // as given (relative, or left to the default) they vary with where the plan is made: the resolved ones follow
    options.remove("workDirectory");
    options.remove("journal");
    plan.options().deploy().filter(d -> d instanceof Deploy.DockerImage).map(d -> (Deploy.DockerImage) d)
        .flatMap(Deploy.DockerImage::credentials)
        .ifPresent(c -> options.put("registryCredentials", Map.of("username", c.username(), "password", Secret.mask())));
    m.put("options", options);
    m.put("workDirectory", plan.workDirectory().toString());
    m.put("journal", plan.journal().toString());
    m.put("port", plan.port());
    m.put("portReason", plan.portReason());
    m.put("config", plan.config().stream().map(c -> {
      Map<String, Object> cm = new LinkedHashMap<>();
      cm.put("name", c.name());
      cm.put("action", c.action().name());
      cm.put("reason", c.reason());
      if (c.action() == MigrationPlan.ConfigDecision.Action.COPY || c.action() == MigrationPlan.ConfigDecision.Action.COPY_FLAGGED) {
        cm.put("value", plan.inventory().configVar(c.name()).map(v -> v.value().reveal().isEmpty() ? "" : Secret.mask())
            .orElse(Secret.mask()));
      }
      return cm;
    }).toList());
    m.put("services", plan.services().stream().map(sp -> Map.of("service", sp.service(), "count", sp.count(),
        "dynoSize", sp.dynoSize(), "containerSizeMb", sp.containerSizeMb(), "command", sp.command(), "sizing", sp.sizing()))
        .toList());
    m.put("releaseCommand", plan.releaseCommand().orElse(""));
    m.put("endpoints", plan.endpoints().stream().map(e -> Map.of("service", e.service(), "domains", e.domains())).toList());
    m.put("addons", plan.addons().stream().map(a -> Map.of("name", a.name(), "service", a.service(), "plan", a.plan(),
        "migrated", a.migrated(), "action", a.action())).toList());
    m.put("dataMoves", plan.dataMoves().stream().map(DataMove::decisions).toList());
    m.put("repoChanges", plan.repoChanges().stream().map(c -> Map.of("path", c.path(), "why", c.why())).toList());
    m.put("warnings", plan.warnings());
    m.put("blockingFindings", plan.blockingFindings().stream().map(f -> Map.of("location", f.location(),
        "problem", f.problem(), "fix", f.fix())).toList());
    m.put("repoNotes", plan.repoNotes());
    m.put("steps", plan.steps().stream().map(s -> Map.of("number", s.step().number(), "step", s.step().id(),
        "willRun", s.willRun(), "detail", s.detail())).toList());
    return m;
  }

  /** Keys of the lists whose entries are named: a difference is reported by name, not by position. */
  static final Map<String, String> KEYS = Map.of("config", "name", "services", "service", "endpoints", "service",
      "addons", "name", "dataMoves", "id", "repoChanges", "path", "steps", "step");

  static JsonNode parse(String canonical) {
    try {
      return CANONICAL.readTree(canonical);
    } catch (IOException e) {
      throw new MigrationException("approval", "approval: the approved plan is not JSON (" + e.getMessage() + ")",
          false, e);
    }
  }
}
