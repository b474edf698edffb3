package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoChange;
import dev.cutover.aptible.RepoChange.Action;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoPlan;
import dev.cutover.aptible.RepoPreparer.DeployMethod;
import dev.cutover.aptible.RepoPreparer.Language;
import dev.cutover.core.model.AppInventory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides what {@code RepoPreparer} writes, from the repository and the Heroku inventory: the
 * Dockerfile (generated from the language's recipe, or the user's kept and checked), the Procfile
 * (release dropped, commands made runnable under the image's ENTRYPOINT), {@code .aptible.yml}
 * {@code before_deploy}, the {@code .aptible/} copies for an image deploy, and every finding. Reads
 * only; writes nothing. Not API.
 */
public final class Preparation {
  private final Path repo;
  private final Optional<AppInventory> inventory;
  private final DeployMethod method;
  private final Optional<Integer> port;
  private final boolean overwrite;

  /**
   * A preparation of {@code repo}.
   *
   * @param repo the repository's work tree
   * @param inventory the Heroku app's inventory, when known
   * @param method how the app reaches Aptible
   * @param port the port the plan decided, or empty for the kept Dockerfile's EXPOSE, else the language's default
   * @param overwrite whether generated files replace the user's
   */
  public Preparation(Path repo, Optional<AppInventory> inventory, DeployMethod method, Optional<Integer> port,
      boolean overwrite) {
    this.repo = repo;
    this.inventory = inventory;
    this.method = method;
    this.port = port;
    this.overwrite = overwrite;
  }

  /**
   * Computes the plan; reads the repository, writes nothing.
   *
   * @return the plan
   * @throws java.io.UncheckedIOException when a file cannot be read
   */
  public RepoPlan compute() {
    RepoFiles files = new RepoFiles(repo);
    Findings findings = new Findings();
    App app = new App(files, inventory, findings);
    List<RepoChange> changes = new ArrayList<>();
    Optional<String> procfileText = files.read("Procfile");

    Map<String, String> processes = new LinkedHashMap<>();
    procfileText.ifPresent(t -> processes.putAll(Procfile.parse(t)));
    if (procfileText.isEmpty()) {
      Map<String, String> run = app.container ? Manifests.run(app.herokuYml) : Map.of();
      processes.putAll(!run.isEmpty() ? run : new TreeMap<>(inventory.map(AppInventory::processTypes).orElse(Map.of())));
    }
    String procfileRelease = processes.remove("release");
    Optional<String> release = app.container ? Manifests.release(app.herokuYml).or(() -> Optional.ofNullable(
        procfileRelease)) : Optional.ofNullable(procfileRelease);
    if (app.container && procfileText.isPresent()) {
      findings.info(Rule.HEROKU_MANIFEST, "Procfile", 0, "Heroku ignored the Procfile (the app builds from heroku.yml),"
          + " but Aptible runs its processes", "check every Procfile line is a process the app should run"
          + (procfileRelease != null && !procfileRelease.equals(release.orElse("")) ? "; its release line is dropped"
          + " in favour of heroku.yml's release command" : ""));
    }

    Optional<Recipe> recipe = Recipes.of(app, processes);
    String dockerfilePath = app.container ? Manifests.dockerfile(app.herokuYml) : "Dockerfile";
    Optional<String> existing = files.read("Dockerfile");
    Optional<String> named = files.read(dockerfilePath);
    boolean keep = (existing.isPresent() || named.isPresent()) && !overwrite;
    int chosenPort;
    Optional<Boolean> entrypoint;
    String entrypointFrom;
    String web = processes.getOrDefault("web", "");
    if (keep) {
      String text = existing.orElseGet(named::get);
      String file = existing.isPresent() ? "Dockerfile" : dockerfilePath;
      if (!dockerfilePath.equals("Dockerfile") && named.isPresent()) {
        keepNamed(app, dockerfilePath, named.get(), existing, changes);
        text = named.get();
        file = dockerfilePath;
      }
      Dockerfile df = Dockerfile.parse(text);
      Checker checker = new Checker(df, file, findings);
      chosenPort = port.orElse(checker.exposed().orElse(app.language.defaultPort()));
      String command = web.isEmpty() ? df.last().last("CMD").map(c -> String.join(" ", c.execForm())).orElse("") : web;
      checker.check(chosenPort, recipe, command);
      Checker.Entrypoint ep = checker.entrypoint();
      entrypoint = ep.present();
      entrypointFrom = ep.from();
      checker.entrypointRunsArguments(files);
      if (app.container) {
        Manifests.herokuYml(app, Optional.of(df));
      }
      if (method == DeployMethod.IMAGE && !text.contains("/.aptible")) {
        findings.error(Rule.RELEASE_PHASE, file, 0, "an image deploy reads the Procfile and .aptible.yml from /.aptible/"
            + " inside the image, and this Dockerfile does not put them there", "add COPY .aptible/ /.aptible/");
      }
      if (existing.isPresent()) {
        changes.add(new RepoChange("Dockerfile", Action.KEEP, "the repository has its own Dockerfile; checked, not"
            + " rewritten (overwrite replaces it with a generated one)", existing.get()));
      }
    } else if (recipe.isPresent()) {
      Recipe r = recipe.get();
      chosenPort = port.orElse(app.language.defaultPort());
      if (web.isEmpty() || !r.processRewrites.isEmpty()) {
        r.processRewrites.forEach((k, v) -> processes.computeIfPresent(k, (key, old) -> v));
      }
      web = processes.getOrDefault("web", r.defaultWeb);
      if (!processes.containsKey("web")) {
        findings.warn(Rule.PORT, "Procfile", 0, "no web process type" + (web.isEmpty() ? " and no default for "
            + app.language : "; the image's CMD runs Heroku's default, " + web), "add a web: line to the Procfile that"
            + " starts the app on $PORT");
      }
      String text = DockerfileWriter.write(r, chosenPort, web, method == DeployMethod.IMAGE);
      new Checker(Dockerfile.parse(text), "Dockerfile", findings).check(chosenPort, recipe, web);
      entrypoint = Optional.of(r.runtimeEntrypoint);
      entrypointFrom = "the ENTRYPOINT of the base image " + r.runtimeImage;
      changes.add(existing.filter(text::equals).isPresent() ? new RepoChange("Dockerfile", Action.KEEP,
          "already the Dockerfile Cutover writes", text) : new RepoChange("Dockerfile", existing.isPresent() ? Action.UPDATE : Action.CREATE,
          (existing.isPresent() ? "replaced as asked" : "Aptible builds from a Dockerfile and the repository has none")
          + "; " + r.description + " (detected from " + app.languageFrom + "), exposes " + chosenPort, text));
    } else {
      chosenPort = port.orElse(app.language.defaultPort());
      entrypoint = Optional.of(false);
      entrypointFrom = "";
      findings.error(Rule.LANGUAGE, ".", 0, "no Dockerfile and no language Cutover can build (buildpacks "
          + app.buildpacks.stream().map(Buildpack::name).toList() + ")", "add a Dockerfile: Aptible builds every app"
          + " from one");
    }

    // Commands Aptible splits into argv when the image has an ENTRYPOINT.
    List<String> beforeDeploy = new ArrayList<>();
    release.ifPresent(beforeDeploy::add);
    recipe.ifPresent(r -> beforeDeploy.addAll(r.beforeDeploy));
    if (!entrypoint.equals(Optional.of(false))) {
      String source = entrypoint.isPresent() ? entrypointFrom : entrypointFrom + " (unknown: assumed to exist)";
      processes.replaceAll((name, command) -> argv(findings, "Procfile", procfileText.map(t -> Procfile.lineOf(t, name))
          .orElse(0), name + " process", command, source));
      beforeDeploy.replaceAll(command -> argv(findings, ".aptible.yml", 0, "before_deploy command", command, source));
    }
    boolean releaseMoved = AptibleYml.write(files, beforeDeploy, overwrite, changes, findings);
    if (!releaseMoved && release.isPresent()) {
      processes.put("release", release.get());
    }

    String newProcfile = procfileText.map(t -> Procfile.rewrite(t, processes)).orElse(null);
    if (procfileText.isPresent() && !newProcfile.equals(procfileText.get())) {
      changes.add(new RepoChange("Procfile", Action.UPDATE, procfileReason(procfileText.get(), processes,
          releaseMoved && procfileRelease != null), newProcfile));
    } else if (procfileText.isEmpty() && !processes.isEmpty()) {
      newProcfile = Procfile.render(processes);
      changes.add(new RepoChange("Procfile", Action.CREATE, "the app's process types " + processes.keySet()
          + " (without a Procfile Aptible runs one implicit service named cmd)", newProcfile));
    }
    if (method == DeployMethod.IMAGE) {
      Optional<String> yml = changes.stream().filter(c -> c.path().equals(".aptible.yml")).map(RepoChange::content)
          .findFirst().or(() -> files.read(".aptible.yml"));
      copy(files, ".aptible/Procfile", newProcfile, "an image deploy reads the Procfile from /.aptible/Procfile", changes);
      copy(files, ".aptible/.aptible.yml", yml.orElse(null), "an image deploy reads /.aptible/.aptible.yml", changes);
    }

    EnvScan.Result env = EnvScan.scan(files, app.configVars(), findings);
    List<String> oneOffs = Manifests.appJson(app);
    List<String> services = new ArrayList<>(processes.keySet());
    services.remove("release");
    List<String> before = releaseMoved ? beforeDeploy : files.read(".aptible.yml").map(Procfile::beforeDeploy)
        .orElse(List.of());
    return new RepoPlan(repo, app.language, chosenPort, services, before, changes, findings.list(), oneOffs, env.keep(),
        env.missing());
  }

  /** heroku.yml names a Dockerfile other than the root one Aptible builds: copy it there when that is exact. */
  private static void keepNamed(App app, String path, String text, Optional<String> root, List<RepoChange> changes) {
    if (path.contains("/")) {
      app.findings.error(Rule.HEROKU_MANIFEST, "heroku.yml", 0, "heroku.yml builds " + path + " with its directory as"
          + " the build context; Aptible builds the Dockerfile at the repository root with the root as context",
          "move it to the root and make its COPY paths relative to the root");
    } else if (root.isEmpty()) {
      changes.add(new RepoChange("Dockerfile", Action.CREATE, "heroku.yml builds the web image from " + path
          + "; Aptible builds the root Dockerfile, so it gets the same content", text));
    } else if (!root.get().equals(text)) {
      app.findings.error(Rule.HEROKU_MANIFEST, "Dockerfile", 0, "Heroku builds " + path + " (heroku.yml) but Aptible"
          + " builds Dockerfile, and they differ", "make Dockerfile the one heroku.yml builds");
    }
  }

  /** The command as Aptible runs it under an ENTRYPOINT: as written when it is plain argv, else through sh -c. */
  private static String argv(Findings findings, String file, int line, String what, String command, String entrypoint) {
    List<String> shell = ShellWords.shellOnly(command);
    if (shell.isEmpty()) {
      return command;
    }
    String wrapped = ShellWords.viaShell(command);
    findings.info(Rule.ENTRYPOINT_ARGV, file, line, "the " + what + " \"" + command + "\" needs a shell (" + String.join(
        ", ", shell) + "), but the image has " + entrypoint + ", so Aptible passes the words to it without one",
        "rewritten as " + wrapped);
    return wrapped;
  }

  private static String procfileReason(String old, Map<String, String> processes, boolean releaseMoved) {
    List<String> reasons = new ArrayList<>();
    if (releaseMoved) {
      reasons.add("release moved to .aptible.yml before_deploy (as a Procfile entry it would run as a permanent"
          + " service)");
    }
    Map<String, String> before = Procfile.parse(old);
    List<String> changed = processes.keySet().stream().filter(k -> before.containsKey(k)
        && !before.get(k).equals(processes.get(k))).toList();
    if (!changed.isEmpty()) {
      reasons.add(changed + " rewritten to run in the image (see the findings)");
    }
    return String.join("; ", reasons);
  }

  private static void copy(RepoFiles files, String path, String content, String reason, List<RepoChange> changes) {
    if (content == null) {
      return;
    }
    Optional<String> existing = files.read(path);
    if (existing.isEmpty()) {
      changes.add(new RepoChange(path, Action.CREATE, reason, content));
    } else if (!existing.get().equals(content)) {
      changes.add(new RepoChange(path, Action.UPDATE, reason + " (kept in step with the root file)", content));
    }
  }
}
