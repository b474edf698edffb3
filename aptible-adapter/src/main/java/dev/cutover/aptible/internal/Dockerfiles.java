package dev.cutover.aptible.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dockerfile templates for apps that Heroku built with a buildpack. Node.js follows Aptible's
 * migration guide; the others follow each language's official image conventions. Not API.
 */
public final class Dockerfiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SHELL_SYNTAX = Pattern.compile("[$&|;<>`()*?~'\"\\\\{}\\[\\]!#=]");
  private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)(\\.(\\d+))?");

  private Dockerfiles() {}

  /** A generated Dockerfile and the notes that go with it. */
  public record Generated(String content, List<String> warnings) {}

  /** {@code CMD} in the guide's exec form ({@code CMD [ "npm", "start" ]}), through {@code sh -c} when it needs a shell. */
  public static String cmd(String command) {
    List<String> words;
    if (SHELL_SYNTAX.matcher(command).find()) {
      words = List.of("sh", "-c", command.startsWith("exec ") ? command : "exec " + command);
    } else {
      words = List.of(command.trim().split("\\s+"));
    }
    StringBuilder sb = new StringBuilder("CMD [");
    for (int i = 0; i < words.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(TextNode.valueOf(words.get(i)).toString());
    }
    return sb.append(" ]").toString();
  }

  private static String read(Path repo, String file) {
    try {
      return Files.isRegularFile(repo.resolve(file)) ? Files.readString(repo.resolve(file)) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean has(Path repo, String file) {
    return Files.exists(repo.resolve(file));
  }

  private static Optional<String> majorMinor(String text) {
    Matcher m = MAJOR_MINOR.matcher(text);
    return m.find() ? Optional.of(m.group(1) + (m.group(3) == null ? "" : "." + m.group(3))) : Optional.empty();
  }

  /**
   * The port an Aptible HTTPS endpoint routes to for {@code dockerfile}: of every {@code EXPOSE}d
   * port, the lexicographically lowest ({@code EXPOSE 80 443} routes to 443); empty without EXPOSE.
   */
  public static Optional<Integer> routedPort(String dockerfile) {
    Matcher line = Pattern.compile("(?im)^\\s*EXPOSE\\s+([^\\n]+)").matcher(dockerfile);
    List<String> ports = new ArrayList<>();
    while (line.find()) {
      Matcher number = Pattern.compile("(?<![\\w$])(\\d+)(?:/(?:tcp|udp))?(?!\\w)").matcher(line.group(1));
      while (number.find()) {
        ports.add(number.group(1));
      }
    }
    return ports.stream().sorted().findFirst().map(Integer::valueOf);
  }

  private static String tail(int port, boolean imageDeploy) {
    return (imageDeploy ? "COPY .aptible/ /.aptible/\n\n" : "") + "ENV PORT=" + port + "\nEXPOSE " + port + "\n\n";
  }

  /**
   * Node.js, as the guide: {@code node:lts} (or the {@code engines.node} major), the lockfile's
   * install ({@code npm ci}, yarn, pnpm), {@code EXPOSE}, {@code ARG DATABASE_URL}, {@code CMD}.
   */
  public static Generated node(Path repo, int port, String web, boolean imageDeploy) {
    List<String> warnings = new ArrayList<>();
    JsonNode pkg;
    try {
      pkg = JSON.readTree(read(repo, "package.json").isEmpty() ? "{}" : read(repo, "package.json"));
    } catch (IOException e) {
      pkg = JSON.createObjectNode();
      warnings.add("package.json is not valid JSON: " + e.getMessage());
    }
    String engine = pkg.path("engines").path("node").asText("");
    String image = majorMinor(engine).map(v -> "node:" + v.split("\\.")[0]).orElse("node:lts");
    StringBuilder d = new StringBuilder("FROM " + image + "\n\nWORKDIR /app\n\nCOPY package.json /app\n");
    if (has(repo, "package-lock.json") || has(repo, "npm-shrinkwrap.json")) {
      String lock = has(repo, "package-lock.json") ? "package-lock.json" : "npm-shrinkwrap.json";
      d.append("COPY ").append(lock).append(" /app\n\nRUN npm ci\n");
    } else if (has(repo, "yarn.lock")) {
      d.append("COPY yarn.lock /app\n\nRUN yarn install --frozen-lockfile\n");
    } else if (has(repo, "pnpm-lock.yaml")) {
      d.append("COPY pnpm-lock.yaml /app\n\nRUN corepack enable && pnpm install --frozen-lockfile\n");
    } else {
      d.append("\nRUN npm install\n");
      warnings.add("no lockfile (package-lock.json, yarn.lock, pnpm-lock.yaml): the image installs with 'npm install',"
          + " so dependency versions may differ from Heroku's build");
    }
    d.append("\nCOPY . /app\n\n");
    JsonNode scripts = pkg.path("scripts");
    if (scripts.has("heroku-postbuild")) {
      d.append("RUN npm run heroku-postbuild\n\n");
    } else if (scripts.has("build")) {
      d.append("RUN npm run build\n\n");
    }
    d.append(tail(port, imageDeploy)).append("ARG DATABASE_URL\n\n").append(cmd(web)).append('\n');
    return new Generated(d.toString(), warnings);
  }

  /** Python: {@code python:X.Y-slim}, pip/pipenv/poetry from the files present. */
  public static Generated python(Path repo, int port, String web, boolean imageDeploy) {
    String version = majorMinor(read(repo, "runtime.txt")).or(() -> majorMinor(read(repo, ".python-version")))
        .orElse("3.12");
    StringBuilder d = new StringBuilder("FROM python:" + version + "-slim\n\nWORKDIR /app\n\n"
        + "ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1\n\n");
    List<String> warnings = new ArrayList<>();
    if (has(repo, "requirements.txt")) {
      d.append("COPY requirements.txt /app\nRUN pip install --no-cache-dir -r requirements.txt\n\nCOPY . /app\n\n");
    } else if (has(repo, "Pipfile")) {
      d.append("COPY Pipfile* /app/\nRUN pip install --no-cache-dir pipenv && pipenv install --deploy --system\n\n"
          + "COPY . /app\n\n");
    } else if (has(repo, "poetry.lock")) {
      d.append("COPY pyproject.toml poetry.lock /app/\nRUN pip install --no-cache-dir poetry"
          + " && poetry config virtualenvs.create false && poetry install --only main --no-root\n\nCOPY . /app\n\n");
    } else {
      d.append("COPY . /app\nRUN pip install --no-cache-dir .\n\n");
      warnings.add("no requirements.txt, Pipfile or poetry.lock: the image installs the project with 'pip install .'");
    }
    d.append(tail(port, imageDeploy)).append(cmd(web)).append('\n');
    return new Generated(d.toString(), warnings);
  }

  /** Ruby: {@code ruby:X.Y}, bundler without development and test groups. */
  public static Generated ruby(Path repo, int port, String web, boolean imageDeploy) {
    String fromGemfile = "";
    Matcher m = Pattern.compile("(?m)^\\s*ruby\\s+['\"]([0-9.]+)['\"]").matcher(read(repo, "Gemfile"));
    if (m.find()) {
      fromGemfile = m.group(1);
    }
    String version = majorMinor(read(repo, ".ruby-version")).or(majorMinorOf(fromGemfile)).orElse("3.3");
    String copy = has(repo, "Gemfile.lock") ? "COPY Gemfile Gemfile.lock /app/\n" : "COPY Gemfile /app/\n";
    String d = "FROM ruby:" + version + "\n\nWORKDIR /app\n\n"
        + "ENV RACK_ENV=production RAILS_ENV=production RAILS_LOG_TO_STDOUT=enabled RAILS_SERVE_STATIC_FILES=enabled"
        + " BUNDLE_WITHOUT=development:test\n\n" + copy + "RUN bundle install\n\nCOPY . /app\n\n"
        + tail(port, imageDeploy) + cmd(web) + "\n";
    return new Generated(d, has(repo, "Gemfile.lock") ? List.of()
        : List.of("no Gemfile.lock: gem versions may differ from Heroku's build"));
  }

  private static java.util.function.Supplier<Optional<String>> majorMinorOf(String text) {
    return () -> majorMinor(text);
  }

  private static String jdk(Path repo) {
    Matcher m = Pattern.compile("(?m)^java\\.runtime\\.version\\s*=\\s*(?:1\\.)?(\\d+)").matcher(read(repo,
        "system.properties"));
    return m.find() ? m.group(1) : "17";
  }

  /** Java with Maven: a build stage ({@code mvnw} when present) and a JRE runtime stage. */
  public static Generated maven(Path repo, int port, String web, boolean imageDeploy) {
    String jdk = jdk(repo);
    boolean wrapper = has(repo, "mvnw");
    String d = "FROM " + (wrapper ? "eclipse-temurin:" + jdk + "-jdk" : "maven:3-eclipse-temurin-" + jdk) + " AS build\n"
        + "WORKDIR /app\nCOPY . /app\nRUN " + (wrapper ? "./mvnw" : "mvn") + " -B -DskipTests package\n\n"
        + "FROM eclipse-temurin:" + jdk + "-jre\n\nWORKDIR /app\n\nCOPY --from=build /app/target /app/target\n\n"
        + tail(port, imageDeploy) + cmd(web) + "\n";
    return new Generated(d, List.of());
  }

  /** Java with Gradle: a build stage ({@code gradlew} when present) and a JRE runtime stage. */
  public static Generated gradle(Path repo, int port, String web, boolean imageDeploy) {
    String jdk = jdk(repo);
    boolean wrapper = has(repo, "gradlew");
    String d = "FROM " + (wrapper ? "eclipse-temurin:" + jdk + "-jdk" : "gradle:8-jdk" + jdk) + " AS build\n"
        + "WORKDIR /app\nCOPY . /app\nRUN " + (wrapper ? "./gradlew" : "gradle") + " build -x test --no-daemon\n\n"
        + "FROM eclipse-temurin:" + jdk + "-jre\n\nWORKDIR /app\n\nCOPY --from=build /app/build /app/build\n\n"
        + tail(port, imageDeploy) + cmd(web) + "\n";
    return new Generated(d, List.of());
  }

  /** The last path element of the {@code go.mod} module, the binary Heroku's Go buildpack builds. */
  public static String goBinary(Path repo) {
    Matcher m = Pattern.compile("(?m)^module\\s+(\\S+)").matcher(read(repo, "go.mod"));
    String module = m.find() ? m.group(1) : "app";
    return module.substring(module.lastIndexOf('/') + 1);
  }

  /** Go: a {@code golang} build stage for every main package into {@code /app/bin}, a slim runtime. */
  public static Generated go(Path repo, int port, String web, boolean imageDeploy) {
    Matcher m = Pattern.compile("(?m)^go\\s+(\\d+\\.\\d+)").matcher(read(repo, "go.mod"));
    String version = m.find() ? m.group(1) : "1.22";
    String d = "FROM golang:" + version + " AS build\nWORKDIR /src\nCOPY go.mod go.sum* /src/\nRUN go mod download\n"
        + "COPY . /src\nRUN CGO_ENABLED=0 go build -o /app/bin/ ./...\n\n"
        + "FROM debian:bookworm-slim\n\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates"
        + " && rm -rf /var/lib/apt/lists/*\n\nWORKDIR /app\n\nCOPY --from=build /app/bin /app/bin\n\n"
        + "ENV PATH=/app/bin:$PATH\n" + tail(port, imageDeploy) + cmd(web) + "\n";
    return new Generated(d, List.of());
  }

  /**
   * PHP: {@code php:X.Y-apache} with Composer, Apache's document root and {@code Listen} taken from
   * the environment ({@code APACHE_DOCUMENT_ROOT}, {@code PORT}).
   */
  public static Generated php(Path repo, int port, String docRoot, boolean imageDeploy) {
    String version = "8.3";
    try {
      String composer = read(repo, "composer.json");
      if (!composer.isEmpty()) {
        version = majorMinor(JSON.readTree(composer).path("require").path("php").asText("")).filter(v -> v.contains("."))
            .orElse(version);
      }
    } catch (IOException e) {
      // keep the default version; composer install will report a broken composer.json
    }
    String root = "/var/www/html" + (docRoot.isEmpty() ? "" : "/" + docRoot.replaceAll("/+$", ""));
    StringBuilder d = new StringBuilder("FROM php:" + version + "-apache\n\nRUN a2enmod rewrite\n\n");
    if (has(repo, "composer.json")) {
      d.append("COPY --from=composer:2 /usr/bin/composer /usr/bin/composer\n\n");
    }
    d.append("WORKDIR /var/www/html\n\nCOPY . /var/www/html\n\n");
    if (has(repo, "composer.json")) {
      d.append("RUN composer install --no-dev --optimize-autoloader --no-interaction\n\n");
    }
    d.append("ENV APACHE_DOCUMENT_ROOT=").append(root).append('\n')
        .append("RUN sed -ri -e 's!/var/www/html!${APACHE_DOCUMENT_ROOT}!g' /etc/apache2/sites-available/*.conf"
            + " && sed -ri -e 's!Listen 80!Listen ${PORT}!' /etc/apache2/ports.conf"
            + " && sed -ri -e 's!<VirtualHost \\*:80>!<VirtualHost *:${PORT}>!' /etc/apache2/sites-available/000-default.conf\n\n")
        .append(tail(port, imageDeploy)).append(cmd("apache2-foreground")).append('\n');
    return new Generated(d.toString(), List.of());
  }
}
