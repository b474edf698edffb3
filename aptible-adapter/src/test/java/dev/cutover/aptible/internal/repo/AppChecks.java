package dev.cutover.aptible.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.RepoChange;
import dev.cutover.aptible.RepoFinding;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoFinding.Severity;
import dev.cutover.aptible.RepoPlan;
import dev.cutover.aptible.RepoPreparer.Language;
import java.util.List;

/** What each corpus app must show beyond the generic rules: the fact the issue found wrong, now right. */
final class AppChecks {
  private AppChecks() {}

  static void check(String app, RepoPlan plan, Dockerfile df) {
    String d = plan.change("Dockerfile").map(RepoChange::content).orElseThrow();
    String procfile = plan.change("Procfile").map(RepoChange::content).orElse("");
    switch (app) {
      case "python-getting-started" -> {
        assertThat(df.stages()).extracting(Dockerfile.Stage::from).containsOnly("python:3.14.7-bookworm");
        assertThat(d).contains("pip install --no-cache-dir -r requirements.txt", "manage.py collectstatic --noinput");
        assertThat(plan.missingConfigVars()).containsExactly("DYNO", "WEB_CONCURRENCY");
      }
      case "python-getting-started-pipenv" -> {
        assertThat(d).contains("FROM python:3.6.15 AS build", "pipenv install --system --deploy");
        assertThat(rule(plan, Rule.RUNTIME_VERSION)).extracting(RepoFinding::problem)
            .anySatisfy(p -> assertThat(p).contains("end of life"));
        assertThat(rule(plan, Rule.LOCKFILE)).singleElement().satisfies(f -> assertThat(f.problem()).contains("Pipfile.lock"));
      }
      case "python-getting-started-dotfiles" -> {
        assertThat(plan.beforeDeploy()).containsExactly("./manage.py migrate --no-input");
        assertThat(rule(plan, Rule.COMMIT)).extracting(RepoFinding::file).containsExactly(".aptible.yml");
      }
      case "ruby-getting-started" -> {
        // Heroku reads RUBY VERSION from Gemfile.lock (3.4.9), not its default 3.3
        assertThat(df.stages()).extracting(Dockerfile.Stage::from).containsOnly("ruby:3.4.9-bookworm");
        assertThat(d).contains("gem install bundler -v 4.0.5", "BUNDLE_DEPLOYMENT=1", "BUNDLE_WITHOUT=development:test",
            "bundle exec rake assets:precompile").doesNotContain("node");
      }
      case "ruby-getting-started-image" -> {
        assertThat(plan.change(".aptible/Procfile")).isPresent();
        assertThat(d).contains("COPY .aptible/ /.aptible/");
      }
      case "java-getting-started" -> {
        assertThat(d).contains("FROM eclipse-temurin:17.0.15_6-jdk-noble AS build", "./mvnw -B",
            "FROM eclipse-temurin:17.0.15_6-jre-noble");
        assertThat(plan.missingConfigVars()).containsExactly("JDBC_DATABASE_URL");
      }
      case "gradle-getting-started" -> assertThat(d).contains("eclipse-temurin:25_36-jdk-noble",
          "./gradlew build -x check --no-daemon");
      case "scala-getting-started" -> {
        assertThat(d).contains("sbt-1.11.7.tgz", "sbt -Dsbt.log.noformat=true compile stage");
        assertThat(procfile).isEqualTo("web: sh -c 'exec target/universal/stage/bin/scala-getting-started"
            + " -Dhttp.port=${PORT}'\n");
        assertThat(rule(plan, Rule.ENTRYPOINT_ARGV)).singleElement().satisfies(f -> assertThat(f.severity())
            .isEqualTo(Severity.INFO));
      }
      case "clojure-getting-started" -> assertThat(d).contains("lein uberjar",
          "CMD [ \"java\", \"-jar\", \"target/clojure-getting-started.jar\" ]");
      case "go-getting-started" -> {
        // its own Dockerfile: kept, and checked
        assertThat(at(plan, Rule.SECRETS_IN_IMAGE)).containsExactly(7);
        assertThat(at(plan, Rule.PORT)).containsExactly(6);
        assertThat(at(plan, Rule.PINNED_IMAGE)).containsExactly(1, 6);
        assertThat(rule(plan, Rule.BUILD_STEPS)).isEmpty();
      }
      case "php-getting-started" -> {
        assertThat(d).contains("FROM php:8.4.7-apache-bookworm", "APACHE_DOCUMENT_ROOT=/app/web",
            "composer install --no-dev", "AllowOverride All");
        assertThat(procfile).isEqualTo("web: apache2-foreground\n");
      }
      case "bakerydemo" -> {
        assertThat(plan.language()).isEqualTo(Language.PYTHON);
        assertThat(at(plan, Rule.SECRETS_IN_IMAGE)).containsExactly(12);
        assertThat(rule(plan, Rule.PINNED_IMAGE)).singleElement().satisfies(f -> assertThat(f.fix())
            .contains("python:3.12.1-slim"));
        assertThat(plan.beforeDeploy()).containsExactly("/venv/bin/python manage.py migrate --noinput");
        assertThat(rule(plan, Rule.HEROKU_MANIFEST)).extracting(RepoFinding::problem)
            .anySatisfy(p -> assertThat(p).contains("NIGHTLY"));
      }
      case "bakerydemo-buildpacks" -> {
        // the case: a kept ENTRYPOINT and a release line with a pipe would run `yes` forever
        assertThat(plan.beforeDeploy()).containsExactly("sh -c 'yes \"yes\" | python manage.py migrate'");
        assertThat(rule(plan, Rule.ENTRYPOINT_ARGV)).singleElement().satisfies(f -> assertThat(f.problem())
            .contains("a pipe (|)", "docker-entrypoint.sh"));
      }
      case "saleor" -> {
        assertThat(plan.language()).isEqualTo(Language.PYTHON);
        assertThat(at(plan, Rule.SECRETS_IN_IMAGE)).containsExactly(9);
        assertThat(at(plan, Rule.DEV_DEPENDENCIES)).containsExactly(4);
        assertThat(plan.oneOffs()).singleElement().satisfies(c -> assertThat(c).contains("populatedb"));
      }
      case "outline-2021" -> {
        // copying named build outputs from a stage that holds the repository is fine
        assertThat(rule(plan, Rule.SECRETS_IN_IMAGE)).isEmpty();
        assertThat(rule(plan, Rule.PINNED_IMAGE)).allSatisfy(f -> assertThat(f.fix()).contains("node:16.20.2-alpine"));
        assertThat(plan.beforeDeploy()).containsExactly("yarn db:migrate");
      }
      case "outline-2021-generated" -> {
        assertThat(d).contains("FROM node:16.20.2 AS build", "yarn install --frozen-lockfile --production=false",
            "with-config yarn build\n").doesNotContain("db:migrate");
        assertThat(plan.beforeDeploy()).containsExactly("yarn db:migrate");
      }
      case "outline" -> {
        assertThat(rule(plan, Rule.BUILT_FROM_SOURCE)).singleElement().satisfies(f -> assertThat(f.problem())
            .contains("outlinewiki/outline-base"));
        assertThat(plan.keepConfigVars()).containsExactly("HEROKU_APP_NAME");
      }
      case "outline-generated" -> {
        // engines ">=20.12 <21 || 22 || 24 <24.17.0 || 26 <26.3.1": the newest release it admits
        assertThat(d).contains("FROM node:26.3.0-bookworm AS build", "npm install -g corepack@0.32.0 && corepack enable",
            "yarn install --immutable", "yarn workspaces focus --all --production");
        assertThat(plan.beforeDeploy()).containsExactly("yarn db:migrate");
      }
      case "spree-starter-2022" -> {
        assertThat(d).contains("FROM ruby:3.0.3 AS build", "COPY --from=node:16.20.2 /usr/local/bin/node",
            "yarn install --frozen-lockfile --production=false", "yarn run build", "bundle exec rake assets:precompile");
        assertThat(df.last().all("COPY")).extracting(Dockerfile.Instruction::args)
            .anySatisfy(a -> assertThat(a).startsWith("--from=node:16.20.2 "));
      }
      case "spree-starter-2017" -> {
        assertThat(d).contains("FROM ruby:2.3.1 AS build", "node:6.9.1");
        assertThat(rule(plan, Rule.BUILDPACKS)).extracting(RepoFinding::problem)
            .anySatisfy(p -> assertThat(p).contains("gunpowderlabs"));
      }
      case "spree-starter" -> {
        assertThat(at(plan, Rule.SECRETS_IN_IMAGE)).containsExactly(16);
        assertThat(rule(plan, Rule.RUNTIME_VERSION)).isEmpty();
        assertThat(plan.beforeDeploy()).containsExactly("bin/rails db:migrate");
        assertThat(rule(plan, Rule.ENTRYPOINT_ARGV)).isEmpty();
      }
      default -> throw new AssertionError("no checks for " + app);
    }
  }

  private static List<RepoFinding> rule(RepoPlan plan, Rule rule) {
    return plan.findings().stream().filter(f -> f.rule() == rule).toList();
  }

  private static List<Integer> at(RepoPlan plan, Rule rule) {
    return rule(plan, rule).stream().map(RepoFinding::line).toList();
  }
}
