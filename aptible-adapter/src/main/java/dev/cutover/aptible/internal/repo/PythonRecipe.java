package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.internal.repo.Semver.Version;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Python as Heroku's python buildpack builds it: the version from {@code runtime.txt}, then
 * {@code .python-version}, then {@code Pipfile.lock} ({@code 3.12} is the newest 3.12.x), one package
 * manager (pip, Pipenv, Poetry or uv, each pinned to the version the buildpack uses and kept out of
 * the final image) installing into a virtualenv without development groups, and Django's
 * {@code collectstatic} unless {@code DISABLE_COLLECTSTATIC} is set. Not API.
 */
final class PythonRecipe {
  private static final String VENV = "/opt/venv";

  private PythonRecipe() {}

  static void apply(App app, Recipe r) {
    Recipe.Runtime python = version(app);
    r.runtimes.add(python);
    r.buildImage = python.image();
    r.runtimeImage = python.image();
    r.buildEnv.put("VIRTUAL_ENV", VENV);
    r.buildEnv.put("PATH", VENV + "/bin:$PATH");
    r.runtimeEnv.put("VIRTUAL_ENV", VENV);
    r.runtimeEnv.put("PATH", VENV + "/bin:$PATH");
    r.runtimeEnv.put("PYTHONUNBUFFERED", "1");
    r.setup.add("python -m venv " + VENV);
    r.keep.add(VENV);
    String manager = packageManager(app, r);
    if (django(app)) {
      r.build("if [ -z \"${DISABLE_COLLECTSTATIC:-}\" ]; then python manage.py collectstatic --noinput; fi");
      r.expect("Django's collectstatic", "collectstatic");
    }
    r.description = "Python " + python.version() + ", " + manager + (django(app) ? ", Django collectstatic" : "");
  }

  static Recipe.Runtime version(App app) {
    RepoFiles f = app.files;
    String request;
    String source;
    Optional<String> runtimeTxt = f.read("runtime.txt").map(String::strip).filter(s -> !s.isEmpty());
    Optional<String> pythonVersion = f.read(".python-version").flatMap(t -> t.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst());
    JsonNode requires = json(app, "Pipfile.lock").path("_meta").path("requires");
    Optional<String> pipfile = Optional.ofNullable(requires.path("python_full_version").textValue())
        .or(() -> Optional.ofNullable(requires.path("python_version").textValue()));
    if (runtimeTxt.isPresent()) {
      request = runtimeTxt.get().replaceFirst("^python-", "");
      source = "runtime.txt";
      pythonVersion.filter(v -> !request.startsWith(v)).ifPresent(v -> app.findings.info(Rule.RUNTIME_VERSION,
          ".python-version", 0, ".python-version asks for " + v + " but runtime.txt for " + request, "nothing: Heroku"
          + " reads runtime.txt first, so the image does; delete runtime.txt (Heroku deprecated it) and keep one"));
    } else if (pythonVersion.isPresent()) {
      request = pythonVersion.get();
      source = ".python-version";
    } else if (pipfile.isPresent()) {
      request = pipfile.get();
      source = "Pipfile.lock";
    } else if (Recipes.toolVersion(f, "python").isPresent()) {
      request = Recipes.toolVersion(f, "python").get();
      source = ".tool-versions";
    } else {
      request = Runtimes.KNOWN.get("default.python");
      source = "Heroku's default";
      app.findings.warn(Rule.RUNTIME_VERSION, ".python-version", 0, "no Python version in runtime.txt,"
          + " .python-version or Pipfile.lock, so Heroku ran its default " + request, "pin it: echo " + request
          + " > .python-version");
    }
    Version v = Runtimes.KNOWN.patchOf("python", request);
    if (v.compareTo(Version.find(Runtimes.KNOWN.get("supported.python")).orElseThrow()) < 0) {
      app.findings.warn(Rule.RUNTIME_VERSION, source.startsWith("Heroku") ? "." : source, 0, "Python " + v.major() + "."
          + v.minor() + " is past its end of life and Heroku no longer builds it; the image uses " + v + " as the"
          + " app asks", "upgrade to a supported Python (3.10 or newer)");
    }
    return new Recipe.Runtime("python", "python:" + Runtimes.KNOWN.tag("python", v, v.toString()), v.toString(),
        source + " \"" + request + "\"");
  }

  private static JsonNode json(App app, String path) {
    try {
      return app.files.json(path);
    } catch (IllegalArgumentException e) {
      app.findings.error(Rule.LOCKFILE, path, 0, path + " is not valid JSON (" + e.getMessage() + ")", "regenerate it");
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  /** Installs with the one package manager Heroku would use; returns its name. */
  private static String packageManager(App app, Recipe r) {
    RepoFiles f = app.files;
    List<String> found = new ArrayList<>();
    for (String file : List.of("Pipfile.lock", "requirements.txt", "poetry.lock", "uv.lock")) {
      if (f.exists(file)) {
        found.add(file);
      }
    }
    if (found.isEmpty() && f.exists("Pipfile")) {
      app.findings.error(Rule.LOCKFILE, "Pipfile", 0, "a Pipfile without Pipfile.lock: Heroku refuses to build it",
          "run pipenv lock and commit Pipfile.lock");
      found.add("Pipfile");
    }
    if (found.isEmpty()) {
      app.findings.error(Rule.LOCKFILE, ".", 0, "no requirements.txt, Pipfile.lock, poetry.lock or uv.lock: Heroku"
          + " refuses to build a Python app without one", "add the package manager file the app uses");
      r.install("pip install --no-cache-dir .", true);
      return "pip (the project itself)";
    }
    if (found.size() > 1) {
      app.findings.warn(Rule.LOCKFILE, ".", 0, "several Python package manager files " + found + ": Heroku used the"
          + " first (" + found.get(0) + ") and now refuses to build until one is left", "delete the files of the"
          + " package managers the app does not use");
    }
    String tools = "/opt/tools";
    switch (found.get(0)) {
      case "requirements.txt" -> {
        r.install("pip install --no-cache-dir -r requirements.txt", true);
        r.expect("dependencies from requirements.txt", "requirements");
        devRequirements(app);
        return "pip";
      }
      case "Pipfile.lock", "Pipfile" -> {
        tool(r, tools, "pipenv");
        boolean locked = found.get(0).equals("Pipfile.lock");
        r.install(tools + "/bin/pipenv install --system " + (locked ? "--deploy" : "--skip-lock"), true);
        r.expect("dependencies from Pipfile.lock", "pipenv");
        return "Pipenv " + Runtimes.KNOWN.get("tool.pipenv");
      }
      case "poetry.lock" -> {
        tool(r, tools, "poetry");
        r.buildEnv.put("POETRY_VIRTUALENVS_CREATE", "false");
        r.install(tools + "/bin/poetry sync --only main --no-interaction", true);
        r.expect("dependencies from poetry.lock", "poetry");
        return "Poetry " + Runtimes.KNOWN.get("tool.poetry");
      }
      default -> {
        tool(r, tools, "uv");
        r.buildEnv.put("UV_PROJECT_ENVIRONMENT", VENV);
        r.buildEnv.put("UV_PYTHON_DOWNLOADS", "never");
        r.install(tools + "/bin/uv sync --locked --no-default-groups --no-managed-python", true);
        r.expect("dependencies from uv.lock", "uv sync", "uv pip");
        if (!f.exists(".python-version")) {
          app.findings.warn(Rule.RUNTIME_VERSION, ".python-version", 0, "a uv project without .python-version: Heroku"
              + " requires one for uv", "echo <version> > .python-version and commit it");
        }
        return "uv " + Runtimes.KNOWN.get("tool.uv");
      }
    }
  }

  /** The tool in its own virtualenv, outside the app's, pinned to the buildpack's version. */
  private static void tool(Recipe r, String dir, String name) {
    if (r.setup.stream().noneMatch(s -> s.startsWith("python -m venv " + dir))) {
      r.setup.add("python -m venv " + dir + " && " + dir + "/bin/pip install --no-cache-dir " + name + "=="
          + Runtimes.KNOWN.get("tool." + name));
    }
  }

  /** requirements.txt pulling development files in (-r requirements/dev.txt) puts test tools in the image. */
  private static void devRequirements(App app) {
    for (String included : includes(app.files, "requirements.txt", new LinkedHashSet<>())) {
      if (included.toLowerCase(Locale.ROOT).matches(".*(dev|test|local)[^/]*\\.txt")) {
        app.findings.warn(Rule.DEV_DEPENDENCIES, "requirements.txt", 0, "requirements.txt includes " + included
            + ", so development packages are installed in the image", "include only production requirements");
      }
    }
  }

  /** requirements files included with {@code -r}/{@code -c}, recursively. */
  static Set<String> includes(RepoFiles files, String file, Set<String> seen) {
    if (!seen.add(file)) {
      return seen;
    }
    String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
    for (String line : files.text(file).split("\n")) {
      String l = line.strip();
      if (l.matches("(-r|-c|--requirement|--constraint)\\s*\\S+")) {
        includes(files, normalize(dir + l.replaceFirst("^(-r|-c|--requirement|--constraint)\\s*", "")), seen);
      }
    }
    return seen;
  }

  private static String normalize(String path) {
    List<String> out = new ArrayList<>();
    for (String p : path.split("/")) {
      if (p.equals("..") && !out.isEmpty()) {
        out.remove(out.size() - 1);
      } else if (!p.equals(".") && !p.isEmpty()) {
        out.add(p);
      }
    }
    return String.join("/", out);
  }

  /** A Django app: manage.py and Django among the dependencies (Heroku's test before collectstatic). */
  static boolean django(App app) {
    if (!app.files.exists("manage.py")) {
      return false;
    }
    StringBuilder deps = new StringBuilder();
    includes(app.files, "requirements.txt", new LinkedHashSet<>()).forEach(f -> deps.append(app.files.text(f)));
    deps.append(app.files.text("Pipfile")).append(app.files.text("pyproject.toml"));
    return deps.toString().toLowerCase(Locale.ROOT).matches("(?s).*\\bdjango\\b.*");
  }
}
