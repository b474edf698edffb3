package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.cutover.aptible.RepoChange.Action;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoFinding.Severity;
import dev.cutover.aptible.RepoPreparer.DeployMethod;
import dev.cutover.aptible.RepoPreparer.Language;
import dev.cutover.core.Secret;
import dev.cutover.core.model.AppInventory;
import dev.cutover.core.model.ConfigVar;
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

/** The preparer on small repositories written for one behaviour each; real apps are in CorpusTest. */
class RepoPreparerTest {
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
    return Arrays.stream(dockerfile.split("\n")).map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .toList();
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

  static AppInventory inventory(List<String> buildpacks, Map<String, String> processTypes, String... configVars) {
    return new AppInventory("heroku-app", "heroku-24", "us", buildpacks, List.of(), processTypes,
        Arrays.stream(configVars).map(n -> new ConfigVar(n, Secret.of("value-of-" + n))).toList(), List.of(),
        List.of(), List.of(), Instant.EPOCH);
  }

  private static List<RepoFinding> of(RepoPlan plan, Rule rule) {
    return plan.findings().stream().filter(f -> f.rule() == rule).toList();
  }

  private void guideNodeApp() {
    write("package.json", "{\"name\":\"guide-app\",\"engines\":{\"node\":\"22.x\"},\"dependencies\":{\"pg\":\"^8\"},"
        + "\"scripts\":{\"start\":\"node server.js\"}}\n");
    write("package-lock.json", "{\"lockfileVersion\":3}\n");
    write("server.js", "require('http').createServer((q,r)=>r.end('ok')).listen(process.env.PORT || 3000)\n");
    write("Procfile", "web: npm start\nrelease: npm run migrate\n");
  }

  @Test
  void apply_guideNodeApp_guideStepsInTwoStagesAptibleYmlAndProcfileWithoutRelease() throws IOException {
    guideNodeApp();

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/nodejs"), Map.of())).apply();

    // the guide's steps (npm ci, EXPOSE 3000, CMD [ "npm", "start" ]) without its COPY . /app in the final image
    List<String> d = instructions(read("Dockerfile"));
    assertThat(d).contains("FROM node:22.23.2-bookworm AS build", "RUN /usr/local/bin/with-config npm ci --include=dev",
        "RUN rm -f .aptible.env", "FROM node:22.23.2-bookworm", "COPY --from=build /app /app", "EXPOSE 3000",
        "CMD [ \"npm\", \"start\" ]");
    assertThat(d.subList(d.indexOf("FROM node:22.23.2-bookworm"), d.size())).noneMatch(l -> l.startsWith("COPY . "));
    assertThat(String.join("\n", d)).contains("NODE_ENV=production", "PORT=3000");
    assertThat(read(".aptible.yml")).isEqualTo("before_deploy:\n  - \"npm run migrate\"\n");
    assertThat(read("Procfile")).isEqualTo("web: npm start\n");
    assertThat(plan.language()).isEqualTo(Language.NODE);
    assertThat(plan.port()).isEqualTo(3000);
    assertThat(plan.services()).containsExactly("web");
    assertThat(plan.beforeDeploy()).containsExactly("npm run migrate");
    assertThat(plan.changes()).extracting(RepoChange::path, RepoChange::action).containsExactly(
        tuple("Dockerfile", Action.CREATE), tuple(".aptible.yml", Action.CREATE), tuple("Procfile", Action.UPDATE));
    assertThat(plan.findings(Severity.ERROR)).isEmpty();
    assertThat(plan.render()).contains("CREATE Dockerfile").doesNotContain("FROM node");
  }

  @Test
  void plan_guideNodeApp_writesNothing_andApplyTwiceChangesNothingTheSecondTime() throws IOException {
    guideNodeApp();
    Map<String, String> before = snapshot();

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    assertThat(snapshot()).isEqualTo(before);
    assertThat(plan.writes()).hasSize(3);
    RepoPreparer.forRepo(repo).apply();
    Map<String, String> applied = snapshot();
    assertThat(RepoPreparer.forRepo(repo).apply().writes()).isEmpty();
    assertThat(snapshot()).isEqualTo(applied);
  }

  @Test
  void plan_port_isAnInputOfGenerationAndTheOutputOfThePlan() {
    write("requirements.txt", "flask\ngunicorn\n");
    write(".python-version", "3.13\n");
    write("Procfile", "web: gunicorn app:app --bind 0.0.0.0:$PORT\n");

    RepoPlan byDefault = RepoPreparer.forRepo(repo).plan();
    RepoPlan asPlanned = RepoPreparer.forRepo(repo).port(3000).plan();

    assertThat(byDefault.port()).isEqualTo(8000);
    assertThat(instructions(byDefault.change("Dockerfile").orElseThrow().content())).contains("EXPOSE 8000");
    assertThat(asPlanned.port()).isEqualTo(3000);
    assertThat(instructions(asPlanned.change("Dockerfile").orElseThrow().content())).contains("EXPOSE 3000")
        .noneMatch(l -> l.contains("8000"));
    assertThat(asPlanned.change("Dockerfile").orElseThrow().content()).contains("PORT=3000");
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
  void apply_existingDockerfile_keptCheckedAndItsExposedPortUsed() throws IOException {
    guideNodeApp();
    write("Dockerfile", "FROM node:18\nWORKDIR /app\nCOPY . .\nEXPOSE 5000\nCMD [\"node\",\"server.js\"]\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(read("Dockerfile")).isEqualTo("FROM node:18\nWORKDIR /app\nCOPY . .\nEXPOSE 5000\nCMD [\"node\",\"server.js\"]\n");
    assertThat(plan.change("Dockerfile").orElseThrow().action()).isEqualTo(Action.KEEP);
    assertThat(plan.port()).isEqualTo(5000);
    assertThat(of(plan, Rule.SECRETS_IN_IMAGE)).singleElement().satisfies(f -> assertThat(f.line()).isEqualTo(3));
    assertThat(of(plan, Rule.PINNED_IMAGE)).singleElement().satisfies(f -> assertThat(f.fix()).contains("node:22.23.2"));
    assertThat(of(plan, Rule.RUNTIME_VERSION)).extracting(RepoFinding::severity).containsExactly(Severity.ERROR);
  }

  @Test
  void apply_existingDockerfileWithOverwrite_replaced() throws IOException {
    guideNodeApp();
    write("Dockerfile", "FROM node:18\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).overwrite(true).apply();

    assertThat(plan.change("Dockerfile").orElseThrow().action()).isEqualTo(Action.UPDATE);
    assertThat(read("Dockerfile")).contains("FROM node:22.23.2-bookworm AS build");
  }

  @Test
  void apply_ymlWithOtherBeforeDeploy_keepsReleaseAndWarns() throws IOException {
    guideNodeApp();
    write(".aptible.yml", "before_deploy:\n  - ./bin/other\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).apply();

    assertThat(read(".aptible.yml")).isEqualTo("before_deploy:\n  - ./bin/other\n");
    assertThat(read("Procfile")).contains("release: npm run migrate");
    assertThat(of(plan, Rule.RELEASE_PHASE)).anySatisfy(f -> assertThat(f.fix()).contains("merge them by hand"));
  }

  @Test
  void apply_noProcfile_writesOneFromHerokuProcessTypes() throws IOException {
    write("package.json", "{\"dependencies\":{\"express\":\"4\"}}");
    write("package-lock.json", "{}");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/nodejs"),
        Map.of("web", "node server.js", "worker", "node worker.js", "release", "node migrate.js"))).apply();

    assertThat(read("Procfile")).isEqualTo("web: node server.js\nworker: node worker.js\n");
    assertThat(read(".aptible.yml")).contains("\"node migrate.js\"");
    assertThat(plan.services()).containsExactly("web", "worker");
    assertThat(instructions(read("Dockerfile"))).contains("CMD [ \"node\", \"server.js\" ]");
  }

  @Test
  void plan_releaseWithAPipeUnderTheNodeImagesEntrypoint_wrappedInShAndSaidSo() {
    guideNodeApp();
    write("Procfile", "web: node server.js --port $PORT\nrelease: yes \"yes\" | npm run migrate\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    assertThat(plan.beforeDeploy()).containsExactly("sh -c 'yes \"yes\" | npm run migrate'");
    assertThat(plan.change("Procfile").orElseThrow().content()).isEqualTo(
        "web: sh -c 'exec node server.js --port $PORT'\n");
    assertThat(of(plan, Rule.ENTRYPOINT_ARGV)).extracting(RepoFinding::severity).containsOnly(Severity.INFO).hasSize(2);
  }

  @Test
  void plan_nodePackageManagers_yarnBerryPnpmAndYarn1EachWithItsFrozenInstallAndPrune() {
    write("package.json", "{\"packageManager\":\"yarn@4.11.0\",\"engines\":{\"node\":\"24.x\"},"
        + "\"dependencies\":{\"koa\":\"2\"},\"scripts\":{\"start\":\"node .\",\"build\":\"tsc\"}}");
    write("yarn.lock", "__metadata:\n  version: 8\n");
    String berry = RepoPreparer.forRepo(repo).plan().change("Dockerfile").orElseThrow().content();
    assertThat(instructions(berry)).contains("RUN corepack enable", "RUN /usr/local/bin/with-config yarn install --immutable",
        "RUN /usr/local/bin/with-config yarn run build");
    assertThat(berry).contains("yarn workspaces focus --all --production", "COREPACK_HOME=/app/.corepack");

    write("package.json", "{\"packageManager\":\"pnpm@9.15.0\",\"dependencies\":{\"koa\":\"2\"},"
        + "\"scripts\":{\"start\":\"node .\"}}");
    Path yarnLock = repo.resolve("yarn.lock");
    yarnLock.toFile().delete();
    write("pnpm-lock.yaml", "lockfileVersion: '9.0'\n");
    String pnpm = RepoPreparer.forRepo(repo).plan().change("Dockerfile").orElseThrow().content();
    assertThat(pnpm).contains("pnpm install --prod=false --frozen-lockfile", "pnpm prune --prod");

    write("package.json", "{\"engines\":{\"node\":\">= 12 <=16\"},\"dependencies\":{\"koa\":\"2\"},"
        + "\"scripts\":{\"start\":\"node .\"}}");
    repo.resolve("pnpm-lock.yaml").toFile().delete();
    write("yarn.lock", "# THIS IS AN AUTOGENERATED FILE.\n# yarn lockfile v1\n");
    String yarn1 = RepoPreparer.forRepo(repo).plan().change("Dockerfile").orElseThrow().content();
    assertThat(yarn1).contains("FROM node:16.20.2 AS build", "yarn install --frozen-lockfile --production=false",
        "yarn install --frozen-lockfile --production=true --ignore-scripts --prefer-offline");
  }

  @Test
  void plan_herokuPostbuildThatMigrates_buildPartInTheImageMigrationMovesToBeforeDeploy() {
    write("package.json", "{\"engines\":{\"node\":\"22.x\"},\"dependencies\":{\"sequelize\":\"6\"},\"scripts\":{"
        + "\"start\":\"node build/server\",\"build\":\"webpack\",\"db:migrate\":\"sequelize db:migrate\","
        + "\"heroku-postbuild\":\"yarn build && yarn db:migrate\"}}");
    write("yarn.lock", "# yarn lockfile v1\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    String d = plan.change("Dockerfile").orElseThrow().content();
    assertThat(d).contains("RUN /usr/local/bin/with-config yarn build\n").doesNotContain("db:migrate")
        .doesNotContain("heroku-postbuild");
    assertThat(plan.beforeDeploy()).containsExactly("yarn db:migrate");
    assertThat(of(plan, Rule.RELEASE_PHASE)).singleElement().satisfies(f -> assertThat(f.severity())
        .isEqualTo(Severity.INFO));
  }

  @Test
  void plan_pythonPackageManagers_poetryAndUvInstallWithoutDevGroupsFromTheirOwnToolEnv() {
    write("pyproject.toml", "[tool.poetry]\nname = \"x\"\n");
    write("poetry.lock", "# poetry\n");
    write(".python-version", "3.12\n");
    write("Procfile", "web: gunicorn app:app\n");
    String poetry = RepoPreparer.forRepo(repo).plan().change("Dockerfile").orElseThrow().content();
    assertThat(poetry).contains("FROM python:3.12.14-bookworm AS build", "pip install --no-cache-dir poetry==2.4.1",
        "/opt/tools/bin/poetry sync --only main --no-interaction", "COPY --from=build /opt/venv /opt/venv")
        .doesNotContain("COPY --from=build /opt/tools");

    repo.resolve("poetry.lock").toFile().delete();
    write("uv.lock", "version = 1\n");
    String uv = RepoPreparer.forRepo(repo).plan().change("Dockerfile").orElseThrow().content();
    assertThat(uv).contains("uv==0.12.5", "uv sync --locked --no-default-groups", "UV_PROJECT_ENVIRONMENT=/opt/venv");
  }

  @Test
  void plan_decoyPackageJsonInADjangoApp_pythonNotNode_andCollectstaticRuns() {
    write("package.json", "{\"devDependencies\":{\"eslint\":\"9\"},\"scripts\":{\"lint\":\"eslint .\"}}");
    write("package-lock.json", "{}");
    write("requirements.txt", "Django>=5\ngunicorn\n");
    write("manage.py", "#!/usr/bin/env python\n");
    write("Procfile", "web: gunicorn site.wsgi\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    assertThat(plan.language()).isEqualTo(Language.PYTHON);
    assertThat(plan.change("Dockerfile").orElseThrow().reason()).contains("only development tooling");
    assertThat(plan.change("Dockerfile").orElseThrow().content()).contains("python manage.py collectstatic --noinput")
        .doesNotContain("npm");
  }

  @Test
  void plan_liveBuildpacksWinOverAppJson_aptAndJemallocInstalledUnknownBuildpackReported() {
    write("app.json", "{\"buildpacks\":[{\"url\":\"heroku/nodejs\"}]}");
    write("requirements.txt", "flask\n");
    write(".python-version", "3.13\n");
    write("Aptfile", "# tools\nlibvips42\nhttps://example.com/x.deb\n");
    write("Procfile", "web: gunicorn app:app\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku-community/apt",
        "https://github.com/gaffneyc/heroku-buildpack-jemalloc", "https://github.com/acme/heroku-buildpack-magic",
        "heroku/python"), Map.of())).plan();

    assertThat(plan.language()).isEqualTo(Language.PYTHON);
    String d = plan.change("Dockerfile").orElseThrow().content();
    assertThat(d).contains("apt-get install -y --no-install-recommends libvips42", "libjemalloc2",
        "LD_PRELOAD=libjemalloc.so.2");
    assertThat(of(plan, Rule.BUILDPACKS)).extracting(RepoFinding::severity, RepoFinding::file).contains(
        tuple(Severity.INFO, "app.json"), tuple(Severity.WARNING, "Aptfile"), tuple(Severity.WARNING, "."));
  }

  @Test
  void plan_codeReadsDynoMetadata_keptWhenAConfigVarReportedOtherwise() {
    write("requirements.txt", "django\n");
    write(".python-version", "3.13\n");
    write("Procfile", "web: gunicorn app:app\n");
    write("app/settings.py", "import os\n# DYNO in a comment is ignored\nBASE = f\"https://{os.environ['HEROKU_APP_NAME']}"
        + ".herokuapp.com\"\nPROD = 'DYNO' in os.environ\nDB = os.environ['JDBC_DATABASE_URL']\n");
    write("bin/pull-db", "#!/bin/sh\nheroku config:get DATABASE_URL -a app\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).inventory(inventory(List.of("heroku/python"), Map.of(),
        "HEROKU_APP_NAME")).plan();

    assertThat(plan.keepConfigVars()).containsExactly("HEROKU_APP_NAME");
    assertThat(plan.missingConfigVars()).containsExactly("DYNO", "JDBC_DATABASE_URL");
    assertThat(of(plan, Rule.HEROKU_ENV)).extracting(RepoFinding::location).containsExactly("app/settings.py:3",
        "app/settings.py:4", "app/settings.py:5", "bin/pull-db:2");
    assertThat(of(plan, Rule.HEROKU_ENV).get(0).fix()).contains("set the app's public URL explicitly");
  }

  @Test
  void plan_unknownLanguageNoDockerfile_errorAndWritesNothing() {
    write("README", "hello\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    assertThat(plan.language()).isEqualTo(Language.UNKNOWN);
    assertThat(plan.writes()).isEmpty();
    assertThat(of(plan, Rule.LANGUAGE)).singleElement().satisfies(f -> assertThat(f.fix()).contains("add a Dockerfile"));
  }

  @Test
  void plan_phpNginx_fpmAndNginxWithTheDocumentRootAndAppConfig() {
    write("composer.json", "{\"require\":{\"php\":\"~8.2.0\",\"ext-intl\":\"*\"}}");
    write("composer.lock", "{}");
    write("Procfile", "web: heroku-php-nginx -C nginx_app.conf public/\n");

    RepoPlan plan = RepoPreparer.forRepo(repo).plan();

    String d = plan.change("Dockerfile").orElseThrow().content();
    assertThat(d).contains("FROM php:8.2.28-fpm-bookworm", "docker-php-ext-install intl", "'  root /app/public;'",
        "'  include /app/nginx_app.conf;'").doesNotContain("apache");
    assertThat(plan.change("Procfile").orElseThrow().content()).startsWith("web: sh -c ").contains("php-fpm -D");
  }
}
