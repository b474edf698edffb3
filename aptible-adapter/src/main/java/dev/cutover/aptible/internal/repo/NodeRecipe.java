package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.internal.repo.Semver.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Node.js as Heroku's nodejs buildpack builds it: the version from {@code engines.node} (a range to
 * its newest release, capped at LTS when open-ended), the package manager from the lockfile and
 * {@code packageManager} (npm, Yarn 1, Yarn Berry and pnpm through corepack), devDependencies
 * installed for the build and pruned after it, {@code heroku-prebuild}, {@code heroku-postbuild}
 * (or {@code build}) and {@code heroku-cleanup}, and {@code NODE_ENV=production}. Not API.
 */
final class NodeRecipe {
  private static final Pattern MIGRATES = Pattern.compile(
      "\\b(db:migrate|migrate(:deploy|:latest|:up)?|migration:run|prisma\\s+migrate\\s+deploy|knex\\s+migrate\\S*|"
      + "sequelize\\s+db:migrate|manage\\.py\\s+migrate)\\b");

  /** npm, npx and corepack on PATH for a Node.js copied out of the node image. */
  private static final String LINKS = "ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm"
      + " && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx"
      + " && if [ -d /usr/local/lib/node_modules/corepack ]; then"
      + " ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack; fi";

  private NodeRecipe() {}

  /** A package manager and the commands Heroku's buildpack runs with it. */
  record PackageManager(String name, String lockfile, String install, String prune, String pruneGuard, String run,
      boolean corepack) {}

  /** Node.js as the app's language: both stages on the official node image. */
  static void primary(App app, Recipe r) {
    Recipe.Runtime node = version(app);
    r.runtimes.add(node);
    r.buildImage = node.image();
    r.runtimeImage = node.image();
    r.runtimeEntrypoint = true;
    PackageManager pm = packageManager(app, Version.find(node.version()).orElseThrow().major());
    steps(app, r, pm, Version.find(node.version()).orElseThrow().major(), true);
    r.runtimeEnv.put("NODE_ENV", "production");
    r.defaultWeb = app.hasScript("start") || app.files.exists("server.js") ? "npm start" : "";
    r.description = "Node.js " + node.version() + ", " + pm.name();
  }

  /**
   * Node.js for another language's build (a nodejs buildpack listed before it, or a Rails asset
   * pipeline that needs it): copied from the node image into the build stage, and into the final
   * stage too when {@code atRuntime} (the nodejs buildpack left node on the dyno's PATH).
   */
  static void assets(App app, Recipe r, boolean atRuntime) {
    Recipe.Runtime node = version(app);
    r.runtimes.add(node);
    copyNode(r.buildCopies, node.image());
    r.setup.add(0, LINKS);
    if (atRuntime) {
      copyNode(r.runtimeCopies, node.image());
      r.runtimeSetup.add(0, LINKS);
    }
    if (app.files.exists("package.json")) {
      int major = Version.find(node.version()).orElseThrow().major();
      PackageManager pm = packageManager(app, major);
      if (!pm.name().startsWith("npm") && !pm.corepack()) {
        // the node image's global Yarn 1 is not copied; corepack provides it (and pnpm) here
        pm = new PackageManager(pm.name(), pm.lockfile(), pm.install(), pm.prune(), pm.pruneGuard(), pm.run(), true);
      }
      steps(app, r, pm, major, atRuntime);
      r.description += (r.description.isEmpty() ? "" : ", ") + "Node.js " + node.version() + " (" + pm.name()
          + ") for the build";
    }
  }

  private static void copyNode(List<String> copies, String image) {
    copies.add("--from=" + image + " /usr/local/bin/node /usr/local/bin/node");
    copies.add("--from=" + image + " /usr/local/lib/node_modules /usr/local/lib/node_modules");
  }

  /** The version Heroku would run: engines.node, else .nvmrc/.node-version/.tool-versions (noted), else its default. */
  static Recipe.Runtime version(App app) {
    JsonNode pkg = app.packageJson();
    String engines = pkg.path("engines").path("node").asText("").trim();
    Optional<String> nvmrc = app.files.read(".nvmrc").map(String::strip).filter(s -> !s.isEmpty())
        .or(() -> app.files.read(".node-version").map(String::strip).filter(s -> !s.isEmpty()))
        .or(() -> Recipes.toolVersion(app.files, "nodejs", "node"));
    String request;
    String source;
    if (!engines.isEmpty()) {
      request = engines;
      source = "package.json engines.node \"" + engines + "\"";
      nvmrc.filter(n -> !matches(n, engines)).ifPresent(n -> app.findings.info(Rule.RUNTIME_VERSION, ".nvmrc", 0,
          ".nvmrc asks for Node.js " + n + " but engines.node is \"" + engines + "\"", "nothing: Heroku reads"
          + " engines.node, so the image does too; align the two to avoid surprises in development"));
    } else if (nvmrc.isPresent()) {
      request = nvmrc.get().replaceFirst("^lts/.*", "").replaceFirst("^node$", "");
      source = ".nvmrc \"" + nvmrc.get() + "\"";
      app.findings.info(Rule.RUNTIME_VERSION, "package.json", 0, "package.json has no engines.node; Heroku would have"
          + " run its default Node.js " + Runtimes.KNOWN.get("default.node") + ".x, the image follows "
          + source, "add \"engines\": {\"node\": \"" + nvmrc.get().replaceFirst("^v", "") + "\"} to package.json");
    } else {
      request = Runtimes.KNOWN.get("default.node") + ".x";
      source = "Heroku's default";
      app.findings.warn(Rule.RUNTIME_VERSION, "package.json", 0, "package.json has no engines.node, so Heroku ran its"
          + " default Node.js " + request, "pin it: \"engines\": {\"node\": \"" + request + "\"}");
    }
    Optional<Version> v;
    try {
      v = request.strip().matches("v?\\d+\\.\\d+\\.\\d+") ? Version.find(request)
          : Runtimes.KNOWN.newest("node", request.isEmpty() ? "*" : request, false);
    } catch (IllegalArgumentException e) {
      v = Optional.empty();
    }
    if (v.isEmpty()) {
      v = Runtimes.KNOWN.newest("node", Runtimes.KNOWN.get("default.node") + ".x", false);
      app.findings.warn(Rule.RUNTIME_VERSION, "package.json", 0, "no Node.js release Cutover knows satisfies " + source
          + ", so the image uses " + v.orElseThrow(), "set engines.node to a released version range");
    }
    String version = v.orElseThrow().toString();
    return new Recipe.Runtime("node", image(v.get()), version, source);
  }

  private static boolean matches(String nvmrc, String engines) {
    try {
      Version n = Version.find(nvmrc).orElse(new Version(0, 0, 0));
      return Semver.range(engines, false).admits().test(n) || Runtimes.KNOWN.newest("node", engines, false)
          .map(v -> v.major() == n.major()).orElse(false);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The official image for a Node.js release, on the Debian release its line was built on. */
  static String image(Version v) {
    // lines Node.js still ships on Debian 12; an older release keeps the Debian it was built on
    return "node:" + Runtimes.KNOWN.tag("node", v, v.toString());
  }

  /** Yarn 1, Yarn Berry, pnpm or npm, from packageManager and the lockfiles, as Heroku picks it. */
  private static PackageManager packageManager(App app, int nodeMajor) {
    JsonNode pkg = app.packageJson();
    // npm 7 (Node.js 15+) took --include/--omit; npm ci came with npm 5.7 (Node.js 10)
    String dev = nodeMajor >= 15 ? "--include=dev" : "--production=false";
    String omit = nodeMajor >= 15 ? "--omit=dev" : "--production";
    String declared = pkg.path("packageManager").asText("");
    List<String> locks = new ArrayList<>();
    for (String f : List.of("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml")) {
      if (app.files.exists(f)) {
        locks.add(f);
      }
    }
    if (locks.size() > 1 && !(locks.size() == 2 && locks.contains("package-lock.json") && locks.contains("npm-shrinkwrap.json"))) {
      app.findings.warn(Rule.LOCKFILE, ".", 0, "several lockfiles " + locks + ": Heroku's Node.js buildpack refuses"
          + " to build with more than one", "delete the lockfiles of the package managers the app does not use");
    }
    boolean yarn = declared.startsWith("yarn@") || locks.contains("yarn.lock") && !declared.startsWith("pnpm@");
    boolean pnpm = declared.startsWith("pnpm@") || locks.contains("pnpm-lock.yaml") && !yarn;
    if (yarn) {
      String head = app.files.text("yarn.lock");
      head = head.substring(0, Math.min(head.length(), 400));
      boolean berry = head.contains("__metadata:") || declared.matches("yarn@[2-9].*") || app.files.exists(".yarnrc.yml");
      if (!app.files.exists("yarn.lock")) {
        noLockfile(app, "yarn.lock");
      }
      if (berry) {
        int major = Version.find(declared).map(Version::major).orElse(0);
        boolean focus = major >= 4 || app.files.exists(".yarn/plugins/@yarnpkg/plugin-workspace-tools.cjs");
        return new PackageManager("Yarn " + (declared.isEmpty() ? "Berry (.yarnrc.yml)" : declared.substring(5)),
            "yarn.lock", "yarn install --immutable", focus ? "yarn workspaces focus --all --production" : "",
            "YARN_PRODUCTION", "yarn run", !declared.isEmpty());
      }
      return new PackageManager("Yarn 1", "yarn.lock", "yarn install --frozen-lockfile --production=false",
          "yarn install --frozen-lockfile --production=true --ignore-scripts --prefer-offline", "YARN_PRODUCTION",
          "yarn run", declared.startsWith("yarn@"));
    }
    if (pnpm) {
      if (!app.files.exists("pnpm-lock.yaml")) {
        noLockfile(app, "pnpm-lock.yaml");
      }
      return new PackageManager("pnpm" + (declared.isEmpty() ? "" : " " + declared.substring(5)), "pnpm-lock.yaml",
          "pnpm install --prod=false --frozen-lockfile", "pnpm prune --prod", "NPM_CONFIG_PRODUCTION", "pnpm run", true);
    }
    String lock = locks.contains("package-lock.json") ? "package-lock.json" : locks.contains("npm-shrinkwrap.json")
        ? "npm-shrinkwrap.json" : "";
    if (lock.isEmpty()) {
      noLockfile(app, "package-lock.json");
      return new PackageManager("npm", "", "npm install " + dev, "npm prune " + omit, "NPM_CONFIG_PRODUCTION",
          "npm run", false);
    }
    return new PackageManager("npm", lock, (nodeMajor >= 10 ? "npm ci " : "npm install ") + dev, "npm prune " + omit,
        "NPM_CONFIG_PRODUCTION", "npm run", declared.startsWith("npm@"));
  }

  private static void noLockfile(App app, String lockfile) {
    app.findings.warn(Rule.LOCKFILE, "package.json", 0, "no " + lockfile + ": dependencies resolve afresh on every"
        + " build, so the image may not get the versions the app runs on Heroku",
        "commit the lockfile (run the package manager's install once and add " + lockfile + ")");
  }

  /**
   * The buildpack's steps: heroku-prebuild, install with devDependencies, heroku-postbuild (its database
   * migration moved to before_deploy) or build, prune unless the config says not to, heroku-cleanup.
   */
  private static void steps(App app, Recipe r, PackageManager pm, int nodeMajor, boolean atRuntime) {
    JsonNode scripts = app.packageJson().path("scripts");
    if (pm.corepack()) {
      // corepack keeps the package manager it downloads under COREPACK_HOME: inside /app, the final
      // image gets the same one without downloading it when a process first runs yarn or pnpm.
      // corepack ships with Node.js 14.19 to 24; later releases get it from npm
      String enable = (nodeMajor >= 25 ? "npm install -g corepack@" + Runtimes.KNOWN.get("tool.corepack") + " && " : "")
          + "corepack enable";
      r.setup.add(enable);
      r.buildEnv.put("COREPACK_HOME", "/app/.corepack");
      r.buildEnv.put("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0");
      if (atRuntime) {
        r.runtimeSetup.add(enable);
        r.runtimeEnv.put("COREPACK_HOME", "/app/.corepack");
      }
    } else if (pm.name().startsWith("npm") && app.packageJson().path("packageManager").asText("").startsWith("npm@")) {
      r.setup.add("npm install -g " + app.packageJson().path("packageManager").asText());
    }
    if (scripts.has("heroku-prebuild")) {
      r.install(pm.run() + " heroku-prebuild", true);
    }
    r.install(pm.install(), true);
    r.expect("dependencies from " + (pm.lockfile().isEmpty() ? "package.json" : pm.lockfile()), pm.install()
        .split(" ")[0] + " " + pm.install().split(" ")[1], "npm ci", "yarn install", "pnpm install");
    if (scripts.has("heroku-postbuild")) {
      postbuild(app, r, pm, scripts);
    } else if (scripts.has("build")) {
      r.build(pm.run() + " build");
      r.expect("the build script", "run build", "yarn build", "pnpm build");
    }
    if (pm.prune().isEmpty()) {
      app.findings.info(Rule.DEV_DEPENDENCIES, ".yarnrc.yml", 0, "Yarn " + pm.name() + " cannot drop devDependencies"
          + " without the workspace-tools plugin, so the image keeps them (as Heroku did)",
          "upgrade to Yarn 4, or add the plugin: yarn plugin import workspace-tools");
    } else {
      r.prune("if [ \"${" + pm.pruneGuard() + ":-}\" != false ]; then " + pm.prune() + "; fi");
    }
    if (scripts.has("heroku-cleanup")) {
      r.prune(pm.run() + " heroku-cleanup");
    }
  }

  /** heroku-postbuild, unless it migrates the database: then the build part runs and the migration moves. */
  private static void postbuild(App app, Recipe r, PackageManager pm, JsonNode scripts) {
    String script = scripts.path("heroku-postbuild").asText();
    if (!migrates(script, scripts, 0)) {
      r.build(pm.run() + " heroku-postbuild");
      r.expect("heroku-postbuild", "heroku-postbuild");
      return;
    }
    List<String> shell = ShellWords.shellOnly(script.replace("&&", " "));
    String[] parts = script.split("&&");
    if (!shell.isEmpty() || parts.length < 2) {
      app.findings.error(Rule.RELEASE_PHASE, "package.json", 0, "heroku-postbuild (\"" + script + "\") migrates the"
          + " database at build time; on Aptible that would run against the database before the release is"
          + " verified, so the image does not run it", "split it: a build script for the image, and the migration as"
          + " Heroku's release phase (Procfile release:), which becomes before_deploy");
      return;
    }
    List<String> build = new ArrayList<>();
    List<String> migrate = new ArrayList<>();
    for (String part : parts) {
      (migrates(part.strip(), scripts, 0) ? migrate : build).add(part.strip());
    }
    build.forEach(r::build);
    r.beforeDeploy.addAll(migrate);
    r.expect("heroku-postbuild's build part", build.isEmpty() ? "heroku-postbuild" : build.get(0));
    app.findings.info(Rule.RELEASE_PHASE, "package.json", 0, "heroku-postbuild (\"" + script + "\") migrates the"
        + " database at build time", "the build runs " + build + "; " + migrate + " runs as before_deploy, against"
        + " the Aptible database, before the new release starts");
  }

  /** Whether a script migrates the database, following {@code npm run x}/{@code yarn x} a few levels. */
  private static boolean migrates(String script, JsonNode scripts, int depth) {
    if (MIGRATES.matcher(script).find()) {
      return true;
    }
    if (depth > 3) {
      return false;
    }
    for (String part : script.split("&&|\\|\\||;")) {
      List<String> w = List.of(part.strip().split("\\s+"));
      String name = w.size() >= 3 && w.get(1).equals("run") ? w.get(2) : w.size() >= 2 && w.get(0).equals("yarn")
          ? w.get(1) : "";
      if (!name.isEmpty() && scripts.has(name) && migrates(scripts.path(name).asText(), scripts, depth + 1)) {
        return true;
      }
    }
    return false;
  }
}
