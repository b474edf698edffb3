package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.internal.repo.Dockerfile.Instruction;
import dev.cutover.aptible.internal.repo.Dockerfile.Stage;
import dev.cutover.aptible.internal.repo.Semver.Version;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The deployability rules for a Dockerfile, generated or kept, read statically (no image is built):
 * no {@code .aptible.env} in any layer of the final image, built from this commit, pinned base
 * images matching the app's runtime versions, {@code EXPOSE}/{@code PORT}/the web command agreeing
 * on the port and an address other than loopback, the build steps Heroku ran, frozen installs from
 * the lockfile, no development dependencies. Also says whether the final image has an ENTRYPOINT,
 * for the argv rule of Procfile and {@code before_deploy} commands. Not API.
 */
final class Checker {
  /** Official images whose ENTRYPOINT execs its arguments (true) or that have none (false). */
  private static final Map<String, Boolean> ENTRYPOINTS = Map.ofEntries(Map.entry("node", true),
      Map.entry("php", true), Map.entry("eclipse-temurin", true), Map.entry("maven", true), Map.entry("python", false),
      Map.entry("ruby", false), Map.entry("golang", false), Map.entry("debian", false), Map.entry("ubuntu", false),
      Map.entry("alpine", false), Map.entry("heroku", false), Map.entry("clojure", false), Map.entry("busybox", false),
      Map.entry("scratch", false));
  private static final Map<String, String> RUNTIME_IMAGES = Map.of("node", "node", "python", "python", "ruby", "ruby",
      "golang", "go", "php", "php", "eclipse-temurin", "java", "maven", "java");
  private static final Pattern PINNED = Pattern.compile("@sha256:|:[^:/]*(\\d+\\.\\d+\\.\\d+|\\d+u\\d+|\\d+_\\d+|"
      + "[a-z]+-\\d{8}|\\d{8})[^:/]*$");
  private static final Pattern FIXED_PORT = Pattern.compile("(?:-p|--port|-Dhttp\\.port|-Dserver\\.port|--listen|"
      + "--bind|-b|http-socket)[ =]+(?:[\\w.\\[\\]]*:)?(\\d{2,5})\\b");
  private static final Pattern LOOPBACK = Pattern.compile("(?:^|[\\s=:/\\[])(127\\.0\\.0\\.1|localhost|::1)(?::\\d+)?\\b");

  /** The final image's ENTRYPOINT: whether it has one (empty: unknown base image) and where it comes from. */
  record Entrypoint(Optional<Boolean> present, String from) {}

  private final Dockerfile df;
  private final String file;
  private final Findings findings;

  Checker(Dockerfile df, String file, Findings findings) {
    this.df = df;
    this.file = file;
    this.findings = findings;
  }

  /** Checks the image-level rules against the plan's port and the recipe's expectations (when known). */
  void check(int port, Optional<Recipe> recipe, String web) {
    secrets();
    builtFromSource();
    images(recipe);
    ports(port, web);
    recipe.ifPresent(r -> steps(r));
    installs();
  }

  /** The lowest port the final image EXPOSEs (what an Aptible endpoint picks: the lexicographically lowest). */
  Optional<Integer> exposed() {
    TreeSet<String> ports = exposedPorts();
    return ports.isEmpty() ? Optional.empty() : Optional.of(Integer.parseInt(ports.first()));
  }

  private TreeSet<String> exposedPorts() {
    TreeSet<String> ports = new TreeSet<>();
    for (Stage s : df.chain(df.last())) {
      for (Instruction in : s.all("EXPOSE")) {
        for (String p : in.args().trim().split("\\s+")) {
          String n = p.replaceFirst("/(tcp|udp)$", "");
          if (n.matches("\\d+")) {
            ports.add(n);
          }
        }
      }
    }
    return ports;
  }

  // --- .aptible.env in the final image --------------------------------------------------------

  /** Whether an instruction copies the whole build context (or .aptible.env by name). */
  private static boolean copiesContext(Instruction in) {
    if (!(in.keyword().equals("COPY") || in.keyword().equals("ADD")) || in.flag("from").isPresent()) {
      return false;
    }
    List<String> ops = in.operands();
    for (String src : ops.subList(0, Math.max(0, ops.size() - 1))) {
      if (src.matches("\\./?|\\*|\\.\\*|\\./\\*|\\.aptible\\.env|\\./\\.aptible\\.env|\\.\\[.*")) {
        return true;
      }
    }
    return false;
  }

  private static boolean copiesAnyContext(Instruction in) {
    return (in.keyword().equals("COPY") || in.keyword().equals("ADD")) && in.flag("from").isEmpty();
  }

  private static boolean deletesEnv(Instruction in) {
    return in.keyword().equals("RUN") && in.args().contains(".aptible.env") && in.args().matches("(?s).*\\brm\\b.*");
  }

  /**
   * Whether a stage's filesystem holds .aptible.env (where the context landed, absolute), whether any
   * of its layers does, and the line and words that say how it got there.
   */
  private record Taint(boolean inFilesystem, boolean inLayers, int line, String dir, String how) {
    static final Taint CLEAN = new Taint(false, false, 0, "/", "");
  }

  /** The WORKDIR a stage ends with (inherited from the stage it is built on). */
  private String workdir(Stage stage) {
    Optional<Stage> parent = df.stage(stage.from()).filter(p -> p.index() < stage.index());
    String dir = parent.map(this::workdir).orElse("/");
    for (Instruction in : stage.all("WORKDIR")) {
      dir = resolve(in.args().trim(), dir);
    }
    return dir;
  }

  private Taint taint(Stage stage, Map<Integer, Taint> memo) {
    if (memo.containsKey(stage.index())) {
      return memo.get(stage.index());
    }
    memo.put(stage.index(), Taint.CLEAN);
    Optional<Stage> parent = df.stage(stage.from()).filter(p -> p.index() < stage.index());
    Taint t = Taint.CLEAN;
    if (parent.isPresent() && taint(parent.get(), memo).inLayers()) {
      Taint p = taint(parent.get(), memo);
      t = new Taint(p.inFilesystem(), true, stage.fromLine(), p.dir(), "is built FROM the stage " + stage.from()
          + ", which copied the whole repository at line " + p.line() + " (a RUN rm in a later layer does not take"
          + " .aptible.env out of the lower one)");
    }
    String workdir = parent.map(this::workdir).orElse("/");
    for (Instruction in : stage.instructions()) {
      switch (in.keyword()) {
        case "WORKDIR" -> workdir = resolve(in.args().trim(), workdir);
        case "RUN" -> {
          if (deletesEnv(in) && t.inFilesystem()) {
            t = new Taint(false, t.inLayers(), t.line(), t.dir(), t.how());
          }
        }
        case "COPY", "ADD" -> {
          List<String> ops = in.operands();
          String dest = resolve(ops.isEmpty() ? "." : ops.get(ops.size() - 1), workdir);
          if (copiesContext(in)) {
            t = t.inLayers() ? new Taint(true, true, t.line(), dest, t.how())
                : new Taint(true, true, in.line(), dest, "copies the whole repository into the image");
          } else if (in.flag("from").isPresent()) {
            Optional<Stage> src = df.stage(in.flag("from").get()).filter(x -> x.index() < stage.index());
            if (src.isPresent()) {
              Taint from = taint(src.get(), memo);
              boolean covers = from.inFilesystem() && ops.subList(0, Math.max(0, ops.size() - 1)).stream()
                  .map(o -> resolve(o.replaceFirst("\\*.*$", ""), "/")).anyMatch(o -> ancestor(o, from.dir()));
              if (covers && !t.inLayers()) {
                t = new Taint(true, true, in.line(), dest, "copies " + from.dir() + " from the stage "
                    + in.flag("from").get() + ", which copied the whole repository (line " + from.line()
                    + ") and never deleted .aptible.env");
              }
            }
          }
        }
        default -> { }
      }
    }
    memo.put(stage.index(), t);
    return t;
  }

  private static String resolve(String path, String workdir) {
    String p = path.startsWith("/") ? path : (workdir.endsWith("/") ? workdir : workdir + "/") + path;
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.equals("..") && !parts.isEmpty()) {
        parts.remove(parts.size() - 1);
      } else if (!s.isEmpty() && !s.equals(".")) {
        parts.add(s);
      }
    }
    return "/" + String.join("/", parts);
  }

  private static boolean ancestor(String maybeParent, String dir) {
    return maybeParent.equals("/") || dir.equals(maybeParent) || dir.startsWith(maybeParent + "/");
  }

  private void secrets() {
    Taint t = taint(df.last(), new java.util.HashMap<>());
    if (t.inLayers()) {
      findings.error(Rule.SECRETS_IN_IMAGE, file, t.line(), "the final image " + t.how() + ", so .aptible.env (every"
          + " config var, secrets included, which Aptible writes into the repository before the build) lands in an"
          + " image layer; Aptible ignores .dockerignore",
          "copy the repository in a build stage, RUN rm -f .aptible.env there, and in the final stage COPY --from"
          + " that stage (or COPY named paths only, never the whole context)");
    }
  }

  // --- built from this commit -----------------------------------------------------------------

  private void builtFromSource() {
    Set<Integer> feeding = feeding();
    boolean fromContext = df.stages().stream().filter(s -> feeding.contains(s.index()))
        .anyMatch(s -> s.instructions().stream().anyMatch(Checker::copiesAnyContext));
    if (!fromContext) {
      List<String> bases = df.stages().stream().filter(s -> feeding.contains(s.index()) && df.stage(s.from()).isEmpty())
          .map(Stage::from).distinct().toList();
      findings.error(Rule.BUILT_FROM_SOURCE, file, df.last().fromLine(), "the final image copies nothing from the"
          + " repository: it is " + bases + " as published, not this commit's code",
          "build the application from the repository in the Dockerfile (COPY the sources and run the build), or let"
          + " Cutover write one (overwrite)");
    }
  }

  /** The stages whose content reaches the final image: its FROM chain and every stage copied from, transitively. */
  private Set<Integer> feeding() {
    Set<Integer> seen = new HashSet<>();
    List<Stage> todo = new ArrayList<>(List.of(df.last()));
    while (!todo.isEmpty()) {
      Stage s = todo.remove(todo.size() - 1);
      if (!seen.add(s.index())) {
        continue;
      }
      df.stage(s.from()).filter(p -> p.index() < s.index()).ifPresent(todo::add);
      for (Instruction in : s.all("COPY")) {
        in.flag("from").flatMap(df::stage).filter(p -> p.index() < s.index()).ifPresent(todo::add);
      }
    }
    return seen;
  }

  // --- base images ----------------------------------------------------------------------------

  private void images(Optional<Recipe> recipe) {
    for (Stage s : df.stages()) {
      if (df.stage(s.from()).filter(p -> p.index() < s.index()).isEmpty()) {
        image(s.from(), s.fromLine(), recipe);
      }
      for (Instruction in : s.all("COPY")) {
        in.flag("from").filter(f -> f.contains(":") || f.contains("/")).filter(f -> df.stage(f).isEmpty())
            .ifPresent(ref -> image(ref, in.line(), recipe));
      }
    }
  }

  private void image(String ref, int line, Optional<Recipe> recipe) {
    if (ref.equals("scratch")) {
      return;
    }
    String repoName = repository(ref);
    String tag = ref.contains("@") ? "" : ref.substring(ref.lastIndexOf('/') + 1).contains(":")
        ? ref.substring(ref.lastIndexOf(':') + 1) : "latest";
    Optional<Recipe.Runtime> runtime = recipe.flatMap(r -> r.runtimes.stream()
        .filter(rt -> rt.name().equals(RUNTIME_IMAGES.get(repoName))).findFirst());
    if (ref.contains("$")) {
      findings.warn(Rule.PINNED_IMAGE, file, line, "the image " + ref + " comes from a build argument with no default,"
          + " and Aptible passes no build arguments", "give the ARG a default naming a released version");
    } else if (!PINNED.matcher(ref).find()) {
      findings.warn(Rule.PINNED_IMAGE, file, line, "the image " + ref + " is a floating tag (" + tag + "): every"
          + " build may get a different release", runtime.map(rt -> "pin it to the release the app asks for: "
          + repoName + ":" + rt.version() + suffix(tag)).orElse("pin it to a release tag or a digest (@sha256:...)"));
    }
    if (runtime.isPresent() && !ref.contains("@")) {
      Optional<Version> have = Version.find(tag.replaceFirst("^temurin-", ""));
      Version want = Version.find(runtime.get().version()).orElseThrow();
      int given = tag.replaceFirst("[^0-9.].*$", "").split("\\.").length;
      if (have.isPresent() && (have.get().major() != want.major() || given > 1 && have.get().minor() != want.minor()
          || given > 2 && have.get().patch() != want.patch())) {
        boolean close = have.get().major() == want.major() && have.get().minor() == want.minor();
        findings.add(close ? dev.cutover.aptible.RepoFinding.Severity.WARNING
            : dev.cutover.aptible.RepoFinding.Severity.ERROR, Rule.RUNTIME_VERSION, file, line, "the image " + ref
            + " runs " + runtime.get().name() + " " + tag.replaceFirst("-.*$", "") + ", but the app asks for "
            + runtime.get().version() + " (" + runtime.get().source() + ")", "use " + repoName + ":"
            + runtime.get().version() + suffix(tag));
      }
    }
  }

  private static String suffix(String tag) {
    Matcher m = Pattern.compile("^[0-9._u+b-]*?(-[a-z].*)$").matcher(tag);
    return m.matches() ? m.group(1) : "";
  }

  private static String repository(String ref) {
    String noTag = ref.replaceFirst("@.*$", "");
    int slash = noTag.lastIndexOf('/');
    String last = noTag.substring(slash + 1);
    return last.contains(":") ? last.substring(0, last.indexOf(':')) : last;
  }

  /** Where the final image's ENTRYPOINT comes from; Aptible passes Procfile commands to it as argv when it has one. */
  Entrypoint entrypoint() {
    List<Stage> chain = df.chain(df.last());
    for (int i = chain.size() - 1; i >= 0; i--) {
      Optional<Instruction> ep = chain.get(i).last("ENTRYPOINT");
      if (ep.isPresent()) {
        boolean empty = ep.get().args().trim().matches("\\[\\s*]");
        return new Entrypoint(Optional.of(!empty), "ENTRYPOINT " + ep.get().args().trim() + " (" + file + ":"
            + ep.get().line() + ")");
      }
    }
    String base = chain.get(0).from();
    Boolean known = ENTRYPOINTS.get(repository(base));
    return new Entrypoint(Optional.ofNullable(known), "the ENTRYPOINT of the base image " + base);
  }

  /** Warns when the ENTRYPOINT is a script of the repository that does not run its arguments. */
  void entrypointRunsArguments(RepoFiles files) {
    List<Stage> chain = df.chain(df.last());
    for (int i = chain.size() - 1; i >= 0; i--) {
      Optional<Instruction> ep = chain.get(i).last("ENTRYPOINT");
      if (ep.isEmpty()) {
        continue;
      }
      List<String> words = ep.get().execForm();
      if (!ep.get().isExecForm()) {
        findings.error(Rule.ENTRYPOINT_ARGV, file, ep.get().line(), "the ENTRYPOINT is in shell form, which ignores"
            + " the arguments Aptible passes (every Procfile process would run the ENTRYPOINT alone)",
            "write it in exec form: ENTRYPOINT [\"" + ep.get().args().trim().split("\\s+")[0] + "\"] ending with exec \"$@\"");
        return;
      }
      if (words.isEmpty()) {
        return;
      }
      String script = words.get(0).replaceFirst("^/[^/]+/", "");
      for (String candidate : List.of(words.get(0).replaceFirst("^/", ""), script, script.replaceFirst("^[^/]+/", ""))) {
        Optional<String> text = files.read(candidate);
        if (text.isPresent()) {
          if (!text.get().matches("(?s).*exec\\s+\"\\$(\\{@}|@)\".*")) {
            findings.warn(Rule.ENTRYPOINT_ARGV, candidate, 0, "the ENTRYPOINT script does not end with exec \"$@\", so"
                + " the commands Aptible passes it (Procfile, before_deploy) may never run", "end it with exec \"$@\"");
          }
          return;
        }
      }
      return;
    }
  }

  // --- ports and addresses --------------------------------------------------------------------

  private void ports(int port, String web) {
    Stage last = df.last();
    TreeSet<String> ports = exposedPorts();
    if (ports.isEmpty()) {
      findings.error(Rule.PORT, file, last.fromLine(), "the final image EXPOSEs no port, so Aptible has nowhere to send"
          + " the endpoint's traffic", "add EXPOSE " + port + " (and ENV PORT=" + port + ")");
    } else {
      String chosen = ports.first();
      if (ports.size() > 1) {
        findings.info(Rule.PORT, file, lastLine("EXPOSE"), "the image exposes " + ports + "; an Aptible endpoint sends"
            + " traffic to the lexicographically lowest, " + chosen, "check the web process listens on " + chosen);
      }
      if (Integer.parseInt(chosen) != port) {
        findings.error(Rule.PORT, file, lastLine("EXPOSE"), "the image exposes " + chosen + " but the plan sets PORT to "
            + port, "EXPOSE " + port + ", or plan with port " + chosen);
      }
      df.env(last, "PORT").filter(p -> !p.equals(chosen) && !p.contains("$")).ifPresent(p -> findings.error(Rule.PORT,
          file, lastLine("ENV"), "ENV PORT=" + p + " but the image exposes " + chosen, "set ENV PORT=" + chosen));
    }
    if (web.isBlank()) {
      return;
    }
    Matcher fixed = FIXED_PORT.matcher(web);
    if (fixed.find() && !fixed.group(1).equals(String.valueOf(port))) {
      findings.error(Rule.PORT, file, 0, "the web command binds port " + fixed.group(1) + " but the image exposes "
          + port, "bind $PORT instead: " + web.replace(fixed.group(1), "$PORT"));
    }
    listenAddress(web, file, findings);
  }

  /** The web command must listen on every interface: an Aptible endpoint reaches the container over the network. */
  static void listenAddress(String web, String where, Findings findings) {
    Matcher loop = LOOPBACK.matcher(web);
    String problem = null;
    if (loop.find()) {
      problem = "the web command binds " + loop.group(1) + ", which the endpoint cannot reach";
    } else if (web.matches("(?s).*\\bflask\\s+run\\b.*") && !web.matches("(?s).*(--host[ =]|-h\\s).*")) {
      problem = "flask run listens on 127.0.0.1 unless given --host";
    } else if (web.matches("(?s).*manage\\.py\\s+runserver\\b.*") && !web.matches("(?s).*runserver\\s+\\S*0\\.0\\.0\\.0.*")) {
      problem = "manage.py runserver listens on 127.0.0.1 unless given 0.0.0.0:$PORT (and it is a development server)";
    } else if (web.matches("(?s).*\\bvite\\b.*") && !web.contains("--host")) {
      problem = "vite listens on localhost unless given --host";
    }
    if (problem != null) {
      findings.error(Rule.LISTEN_ADDRESS, where, 0, problem, "listen on 0.0.0.0 (all interfaces) and $PORT, e.g."
          + " gunicorn --bind 0.0.0.0:$PORT");
    }
  }

  private int lastLine(String keyword) {
    return df.chain(df.last()).stream().flatMap(s -> s.all(keyword).stream()).mapToInt(Instruction::line).max()
        .orElse(df.last().fromLine());
  }

  // --- what the build runs --------------------------------------------------------------------

  private List<Instruction> feedingRuns() {
    Set<Integer> feeding = feeding();
    return df.stages().stream().filter(s -> feeding.contains(s.index())).flatMap(s -> s.all("RUN").stream()).toList();
  }

  private void steps(Recipe r) {
    String runs = String.join("\n", feedingRuns().stream().map(Instruction::args).toList());
    if (runs.matches("(?s).*/bin/compile\\b.*")) {
      return; // the Dockerfile runs a Heroku buildpack itself, so the build steps are the buildpack's
    }
    r.expectedSteps.forEach((step, words) -> {
      if (words.stream().noneMatch(runs::contains)) {
        findings.warn(Rule.BUILD_STEPS, file, 0, "Heroku's buildpack ran " + step + "; the Dockerfile does not",
            "add it to the build (" + words.get(0) + ")");
      }
    });
  }

  private void installs() {
    Set<String> env = new LinkedHashSet<>();
    for (Stage s : df.stages()) {
      s.all("ENV").forEach(in -> env.add(in.args()));
    }
    String envs = String.join(" ", env);
    for (Instruction in : feedingRuns()) {
      String run = in.args().toLowerCase(Locale.ROOT);
      if (run.matches("(?s).*\\bnpm (install|i)\\b(?!\\s+-g).*") && !run.contains("npm ci")) {
        findings.warn(Rule.LOCKFILE, file, in.line(), "npm install resolves versions anew instead of installing"
            + " package-lock.json", "use npm ci");
      }
      if (run.matches("(?s).*\\byarn( install)?(\\s|$).*") && run.contains("yarn") && run.matches("(?s).*\\byarn install\\b.*")
          && !run.contains("--frozen-lockfile") && !run.contains("--immutable")) {
        findings.warn(Rule.LOCKFILE, file, in.line(), "yarn install without --frozen-lockfile (Yarn 1) or --immutable"
            + " (Yarn 2+) may change yarn.lock", "add --frozen-lockfile or --immutable");
      }
      if (run.contains("bundle install") && !run.contains("--deployment") && !run.contains("--frozen")
          && !envs.contains("BUNDLE_DEPLOYMENT") && !envs.contains("BUNDLE_FROZEN")) {
        findings.warn(Rule.LOCKFILE, file, in.line(), "bundle install is not frozen, so it may resolve gems other than"
            + " Gemfile.lock's", "set ENV BUNDLE_DEPLOYMENT=1 (as Heroku did)");
      }
      if (run.contains("bundle install") && !envs.contains("BUNDLE_WITHOUT") && !run.contains("--without")) {
        findings.warn(Rule.DEV_DEPENDENCIES, file, in.line(), "bundle install includes the development and test"
            + " groups", "set ENV BUNDLE_WITHOUT=development:test");
      }
      if (run.matches("(?s).*pipenv install\\b.*") && !run.contains("--deploy")) {
        findings.warn(Rule.LOCKFILE, file, in.line(), "pipenv install without --deploy does not fail on an outdated"
            + " Pipfile.lock", "add --deploy");
      }
      if (run.contains("pipenv install") && run.contains("--dev")) {
        findings.warn(Rule.DEV_DEPENDENCIES, file, in.line(), "pipenv install --dev installs development packages",
            "drop --dev");
      }
      if (run.matches("(?s).*poetry (install|sync)\\b.*") && !run.matches("(?s).*(--only[ =]main|--without|--no-dev).*")) {
        findings.warn(Rule.DEV_DEPENDENCIES, file, in.line(), "poetry installs every dependency group, development"
            + " included", "add --only main");
      }
      if (run.matches("(?s).*-r\\s+\\S*(dev|test)\\S*\\.txt.*")) {
        findings.warn(Rule.DEV_DEPENDENCIES, file, in.line(), "a development requirements file is installed",
            "install the production requirements only");
      }
      if (run.contains("composer install") && !run.contains("--no-dev")) {
        findings.warn(Rule.DEV_DEPENDENCIES, file, in.line(), "composer install includes require-dev", "add --no-dev");
      }
    }
  }
}
