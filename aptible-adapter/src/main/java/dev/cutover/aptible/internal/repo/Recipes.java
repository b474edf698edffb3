package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoPreparer.Language;
import dev.cutover.aptible.internal.repo.Buildpack.Kind;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the {@link Recipe} for an app: its language's recipe plus what the other buildpacks added. Not API. */
final class Recipes {
  private Recipes() {}

  /** The recipe for {@code app}'s language; empty when the language is unknown. */
  static Optional<Recipe> of(App app, java.util.Map<String, String> processes) {
    Recipe r = new Recipe();
    switch (app.language) {
      case NODE -> NodeRecipe.primary(app, r);
      case PYTHON -> PythonRecipe.apply(app, r);
      case RUBY -> RubyRecipe.apply(app, r);
      case JAVA_MAVEN, JAVA_GRADLE, SCALA, CLOJURE -> JvmRecipe.apply(app, r, processes);
      case GO -> GoRecipe.apply(app, r);
      case PHP -> PhpRecipe.apply(app, r, processes.getOrDefault("web", ""));
      default -> {
        return Optional.empty();
      }
    }
    if (app.nodeFirst && app.language != Language.RUBY) {
      NodeRecipe.assets(app, r, app.has(Kind.NODE));
    }
    otherBuildpacks(app, r);
    return Optional.of(r);
  }

  /** apt and jemalloc become Debian packages; platform-only buildpacks are dropped; anything else is reported. */
  private static void otherBuildpacks(App app, Recipe r) {
    Kind primary = null;
    for (Buildpack b : app.buildpacks) {
      if (b.kind().isLanguage()) {
        primary = b.kind();
      }
    }
    for (Buildpack b : app.buildpacks) {
      switch (b.kind()) {
        case APT -> aptfile(app, r, b);
        case JEMALLOC -> {
          r.runtimePackages.add("libjemalloc2");
          r.runtimeEnv.put("LD_PRELOAD", "libjemalloc.so.2");
          app.findings.info(Rule.BUILDPACKS, ".", 0, "buildpack " + b.name() + " preloaded jemalloc (when JEMALLOC_ENABLED"
              + " was true)", "the image installs libjemalloc2 and preloads it for every process (LD_PRELOAD); unset"
              + " LD_PRELOAD in the app's configuration to turn it off");
        }
        case PLATFORM_ONLY -> app.findings.info(Rule.BUILDPACKS, ".", 0, "buildpack " + b.name() + " only serves"
            + " Heroku's platform", "nothing: Aptible does not need it");
        case UNKNOWN -> app.findings.warn(Rule.BUILDPACKS, ".", 0, "buildpack " + b.name() + " has no counterpart in"
            + " the generated Dockerfile, so what it installed or ran is missing from the image",
            "add its steps to the Dockerfile by hand (read its bin/compile), or check the app does not need them");
        default -> {
          if (b.kind() != primary && !(b.kind() == Kind.NODE && app.nodeFirst)) {
            app.findings.warn(Rule.BUILDPACKS, ".", 0, "buildpack " + b.name() + " builds a second language; the image"
                + " builds only " + app.language + " (the last language buildpack, as on Heroku)",
                "add the " + b.name() + " build steps to the Dockerfile by hand");
          }
        }
      }
    }
  }

  private static void aptfile(App app, Recipe r, Buildpack b) {
    Optional<String> aptfile = app.files.read("Aptfile");
    if (aptfile.isEmpty()) {
      app.findings.warn(Rule.BUILDPACKS, "Aptfile", 0, "buildpack " + b.name() + " is listed but the repository has no"
          + " Aptfile", "add the Aptfile, or remove the buildpack on Heroku");
      return;
    }
    String[] lines = aptfile.get().split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.matches("[a-z0-9][a-z0-9+.-]*(=[A-Za-z0-9.+:~-]+)?")) {
        r.packages.add(line);
      } else {
        app.findings.warn(Rule.BUILDPACKS, "Aptfile", i + 1, "'" + line + "' is not a Debian package name (a .deb URL"
            + " or an extra apt repository), so the image does not install it",
            "install it in the Dockerfile by hand (RUN curl -fsSLO <url> && apt-get install ./<file>.deb)");
      }
    }
    if (!r.packages.isEmpty()) {
      app.findings.info(Rule.BUILDPACKS, "Aptfile", 0, "buildpack " + b.name() + " installed " + r.packages,
          "the image installs the same Debian packages with apt-get in both stages");
    }
  }

  /** The version after {@code key} in {@code .tool-versions} (asdf), if any. */
  static Optional<String> toolVersion(RepoFiles files, String... keys) {
    for (String line : files.text(".tool-versions").split("\n")) {
      String[] w = line.strip().split("\\s+");
      if (w.length >= 2 && List.of(keys).contains(w[0])) {
        return Optional.of(w[1]);
      }
    }
    return Optional.empty();
  }

  /** The first match of {@code regex}'s group 1 in {@code text}. */
  static Optional<String> find(String regex, String text) {
    Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(text);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }
}
