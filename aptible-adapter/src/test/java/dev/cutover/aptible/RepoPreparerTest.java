package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.RepoChange.Action;
import dev.cutover.aptible.RepoPreparer.DeployMethod;
import dev.cutover.aptible.RepoPreparer.Language;
import dev.cutover.core.model.AppInventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoPreparerTest {
  /** The guide's Node.js Dockerfile, verbatim (reference/guide-heroku-to-aptible.txt, step 1). */
  private static final String GUIDE_DOCKERFILE = """
      FROM node:lts

      WORKDIR /app

      COPY package.json /app
      COPY package-lock.json /app

      RUN npm ci

      COPY . /app

      EXPOSE 3000

      ARG DATABASE_URL

      CMD [ "npm", "start" ]
      """;

  @TempDir Path repo;

  private void write(String file, String content) {
    try {
      Path p = repo.resolve(file);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String read(String file) throws IOException {
    return Files.readString(repo.resolve(file));
  }

  private static List<String> instructions(String dockerfile) {
    return Arrays.stream(dockerfile.split("\n")).map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private Map<String, String> snapshot() throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(repo)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(repo.relativize(p).toString(), Files.readString(p));
      }
    }
    return files;
  }

  static AppInventory inventory(List<String> buildpacks, Map<String, String> processTypes) {
    return new AppInventory("heroku-app", "heroku-24", "us", buildpacks, List.of(), processTypes, List.of(), List.of(),
        List.of(), List.of(), Instant.EPOCH);
  }

  private void guideNodeApp() {
    write("package.json", "{\"name\":\"guide-app\",\"scripts\":{\"start\":\"node server.js\"}}\n");
    write("package-lock.json", "{\"lockfileVersion\":3}\n");
    write("server.js", "require('http').createServer((q,r)=>r.end('ok')).listen(process.env.PORT || 3000)\n");
    write("Procfile", "web: npm start\nrelease: npm run migrate\n");
  }

  @Test
  void apply_guideNodeApp_dockerfileAsGuideAptibleYmlAndProcfileWithoutRelease() throws IOException {
    guideNodeApp();

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/nodejs"), Map.of())).apply();

    List<String> generated = instructions(read("Dockerfile"));
    assertThat(generated.stream().filter(l -> !l.equals("ENV PORT=3000")).toList())
        .isEqualTo(instructions(GUIDE_DOCKERFILE));
    assertThat(generated).contains("ENV PORT=3000");
    assertThat(read(".aptible.yml")).isEqualTo("before_deploy:\n  - \"npm run migrate\"\n");
    assertThat(read("Procfile")).isEqualTo("web: npm start\n");
    assertThat(plan.language()).isEqualTo(Language.NODE);
    assertThat(plan.port()).isEqualTo(3000);
    assertThat(plan.services()).containsExactly("web");
    assertThat(plan.beforeDeploy()).containsExactly("npm run migrate");
    assertThat(plan.changes()).extracting(RepoChange::path, RepoChange::action).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Dockerfile", Action.CREATE),
        org.assertj.core.groups.Tuple.tuple(".aptible.yml", Action.CREATE),
        org.assertj.core.groups.Tuple.tuple("Procfile", Action.UPDATE));
    assertThat(plan.change("Procfile").orElseThrow().reason()).contains("before_deploy");
    assertThat(plan.render()).contains("CREATE Dockerfile").doesNotContain("FROM node");
  }

  @Test
  void plan_guideNodeApp_writesNothing() throws IOException {
    guideNodeApp();
    Map<String, String> before = snapshot();

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    assertThat(snapshot()).isEqualTo(before);
    assertThat(plan.writes()).hasSize(3);
    assertThat(plan.change("Dockerfile").orElseThrow().content()).startsWith("FROM node:lts");
  }

  @Test
  void apply_imageDeploy_copiesProcfileAndYmlUnderDotAptible() throws IOException {
    guideNodeApp();

    RepoPreparer.forRepo(repo).deployMethod(DeployMethod.IMAGE).apply();

    assertThat(read(".aptible/Procfile")).isEqualTo("web: npm start\n");
    assertThat(read(".aptible/.aptible.yml")).isEqualTo(read(".aptible.yml"));
    assertThat(instructions(read("Dockerfile"))).contains("COPY .aptible/ /.aptible/");
  }

  @Test
  void apply_nodeYarnWithBuildScriptAndEngine_yarnInstallAndBuild() throws IOException {
    write("package.json", "{\"engines\":{\"node\":\"20.x\"},\"scripts\":{\"build\":\"tsc\"}}");
    write("yarn.lock", "# yarn lockfile v1\n");
    write("Procfile", "web: node dist/server.js --port $PORT\n");

    RepoPreparer.forRepo(repo).apply();

    assertThat(instructions(read("Dockerfile"))).contains("FROM node:20", "COPY yarn.lock /app",
        "RUN yarn install --frozen-lockfile", "RUN npm run build",
        "CMD [ \"sh\", \"-c\", \"exec node dist/server.js --port $PORT\" ]");
  }

  @Test
  void apply_existingDockerfile_keptAndItsExposedPortUsed() throws IOException {
    guideNodeApp();
    write("Dockerfile", "FROM node:18\nEXPOSE 5000\nCMD [\"node\",\"server.js\"]\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(read("Dockerfile")).isEqualTo("FROM node:18\nEXPOSE 5000\nCMD [\"node\",\"server.js\"]\n");
    assertThat(plan.change("Dockerfile").orElseThrow().action()).isEqualTo(Action.KEEP);
    assertThat(plan.port()).isEqualTo(5000);
  }

  @Test
  void apply_existingDockerfileWithOverwrite_replaced() throws IOException {
    guideNodeApp();
    write("Dockerfile", "FROM node:18\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).overwrite(true).apply();

    assertThat(plan.change("Dockerfile").orElseThrow().action()).isEqualTo(Action.UPDATE);
    assertThat(read("Dockerfile")).startsWith("FROM node:lts");
  }

  @Test
  void apply_ymlWithOtherBeforeDeploy_keepsReleaseAndWarns() throws IOException {
    guideNodeApp();
    write(".aptible.yml", "before_deploy:\n  - ./bin/other\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(read(".aptible.yml")).isEqualTo("before_deploy:\n  - ./bin/other\n");
    assertThat(read("Procfile")).contains("release: npm run migrate");
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("merge them by hand"));
  }

  @Test
  void apply_noProcfile_writesOneFromHerokuProcessTypes() throws IOException {
    write("package.json", "{}");
    write("package-lock.json", "{}");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/nodejs"),
        Map.of("web", "node server.js", "worker", "node worker.js", "release", "node migrate.js"))).apply();

    assertThat(read("Procfile")).isEqualTo("web: node server.js\nworker: node worker.js\n");
    assertThat(read(".aptible.yml")).contains("\"node migrate.js\"");
    assertThat(plan.services()).containsExactly("web", "worker");
    assertThat(instructions(read("Dockerfile"))).contains("CMD [ \"node\", \"server.js\" ]");
  }

  @Test
  void apply_python_pipRuntimeVersionAndGunicornCmd() throws IOException {
    write("requirements.txt", "flask\ngunicorn\n");
    write("runtime.txt", "python-3.11.9\n");
    write("Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(plan.language()).isEqualTo(Language.PYTHON);
    assertThat(instructions(read("Dockerfile"))).contains("FROM python:3.11-slim", "COPY requirements.txt /app",
        "RUN pip install --no-cache-dir -r requirements.txt", "ENV PORT=8000", "EXPOSE 8000",
        "CMD [ \"sh\", \"-c\", \"exec gunicorn app:app --bind 0.0.0.0:$PORT\" ]");
  }

  @Test
  void apply_ruby_bundlerGemfileVersionAndPumaCmd() throws IOException {
    write("Gemfile", "source 'https://rubygems.org'\nruby \"3.2.2\"\ngem 'puma'\n");
    write("Gemfile.lock", "GEM\n");
    write("Procfile", "web: bundle exec puma -C config/puma.rb\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(plan.language()).isEqualTo(Language.RUBY);
    assertThat(instructions(read("Dockerfile"))).contains("FROM ruby:3.2", "COPY Gemfile Gemfile.lock /app/",
        "RUN bundle install", "EXPOSE 3000", "CMD [ \"bundle\", \"exec\", \"puma\", \"-C\", \"config/puma.rb\" ]");
  }

  @Test
  void apply_javaMaven_buildStageAndJreRuntime() throws IOException {
    write("pom.xml", "<project/>\n");
    write("system.properties", "java.runtime.version=21\n");
    write("Procfile", "web: java -jar target/app.jar\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/java"), Map.of())).apply();

    assertThat(plan.language()).isEqualTo(Language.JAVA_MAVEN);
    assertThat(instructions(read("Dockerfile"))).contains("FROM maven:3-eclipse-temurin-21 AS build",
        "RUN mvn -B -DskipTests package", "FROM eclipse-temurin:21-jre", "COPY --from=build /app/target /app/target",
        "EXPOSE 8080", "CMD [ \"java\", \"-jar\", \"target/app.jar\" ]");
  }

  @Test
  void apply_javaGradleWithWrapper_gradlewBuildAndJarCmd() throws IOException {
    write("build.gradle", "plugins { id 'java' }\n");
    write("gradlew", "#!/bin/sh\n");
    write("Procfile", "web: java -jar build/libs/app.jar\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/gradle"), Map.of())).apply();

    assertThat(plan.language()).isEqualTo(Language.JAVA_GRADLE);
    assertThat(instructions(read("Dockerfile"))).contains("FROM eclipse-temurin:17-jdk AS build",
        "RUN ./gradlew build -x test --no-daemon", "COPY --from=build /app/build /app/build",
        "CMD [ \"java\", \"-jar\", \"build/libs/app.jar\" ]");
  }

  @Test
  void apply_goWithoutProcfile_binaryFromModuleAndWarning() throws IOException {
    write("go.mod", "module github.com/acme/hello\n\ngo 1.21\n");
    write("main.go", "package main\nfunc main() {}\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(plan.language()).isEqualTo(Language.GO);
    assertThat(instructions(read("Dockerfile"))).contains("FROM golang:1.21 AS build",
        "RUN CGO_ENABLED=0 go build -o /app/bin/ ./...", "FROM debian:bookworm-slim", "CMD [ \"bin/hello\" ]");
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("no web process type"));
    assertThat(repo.resolve("Procfile")).doesNotExist();
  }

  @Test
  void apply_phpHerokuApache_documentRootAndProcfileWebRewritten() throws IOException {
    write("composer.json", "{\"require\":{\"php\":\"^8.2\"}}");
    write("public/index.php", "<?php echo 'ok';\n");
    write("Procfile", "web: heroku-php-apache2 public/\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/php"), Map.of())).apply();

    assertThat(plan.language()).isEqualTo(Language.PHP);
    assertThat(instructions(read("Dockerfile"))).contains("FROM php:8.2-apache",
        "RUN composer install --no-dev --optimize-autoloader --no-interaction",
        "ENV APACHE_DOCUMENT_ROOT=/var/www/html/public", "EXPOSE 8080", "CMD [ \"apache2-foreground\" ]");
    assertThat(read("Procfile")).isEqualTo("web: apache2-foreground\n");
  }

  @Test
  void plan_buildpackWinsOverFiles_pythonDetected() {
    write("package.json", "{}");
    write("requirements.txt", "django\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/nodejs", "heroku/python"),
        Map.of())).plan();

    assertThat(plan.language()).isEqualTo(Language.PYTHON);
    assertThat(plan.change("Dockerfile").orElseThrow().reason()).contains("buildpack heroku/python");
  }

  @Test
  void plan_unknownLanguageNoDockerfile_warnsAndWritesNothing() {
    write("README", "hello\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    assertThat(plan.language()).isEqualTo(Language.UNKNOWN);
    assertThat(plan.writes()).isEmpty();
    assertThat(plan.warnings()).anySatisfy(w -> assertThat(w).contains("add a Dockerfile by hand"));
  }
}
