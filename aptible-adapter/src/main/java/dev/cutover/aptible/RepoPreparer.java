package dev.cutover.aptible;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.cutover.aptible.internal.Dockerfiles;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.Deploy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Heroku app's repository into one Aptible can deploy (guide steps 1 and 2).
 *
 * <pre>{@code
 * RepoPlan plan = RepoPreparer.forRepo(Path.of("."))
 *     .inventory(herokuInventory)             // buildpacks, stack, process types
 *     .deployMethod(RepoPreparer.DeployMethod.GIT)
 *     .plan();                                // computes, writes nothing
 * System.out.println(plan.render());
 * plan = RepoPreparer.forRepo(Path.of(".")).inventory(herokuInventory).apply();   // writes
 * }</pre>
 *
 * <ul>
 *   <li>A {@code Dockerfile} when there is none, from the language the buildpacks (else the files)
 *       show: Node.js as the guide's template (lockfile-aware install, {@code EXPOSE},
 *       {@code CMD} from the Procfile's {@code web}), Python, Ruby, Java (Maven, Gradle), Go, PHP.
 *       Each sets {@code ENV PORT} and exposes it: Heroku injected {@code PORT}, Aptible may not.
 *   <li>Heroku's {@code release:} process moves to {@code .aptible.yml} {@code before_deploy} and
 *       leaves the Procfile (there it would run as a permanent service named {@code release}).
 *   <li>The Procfile stays at the root for git deploys and is copied to {@code .aptible/Procfile}
 *       (with {@code .aptible.yml} to {@code .aptible/.aptible.yml}) for image deploys. Without a
 *       Procfile in the repository, one is written from Heroku's process types, so that services
 *       keep their Heroku names instead of Aptible's implicit {@code cmd}.
 * </ul>
 *
 * <p>A user's file is never replaced unless {@link #overwrite(boolean)} says so; the two edits the
 * release move needs (drop the {@code release:} line, add {@code before_deploy}) keep every other
 * line and are reported as {@code UPDATE}. {@link #plan()} touches nothing; {@link #apply()} writes
 * exactly what the plan lists. Not thread-safe while being configured; {@code plan}/{@code apply}
 * read the repository each time.
 */
public final class RepoPreparer {
  private static final Pattern FROM = Pattern.compile("(?im)^\\s*FROM\\s+\\S");
  private static final Pattern PROCFILE_LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.*)$");
  private static final Pattern PHP_HEROKU_SERVER = Pattern.compile("^(?:vendor/bin/)?heroku-php-(?:apache2|nginx)\\b(.*)$");

  /** The languages with a Dockerfile template. */
  public enum Language {
    /** Node.js (the guide's template), port 3000. */
    NODE(3000, "npm start"),
    /** Python (pip, pipenv or poetry), port 8000. */
    PYTHON(8000, "python app.py"),
    /** Ruby (bundler), port 3000. */
    RUBY(3000, "bundle exec rackup --host 0.0.0.0 --port $PORT"),
    /** Java built with Maven, port 8080. */
    JAVA_MAVEN(8080, "java -Dserver.port=$PORT -jar target/*.jar"),
    /** Java built with Gradle, port 8080. */
    JAVA_GRADLE(8080, "java -Dserver.port=$PORT -jar build/libs/*.jar"),
    /** Go (all main packages into bin/), port 8080. */
    GO(8080, ""),
    /** PHP on Apache with Composer, port 8080. */
    PHP(8080, "apache2-foreground"),
    /** No template: the user adds a Dockerfile. */
    UNKNOWN(8080, "");

    private final int defaultPort;
    private final String defaultWeb;

    Language(int defaultPort, String defaultWeb) {
      this.defaultPort = defaultPort;
      this.defaultWeb = defaultWeb;
    }

    /** The port the template exposes unless told otherwise. */
    public int defaultPort() {
      return defaultPort;
    }
  }

  /** How the app reaches Aptible, which decides where the Procfile and {@code .aptible.yml} go. */
  public enum DeployMethod {
    /** Git push: Aptible builds the root Dockerfile; Procfile and .aptible.yml at the root. */
    GIT,
    /** A prebuilt image: Procfile and .aptible.yml under {@code /.aptible/} in the image. */
    IMAGE;

    /** The method a {@link Deploy} uses. */
    public static DeployMethod of(Deploy deploy) {
      return deploy instanceof Deploy.DockerImage ? IMAGE : GIT;
    }
  }

  private final Path repo;
  private Optional<AppInventory> inventory = Optional.empty();
  private DeployMethod deployMethod = DeployMethod.GIT;
  private Optional<Integer> port = Optional.empty();
  private boolean overwrite;

  private RepoPreparer(Path repo) {
    this.repo = Objects.requireNonNull(repo, "repo");
  }

  /** A preparer for the repository (work tree) at {@code repo}. */
  public static RepoPreparer forRepo(Path repo) {
    return new RepoPreparer(repo);
  }

  /** The Heroku app's inventory: buildpacks, stack and process types (optional). */
  public RepoPreparer inventory(AppInventory inventory) {
    this.inventory = Optional.of(Objects.requireNonNull(inventory, "inventory"));
    return this;
  }

  /** Git (default) or image deploy. */
  public RepoPreparer deployMethod(DeployMethod method) {
    this.deployMethod = Objects.requireNonNull(method, "method");
    return this;
  }

  /** The port to expose and set as {@code PORT}; default the language's usual port (Node.js 3000). */
  public RepoPreparer port(int port) {
    this.port = Optional.of(port);
    return this;
  }

  /** Whether generated files replace existing ones (default false: existing files are kept). */
  public RepoPreparer overwrite(boolean overwrite) {
    this.overwrite = overwrite;
    return this;
  }

  /**
   * Computes the changes without writing anything.
   *
   * @throws ValidationException when the repository or the port is invalid
   * @throws MigrationException when a file cannot be read
   */
  public RepoPlan plan() {
    ValidationException.Collector problems = ValidationException.collector("prepare-repo");
    if (!Files.isDirectory(repo)) {
      problems.add("repo", repo, "is not a directory", "point at the app's repository");
    }
    port.filter(p -> p < 1 || p > 65535).ifPresent(p -> problems.add("port", p, "is not a TCP port", "e.g. 3000"));
    try {
      if (Files.isDirectory(repo)) {
        checkFiles(problems);
      }
      problems.throwIfAny();
      return compute();
    } catch (IOException e) {
      throw new MigrationException("prepare-repo", "prepare-repo: cannot read " + repo + ": " + e.getMessage(), false, e);
    }
  }

  /**
   * Computes the changes and writes them. Blocks on file I/O.
   *
   * @return the plan that was applied
   * @throws MigrationException when a file cannot be written
   */
  public RepoPlan apply() {
    RepoPlan plan = plan();
    for (RepoChange change : plan.writes()) {
      Path file = repo.resolve(change.path());
      try {
        Files.createDirectories(file.getParent());
        // Written beside it, then renamed: a process killed mid-write leaves the old file or the new
        // one, never a truncated Dockerfile that the resumed run would reject (SigkillResumeTest).
        Path partial = file.resolveSibling("." + file.getFileName() + ".cutover-partial");
        Files.writeString(partial, change.content());
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new MigrationException("prepare-repo", "prepare-repo: cannot write " + file + ": " + e.getMessage(),
            false, e);
      }
    }
    return plan;
  }

  private RepoPlan compute() throws IOException {
    List<RepoChange> changes = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    Optional<String> procfileText = read("Procfile");
    Map<String, String> processes = new LinkedHashMap<>();
    if (procfileText.isPresent()) {
      parseProcfile(procfileText.get(), processes);
    } else {
      inventory.ifPresent(inv -> processes.putAll(new java.util.TreeMap<>(inv.processTypes())));
    }
    String[] detection = detect();
    Language language = Language.valueOf(detection[0]);
    List<String> beforeDeploy = new ArrayList<>();
    String release = processes.remove("release");

    // Dockerfile
    Optional<String> dockerfile = read("Dockerfile");
    int exposed = port.orElse(language.defaultPort);
    String web = processes.getOrDefault("web", "");
    String phpDocRoot = "";
    if (language == Language.PHP) {
      Matcher m = PHP_HEROKU_SERVER.matcher(web);
      if (m.matches()) {
        phpDocRoot = m.group(1).trim().split("\\s+")[0];
        if (dockerfile.isEmpty() || overwrite) {
          processes.put("web", "apache2-foreground");
        } else {
          warnings.add("the Procfile's web command '" + web + "' runs Heroku's PHP server, which your Dockerfile"
              + " must provide");
        }
      }
    }
    if (dockerfile.isPresent() && !overwrite) {
      Optional<Integer> routed = Dockerfiles.routedPort(dockerfile.get());
      if (routed.isPresent()) {
        if (port.isPresent() && !port.get().equals(routed.get())) {
          throw new ValidationException("prepare-repo", List.of(new ValidationException.Problem("port",
              port.get().toString(), "the repository's Dockerfile EXPOSEs " + routed.get() + ", the port Aptible routes"
              + " HTTPS endpoints to (the lowest exposed port, compared as text)", "pass --port " + routed.get()
              + ", or make the Dockerfile EXPOSE " + port.get() + " only")));
        }
        exposed = routed.get();
      } else {
        warnings.add("the Dockerfile has no EXPOSE: Aptible routes HTTPS endpoints to the lowest exposed port,"
            + " so add 'EXPOSE " + exposed + "'");
      }
      if (deployMethod == DeployMethod.IMAGE && !dockerfile.get().contains("/.aptible")) {
        warnings.add("for an image deploy the image must contain /.aptible/Procfile and /.aptible/.aptible.yml:"
            + " add 'COPY .aptible/ /.aptible/' to the Dockerfile");
      }
      changes.add(new RepoChange("Dockerfile", RepoChange.Action.KEEP, "the repository has its own Dockerfile",
          dockerfile.get()));
    } else if (language == Language.UNKNOWN) {
      warnings.add("no Dockerfile and no known language (buildpacks " + inventory.map(AppInventory::buildpacks)
          .orElse(List.of()) + "): add a Dockerfile by hand; Aptible builds every app from one");
    } else {
      if (web.isEmpty()) {
        web = language == Language.GO ? "bin/" + Dockerfiles.goBinary(repo) : language.defaultWeb;
        warnings.add("no web process type: the Dockerfile's CMD runs '" + web + "'; check it starts the app on $PORT");
      }
      Dockerfiles.Generated generated = generate(language, exposed, processes.getOrDefault("web", web), phpDocRoot);
      warnings.addAll(generated.warnings());
      changes.add(new RepoChange("Dockerfile", dockerfile.isPresent() ? RepoChange.Action.UPDATE
          : RepoChange.Action.CREATE, (dockerfile.isPresent() ? "replaced as asked" : "Aptible builds from a Dockerfile"
          + " and the repository has none") + "; " + language + " template (detected from " + detection[1]
          + "), exposes " + exposed, generated.content()));
    }

    // .aptible.yml: the release phase
    Optional<String> yml = read(".aptible.yml");
    String ymlContent = yml.orElse(null);
    boolean releaseMoved = false;
    if (release != null) {
      List<String> existing = yml.map(RepoPreparer::beforeDeploy).orElse(List.of());
      if (existing.contains(release)) {
        releaseMoved = true;
        beforeDeploy.addAll(existing);
      } else if (yml.isEmpty() || existing.isEmpty()) {
        String block = "before_deploy:\n  - " + TextNode.valueOf(release) + "\n";
        ymlContent = yml.map(y -> y + (y.endsWith("\n") || y.isEmpty() ? "" : "\n") + block).orElse(block);
        changes.add(new RepoChange(".aptible.yml", yml.isPresent() ? RepoChange.Action.UPDATE : RepoChange.Action.CREATE,
            "Heroku's release phase ('" + release + "') runs as before_deploy on Aptible", ymlContent));
        releaseMoved = true;
        beforeDeploy.add(release);
      } else if (overwrite) {
        ymlContent = replaceBeforeDeploy(yml.get(), release);
        changes.add(new RepoChange(".aptible.yml", RepoChange.Action.UPDATE,
            "before_deploy replaced by Heroku's release phase ('" + release + "') as asked", ymlContent));
        releaseMoved = true;
        beforeDeploy.add(release);
      } else {
        warnings.add(".aptible.yml already has before_deploy " + existing + " without Heroku's release command '"
            + release + "': merge them by hand; the release line stays in the Procfile until then (it would run as a"
            + " service named release)");
        beforeDeploy.addAll(existing);
        processes.put("release", release);
      }
    } else {
      yml.map(RepoPreparer::beforeDeploy).ifPresent(beforeDeploy::addAll);
    }

    // Procfile
    String newProcfile = procfileText.map(text -> rewriteProcfile(text, processes)).orElse(null);
    if (procfileText.isPresent() && !newProcfile.equals(procfileText.get())) {
      changes.add(new RepoChange("Procfile", RepoChange.Action.UPDATE, (releaseMoved ? "release moved to"
          + " .aptible.yml before_deploy (as a Procfile entry it would run as a permanent service)" : "")
          + (processes.containsKey("web") && !processes.get("web").equals(parseWeb(procfileText.get()))
          ? (releaseMoved ? "; " : "") + "web runs the image's server instead of Heroku's" : ""), newProcfile));
    } else if (procfileText.isEmpty() && !processes.isEmpty()) {
      newProcfile = render(processes);
      changes.add(new RepoChange("Procfile", RepoChange.Action.CREATE, "Heroku's process types " + processes.keySet()
          + " (without a Procfile Aptible runs one implicit service named cmd)", newProcfile));
    }
    if (deployMethod == DeployMethod.IMAGE) {
      if (newProcfile != null) {
        copy(".aptible/Procfile", newProcfile, "an image deploy reads the Procfile from /.aptible/Procfile", changes,
            warnings);
      }
      if (ymlContent != null) {
        copy(".aptible/.aptible.yml", ymlContent, "an image deploy reads /.aptible/.aptible.yml", changes, warnings);
      }
    }
    List<String> services = new ArrayList<>(processes.keySet());
    services.remove("release");
    return new RepoPlan(repo, language, exposed, services, beforeDeploy, changes, warnings);
  }

  private void copy(String path, String content, String reason, List<RepoChange> changes, List<String> warnings)
      throws IOException {
    Optional<String> existing = read(path);
    if (existing.isEmpty()) {
      changes.add(new RepoChange(path, RepoChange.Action.CREATE, reason, content));
    } else if (!existing.get().equals(content)) {
      if (overwrite) {
        changes.add(new RepoChange(path, RepoChange.Action.UPDATE, reason + " (replaced as asked)", content));
      } else {
        changes.add(new RepoChange(path, RepoChange.Action.KEEP, "exists and differs from the root file; kept",
            existing.get()));
        warnings.add(path + " differs from what the root files say: update it by hand or prepare with overwrite");
      }
    }
  }

  private Dockerfiles.Generated generate(Language language, int exposed, String web, String phpDocRoot) {
    boolean image = deployMethod == DeployMethod.IMAGE;
    return switch (language) {
      case NODE -> Dockerfiles.node(repo, exposed, web, image);
      case PYTHON -> Dockerfiles.python(repo, exposed, web, image);
      case RUBY -> Dockerfiles.ruby(repo, exposed, web, image);
      case JAVA_MAVEN -> Dockerfiles.maven(repo, exposed, web, image);
      case JAVA_GRADLE -> Dockerfiles.gradle(repo, exposed, web, image);
      case GO -> Dockerfiles.go(repo, exposed, web, image);
      case PHP -> Dockerfiles.php(repo, exposed, phpDocRoot, image);
      case UNKNOWN -> throw new IllegalStateException("no template for " + language);
    };
  }

  /** {language, what it was detected from}: the last recognised buildpack, else the files. */
  private String[] detect() {
    List<String> buildpacks = inventory.map(AppInventory::buildpacks).orElse(List.of());
    for (int i = buildpacks.size() - 1; i >= 0; i--) {
      String b = buildpacks.get(i).toLowerCase(Locale.ROOT);
      Language l = b.contains("nodejs") || b.endsWith("/node") ? Language.NODE
          : b.contains("python") ? Language.PYTHON
          : b.contains("ruby") ? Language.RUBY
          : b.contains("gradle") ? Language.JAVA_GRADLE
          : b.contains("java") ? (exists("pom.xml") || !exists("build.gradle") && !exists("build.gradle.kts")
              ? Language.JAVA_MAVEN : Language.JAVA_GRADLE)
          : b.endsWith("/go") || b.contains("buildpack-go") ? Language.GO
          : b.contains("php") ? Language.PHP : null;
      if (l != null) {
        return new String[] {l.name(), "buildpack " + buildpacks.get(i)};
      }
    }
    String[][] byFile = {{"package.json", "NODE"}, {"requirements.txt", "PYTHON"}, {"Pipfile", "PYTHON"},
        {"pyproject.toml", "PYTHON"}, {"Gemfile", "RUBY"}, {"pom.xml", "JAVA_MAVEN"}, {"build.gradle", "JAVA_GRADLE"},
        {"build.gradle.kts", "JAVA_GRADLE"}, {"go.mod", "GO"}, {"composer.json", "PHP"}, {"index.php", "PHP"}};
    for (String[] f : byFile) {
      if (exists(f[0])) {
        return new String[] {f[1], f[0]};
      }
    }
    return new String[] {Language.UNKNOWN.name(), "nothing"};
  }

  private boolean exists(String file) {
    return Files.exists(repo.resolve(file));
  }

  private Optional<String> read(String file) throws IOException {
    Path p = repo.resolve(file);
    return Files.isRegularFile(p) ? Optional.of(Files.readString(p)) : Optional.empty();
  }

  /** A Procfile line that is neither blank, a comment, nor {@code name: command}; a Dockerfile with no {@code FROM}. */
  private void checkFiles(ValidationException.Collector problems) throws IOException {
    Optional<String> procfile = read("Procfile");
    if (procfile.isPresent()) {
      String[] lines = procfile.get().split("\n");
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (!line.isEmpty() && !line.startsWith("#") && !PROCFILE_LINE.matcher(line).matches()) {
          problems.add("Procfile", "line " + (i + 1) + ": " + line, "is not a process entry",
              "write each entry as `name: command` (e.g. `web: npm start`), or comment it out with #");
        }
      }
    }
    Optional<String> dockerfile = read("Dockerfile");
    if (dockerfile.isPresent() && !FROM.matcher(dockerfile.get()).find()) {
      problems.add("Dockerfile", repo.resolve("Dockerfile").toString(), "has no FROM instruction, so Aptible cannot build it",
          "start it with a base image, e.g. `FROM node:20-slim`, or delete it to have one written");
    }
  }

  private static void parseProcfile(String text, Map<String, String> into) {
    for (String line : text.split("\n")) {
      Matcher m = PROCFILE_LINE.matcher(line.strip());
      if (m.matches() && !line.strip().startsWith("#")) {
        into.put(m.group(1), m.group(2).strip());
      }
    }
  }

  private static String parseWeb(String text) {
    Map<String, String> p = new LinkedHashMap<>();
    parseProcfile(text, p);
    return p.get("web");
  }

  /** The Procfile with every other line kept: entries no longer in {@code processes} dropped, changed ones rewritten. */
  private static String rewriteProcfile(String text, Map<String, String> processes) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m = PROCFILE_LINE.matcher(line.strip());
      if (m.matches() && !line.strip().startsWith("#")) {
        String command = processes.get(m.group(1));
        if (command == null) {
          continue;
        }
        line = command.equals(m.group(2).strip()) ? line : m.group(1) + ": " + command;
      }
      out.append(line);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  private static String render(Map<String, String> processes) {
    StringBuilder sb = new StringBuilder();
    processes.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }

  /** The {@code before_deploy} (or {@code before_release}) commands of a {@code .aptible.yml}. */
  static List<String> beforeDeploy(String yaml) {
    List<String> commands = new ArrayList<>();
    boolean inList = false;
    for (String line : yaml.split("\n")) {
      if (line.matches("(before_deploy|before_release):\\s*")) {
        inList = true;
      } else if (inList && line.matches("\\s+-\\s+.*")) {
        commands.add(unquote(line.strip().substring(1).strip()));
      } else if (!line.isBlank()) {
        inList = false;
      }
    }
    return commands;
  }

  private static String unquote(String item) {
    if (item.length() >= 2 && item.startsWith("\"") && item.endsWith("\"")) {
      return item.substring(1, item.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if (item.length() >= 2 && item.startsWith("'") && item.endsWith("'")) {
      return item.substring(1, item.length() - 1).replace("''", "'");
    }
    return item;
  }

  private static String replaceBeforeDeploy(String yaml, String release) {
    StringBuilder out = new StringBuilder();
    boolean inList = false;
    for (String line : yaml.split("\n", -1)) {
      if (line.matches("(before_deploy|before_release):\\s*")) {
        inList = true;
        out.append("before_deploy:\n  - ").append(TextNode.valueOf(release)).append('\n');
        continue;
      }
      if (inList && (line.matches("\\s+-\\s+.*") || line.isBlank())) {
        continue;
      }
      inList = false;
      out.append(line).append('\n');
    }
    return out.toString().replaceAll("\n+$", "\n");
  }

  @Override
  public String toString() {
    return "RepoPreparer[" + repo + ", " + deployMethod + (overwrite ? ", overwrite" : "") + "]";
  }
}
