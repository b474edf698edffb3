package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.internal.repo.Semver.Version;
import java.util.Optional;

/**
 * Go as Heroku's go buildpack builds it: the version from the {@code // +heroku goVersion} comment
 * or the {@code go} directive ({@code 1.25} and {@code 1.25.0} mean the newest 1.25.x), {@code go
 * install -tags heroku} of the {@code // +heroku install} packages (default {@code .}) into
 * {@code bin/}, which is on {@code PATH}, and the repository kept beside the binaries (templates and
 * static files are read at run time). Not API.
 */
final class GoRecipe {
  private GoRecipe() {}

  static void apply(App app, Recipe r) {
    String mod = app.files.text("go.mod");
    Recipe.Runtime go = version(app, mod);
    r.runtimes.add(go);
    r.buildImage = go.image();
    r.runtimeImage = "debian:" + Runtimes.KNOWN.get("os.debian") + "-slim";
    r.runtimePackages.add("ca-certificates");
    r.runtimePackages.add("tzdata");
    if (app.files.exists("go.sum")) {
      r.install("go mod download", true);
    } else if (mod.contains("\nrequire")) {
      app.findings.warn(Rule.LOCKFILE, "go.mod", 0, "go.mod requires modules but there is no go.sum", "run go mod tidy"
          + " and commit go.sum");
    }
    String packages = Recipes.find("^//\\s*\\+heroku\\s+install\\s+(.+)$", mod).map(String::strip).orElse(".");
    boolean vendor = app.files.exists("vendor/modules.txt");
    r.build("GOBIN=/app/bin go install -tags heroku" + (vendor ? " -mod=vendor" : "") + " " + packages);
    r.expect("go install", "go install", "go build");
    r.runtimeEnv.put("PATH", "/app/bin:$PATH");
    String module = Recipes.find("^module\\s+(\\S+)", mod).orElse("app");
    r.defaultWeb = module.substring(module.lastIndexOf('/') + 1);
    r.description = "Go " + go.version() + " (go install " + packages + ")";
  }

  static Recipe.Runtime version(App app, String mod) {
    Optional<String> comment = Recipes.find("^//\\s*\\+heroku\\s+goVersion\\s+go(\\S+)", mod);
    Optional<String> directive = Recipes.find("^go\\s+(\\d+\\.\\d+(?:\\.\\d+)?)\\s*$", mod);
    String request;
    String source;
    if (comment.isPresent()) {
      request = comment.get();
      source = "go.mod // +heroku goVersion";
    } else if (directive.isPresent()) {
      request = directive.get();
      source = "go.mod go directive";
    } else {
      request = Runtimes.KNOWN.get("default.go");
      source = "Heroku's default";
      app.findings.warn(Rule.RUNTIME_VERSION, "go.mod", 0, "go.mod names no Go version, so Heroku ran its default "
          + request, "add a go directive: go " + request);
    }
    // Heroku's data.json maps go1.N.0 to go1.N, the newest patch of the line.
    Version v = Runtimes.KNOWN.patchOf("go", request.replaceFirst("^(\\d+\\.\\d+)\\.0$", "$1"));
    String text = v.patch() == 0 && !request.matches("\\d+\\.\\d+\\.\\d+") ? v.major() + "." + v.minor() : v.toString();
    return new Recipe.Runtime("go", "golang:" + Runtimes.KNOWN.tag("go", v, text), text, source + " \"" + request + "\"");
  }
}
