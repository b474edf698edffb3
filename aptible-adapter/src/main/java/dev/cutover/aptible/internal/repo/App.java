package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoPreparer.Language;
import dev.cutover.aptible.internal.repo.Buildpack.Kind;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the preparer knows about the app before it decides anything: the repository, the Heroku
 * inventory (when given), {@code app.json} and {@code heroku.yml}, the buildpacks Heroku builds
 * with (the live list wins over {@code app.json}, as on Heroku) and the language they imply.
 * Not API.
 */
final class App {
  final RepoFiles files;
  final Optional<AppInventory> inventory;
  final Findings findings;
  final JsonNode appJson;
  final JsonNode herokuYml;
  final List<Buildpack> buildpacks;
  /** Where {@link #buildpacks} came from, for the plan's reasons. */
  final String buildpacksFrom;
  /** Whether Heroku builds the app from {@code heroku.yml}'s Dockerfile (the container stack). */
  final boolean container;
  final Language language;
  /** Where {@link #language} came from. */
  final String languageFrom;
  /** Whether Node.js builds front-end assets before the primary language's build (a nodejs buildpack listed first). */
  final boolean nodeFirst;

  App(RepoFiles files, Optional<AppInventory> inventory, Findings findings) {
    this.files = files;
    this.inventory = inventory;
    this.findings = findings;
    this.appJson = manifest("app.json", false);
    this.herokuYml = manifest("heroku.yml", true);
    List<String> live = inventory.map(AppInventory::buildpacks).orElse(List.of());
    List<String> fromAppJson = new ArrayList<>();
    appJson.path("buildpacks").forEach(b -> fromAppJson.add(b.path("url").asText(b.asText())));
    List<String> fromYml = new ArrayList<>();
    herokuYml.path("build").path("languages").forEach(l -> fromYml.add("heroku/" + l.asText()));
    if (!live.isEmpty()) {
      buildpacks = live.stream().map(Buildpack::of).toList();
      buildpacksFrom = "the app's buildpacks on Heroku";
      if (!fromAppJson.isEmpty() && !fromAppJson.equals(live)) {
        findings.info(Rule.BUILDPACKS, "app.json", 0, "app.json lists buildpacks " + fromAppJson + ", the app on Heroku"
            + " builds with " + live, "nothing: the live list is what Heroku builds with, so the image follows it");
      }
    } else if (!fromAppJson.isEmpty()) {
      buildpacks = fromAppJson.stream().map(Buildpack::of).toList();
      buildpacksFrom = "app.json buildpacks";
    } else {
      buildpacks = fromYml.stream().map(Buildpack::of).toList();
      buildpacksFrom = fromYml.isEmpty() ? "" : "heroku.yml build.languages";
    }
    boolean dockerBuild = herokuYml.path("build").has("docker");
    String stack = inventory.map(AppInventory::stack).orElse("");
    container = dockerBuild && (inventory.isEmpty() || stack.equals("container"));
    if (dockerBuild && !container) {
      findings.info(Rule.HEROKU_MANIFEST, "heroku.yml", 0, "heroku.yml builds a Docker image, but the app on Heroku is on"
          + " the " + stack + " stack, so Heroku ignores heroku.yml and builds with buildpacks",
          "nothing: the image follows the buildpacks the app really builds with");
    }
    Kind primary = null;
    int primaryAt = -1;
    for (int i = 0; i < buildpacks.size(); i++) {
      if (buildpacks.get(i).kind().isLanguage()) {
        primary = buildpacks.get(i).kind();
        primaryAt = i;
      }
    }
    boolean nodeListed = false;
    for (int i = 0; i < primaryAt; i++) {
      nodeListed |= buildpacks.get(i).kind() == Kind.NODE;
    }
    if (primary != null) {
      language = of(primary);
      languageFrom = "buildpack " + buildpacks.get(primaryAt).name() + " (" + buildpacksFrom + ")";
      nodeFirst = nodeListed && primary != Kind.NODE;
    } else {
      String[] detected = detect();
      language = Language.valueOf(detected[0]);
      languageFrom = detected[1];
      nodeFirst = language != Language.NODE && language != Language.UNKNOWN && files.exists("package.json")
          && !decoy() && (hasScript("build") || hasScript("heroku-postbuild"));
    }
  }

  private JsonNode manifest(String path, boolean yaml) {
    try {
      return yaml ? files.yaml(path) : files.json(path);
    } catch (IllegalArgumentException e) {
      findings.warn(Rule.HEROKU_MANIFEST, path, 0, path + " cannot be parsed (" + e.getMessage() + "), so it was ignored",
          "fix its syntax; Heroku rejects the app with the same error");
      return MissingNode.getInstance();
    }
  }

  private Language of(Kind kind) {
    return switch (kind) {
      case NODE -> Language.NODE;
      case PYTHON -> Language.PYTHON;
      case RUBY -> Language.RUBY;
      case JAVA -> files.exists("pom.xml") || !gradle() ? Language.JAVA_MAVEN : Language.JAVA_GRADLE;
      case GRADLE -> Language.JAVA_GRADLE;
      case SCALA -> Language.SCALA;
      case CLOJURE -> Language.CLOJURE;
      case GO -> Language.GO;
      case PHP -> Language.PHP;
      default -> Language.UNKNOWN;
    };
  }

  private boolean gradle() {
    return files.exists("build.gradle") || files.exists("build.gradle.kts") || files.exists("gradlew");
  }

  /**
   * {language, reason} from the files, in the order Heroku's default buildpacks detect, except that a
   * {@code package.json} that only holds development tooling (no dependencies, no start script) does
   * not make an app in another language a Node.js app.
   */
  private String[] detect() {
    boolean python = files.exists("requirements.txt") || files.exists("Pipfile") || files.exists("poetry.lock")
        || files.exists("uv.lock") || files.exists("setup.py") || files.exists("pyproject.toml");
    String[][] order = {
        {"Gemfile", "RUBY"}, {"package.json", "NODE"}, {"project.clj", "CLOJURE"},
        {python ? "." : "-", "PYTHON"}, {"pom.xml", "JAVA_MAVEN"}, {gradle() ? "." : "-", "JAVA_GRADLE"},
        {"build.sbt", "SCALA"}, {"composer.json", "PHP"}, {"index.php", "PHP"}, {"go.mod", "GO"}};
    boolean skippedDecoy = false;
    for (String[] o : order) {
      if (!files.exists(o[0])) {
        continue;
      }
      if (o[1].equals("NODE") && decoy() && otherLanguage()) {
        skippedDecoy = true;
        continue;
      }
      String from = o[0].equals(".") ? o[1].toLowerCase() + " files" : o[0];
      return new String[] {o[1], from + (skippedDecoy ? " (package.json holds only development tooling, so the app is"
          + " not a Node.js app)" : "")};
    }
    return new String[] {Language.UNKNOWN.name(), "nothing"};
  }

  private boolean otherLanguage() {
    return files.exists("requirements.txt") || files.exists("Pipfile") || files.exists("pyproject.toml")
        || files.exists("manage.py") || files.exists("composer.json") || files.exists("go.mod") || files.exists("pom.xml")
        || gradle() || files.exists("build.sbt") || files.exists("project.clj");
  }

  /** A package.json with no runtime dependencies and no start script: linters, formatters, release tools. */
  boolean decoy() {
    JsonNode pkg = packageJson();
    return !pkg.path("dependencies").elements().hasNext() && !pkg.path("scripts").has("start")
        && !files.exists("server.js") && !files.exists("index.js") && !files.exists("app.js");
  }

  JsonNode packageJson() {
    try {
      return files.json("package.json");
    } catch (IllegalArgumentException e) {
      findings.error(Rule.BUILD_STEPS, "package.json", 0, "package.json is not valid JSON (" + e.getMessage() + ")",
          "fix it; npm and Heroku reject it too");
      return MissingNode.getInstance();
    }
  }

  boolean hasScript(String name) {
    return packageJson().path("scripts").has(name);
  }

  boolean has(Kind kind) {
    return buildpacks.stream().anyMatch(b -> b.kind() == kind);
  }

  /** The names of the Heroku app's config vars (empty without an inventory). */
  Set<String> configVars() {
    return inventory.map(i -> i.configVars().stream().map(ConfigVar::name).collect(Collectors.toSet())).orElse(Set.of());
  }
}
