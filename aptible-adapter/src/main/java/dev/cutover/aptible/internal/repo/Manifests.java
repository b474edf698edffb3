package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.aptible.RepoFinding.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Heroku's own files ask for that Aptible has no counterpart for: {@code app.json}
 * ({@code scripts.postdeploy}, required {@code env}, {@code formation}) and {@code heroku.yml}
 * ({@code build.docker} with its Dockerfile and target, {@code build.config}, {@code release},
 * {@code run}). Not API.
 */
final class Manifests {
  private Manifests() {}

  /** heroku.yml {@code run}: process type to command (a list form joined as shell words). */
  static Map<String, String> run(JsonNode yml) {
    Map<String, String> out = new LinkedHashMap<>();
    yml.path("run").fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      String command = command(v.isObject() ? v.path("command") : v);
      if (!command.isEmpty()) {
        out.put(e.getKey(), command);
      }
    });
    return out;
  }

  /** heroku.yml {@code release.command}, if any. */
  static Optional<String> release(JsonNode yml) {
    String command = command(yml.path("release").path("command"));
    return command.isEmpty() ? Optional.empty() : Optional.of(command);
  }

  private static String command(JsonNode node) {
    if (node.isArray()) {
      List<String> words = new ArrayList<>();
      node.forEach(w -> words.add(w.asText()));
      return words.size() == 1 ? words.get(0) : String.join(" ", words.stream().map(ShellWords::quote).toList());
    }
    return node.asText("").strip();
  }

  /** The Dockerfile heroku.yml builds the web image from ({@code Dockerfile} when unsaid). */
  static String dockerfile(JsonNode yml) {
    JsonNode docker = yml.path("build").path("docker");
    JsonNode web = docker.has("web") ? docker.path("web") : docker.elements().hasNext() ? docker.elements().next()
        : docker.path("web");
    return (web.isObject() ? web.path("dockerfile").asText("Dockerfile") : web.asText("Dockerfile")).replaceFirst("^\\./", "");
  }

  /** Findings about heroku.yml's build for the Dockerfile Aptible will build. */
  static void herokuYml(App app, Optional<Dockerfile> dockerfile) {
    JsonNode build = app.herokuYml.path("build");
    JsonNode docker = build.path("docker");
    if (docker.size() > 1) {
      app.findings.warn(Rule.HEROKU_MANIFEST, "heroku.yml", 0, "heroku.yml builds " + docker.size() + " images ("
          + String.join(", ", (Iterable<String>) docker::fieldNames) + "); Aptible builds one image for every process",
          "make the web image's Dockerfile hold every process's command, or deploy the others as separate Aptible apps");
    }
    JsonNode web = docker.path("web");
    String target = web.path("target").asText("");
    if (!target.isEmpty() && dockerfile.isPresent()) {
      Dockerfile df = dockerfile.get();
      if (!df.last().name().equalsIgnoreCase(target)) {
        app.findings.error(Rule.HEROKU_MANIFEST, "heroku.yml", 0, "heroku.yml builds the stage " + target + ", but"
            + " Aptible builds the last stage (" + (df.last().name().isEmpty() ? "unnamed" : df.last().name()) + ")",
            "move the stage " + target + " to the end of the Dockerfile");
      }
    }
    if (build.path("config").size() > 0) {
      List<String> args = new ArrayList<>();
      build.path("config").fieldNames().forEachRemaining(args::add);
      app.findings.warn(Rule.HEROKU_MANIFEST, "heroku.yml", 0, "heroku.yml passes build arguments " + args + "; Aptible"
          + " passes none, so each ARG takes its Dockerfile default", "change the ARG defaults, or read the values"
          + " from .aptible.env in the build (Aptible writes the config vars there)");
    }
    JsonNode release = app.herokuYml.path("release");
    if (release.has("image") && !release.path("image").asText().equals("web")) {
      app.findings.warn(Rule.HEROKU_MANIFEST, "heroku.yml", 0, "the release phase runs in the " + release.path("image")
          .asText() + " image; Aptible runs before_deploy in the app's one image", "make the command work in that image");
    }
  }

  /** Findings from app.json; returns the {@code postdeploy} commands to run once by hand. */
  static List<String> appJson(App app) {
    List<String> oneOffs = new ArrayList<>();
    JsonNode scripts = app.appJson.path("scripts");
    String postdeploy = scripts.path("postdeploy").isObject() ? scripts.path("postdeploy").path("command").asText("")
        : scripts.path("postdeploy").asText("");
    if (!postdeploy.isEmpty()) {
      oneOffs.add(postdeploy);
      app.findings.info(Rule.HEROKU_MANIFEST, "app.json", 0, "scripts.postdeploy (\"" + postdeploy + "\") ran once"
          + " when Heroku created the app (Heroku Button, review apps); Aptible has no such hook and the migration"
          + " does not run it, since the data comes from Heroku", "run it by hand only if the Aptible app starts with an"
          + " empty database: aptible ssh --app <app> " + postdeploy);
    }
    if (app.inventory.isPresent()) {
      app.appJson.path("env").fields().forEachRemaining(e -> {
        JsonNode spec = e.getValue();
        // a var with a value or a generator was set when the app was created; one without is the user's to set
        boolean userSets = spec.isObject() && !spec.has("value") && !spec.has("generator");
        if (userSets && spec.path("required").asBoolean(true) && !app.configVars().contains(e.getKey())) {
          app.findings.warn(Rule.HEROKU_MANIFEST, "app.json", 0, "app.json requires " + e.getKey() + ", which the"
              + " Heroku app does not set, so the Aptible app will not have it either", "set " + e.getKey()
              + " on Aptible, or mark it \"required\": false in app.json");
        }
      });
    } else if (app.appJson.path("formation").size() > 0) {
      List<String> formation = new ArrayList<>();
      app.appJson.path("formation").fields().forEachRemaining(e -> formation.add(e.getKey() + "="
          + e.getValue().path("quantity").asInt(1) + ":" + e.getValue().path("size").asText("standard-1X")));
      app.findings.info(Rule.HEROKU_MANIFEST, "app.json", 0, "app.json's formation is " + formation, "nothing: the"
          + " migration scales each service from the live app's formation");
    }
    return oneOffs;
  }
}
