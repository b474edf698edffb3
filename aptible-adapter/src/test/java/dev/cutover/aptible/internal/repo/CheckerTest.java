package dev.cutover.aptible.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.RepoFinding;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoFinding.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deployability rules on Dockerfiles written to break them, one rule each. */
class CheckerTest {
  private static List<RepoFinding> check(String dockerfile, int port, String web) {
    Findings findings = new Findings();
    new Checker(Dockerfile.parse(dockerfile), "Dockerfile", findings).check(port, Optional.empty(), web);
    return findings.list();
  }

  private static List<RepoFinding> of(List<RepoFinding> findings, Rule rule) {
    return findings.stream().filter(f -> f.rule() == rule).toList();
  }

  private static final String GOOD = """
      FROM node:24.19.0-bookworm AS build
      WORKDIR /app
      COPY . .
      RUN npm ci --include=dev && npm run build && npm prune --omit=dev
      RUN rm -f .aptible.env

      FROM node:24.19.0-bookworm
      WORKDIR /app
      ENV PORT=3000
      COPY --from=build /app /app
      EXPOSE 3000
      CMD ["npm", "start"]
      """;

  @Test
  void check_buildStageDeletesEnvFinalCopiesFromIt_noFinding() {
    assertThat(check(GOOD, 3000, "npm start")).isEmpty();
  }

  @Test
  void check_finalStageCopiesTheContext_secretsErrorAtThatLine() {
    List<RepoFinding> f = check("""
        FROM python:3.12.1-slim
        WORKDIR /app
        COPY requirements.txt .
        RUN pip install -r requirements.txt
        COPY . /app
        RUN rm -f /app/.aptible.env
        EXPOSE 8000
        """, 8000, "");
    assertThat(of(f, Rule.SECRETS_IN_IMAGE)).singleElement().satisfies(e -> {
      assertThat(e.severity()).isEqualTo(Severity.ERROR);
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.fix()).contains("RUN rm -f .aptible.env", "COPY --from");
    });
  }

  @Test
  void check_aptibleEnvCopiedByName_secretsError() {
    assertThat(of(check("FROM ruby:3.4.9\nCOPY .aptible.env /app/.env\nEXPOSE 3000\n", 3000, ""), Rule.SECRETS_IN_IMAGE))
        .singleElement().satisfies(e -> assertThat(e.line()).isEqualTo(2));
  }

  @Test
  void check_finalFromABuildStageThatDeletedIt_stillInALowerLayer() {
    List<RepoFinding> f = check("""
        FROM node:24.19.0-bookworm AS build
        WORKDIR /app
        COPY . .
        RUN rm -f .aptible.env
        FROM build
        EXPOSE 3000
        """, 3000, "");
    assertThat(of(f, Rule.SECRETS_IN_IMAGE)).singleElement().satisfies(e -> {
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.problem()).contains("FROM the stage build");
    });
  }

  @Test
  void check_copyFromStageThatNeverDeleted_secretsError_butANamedSubdirectoryIsFine() {
    String leaky = """
        FROM golang:1.25.12-bookworm AS build
        WORKDIR /src
        COPY . .
        RUN go build -o /out/app .
        FROM debian:12.11-slim
        COPY --from=build /src /app
        EXPOSE 8080
        """;
    assertThat(of(check(leaky, 8080, ""), Rule.SECRETS_IN_IMAGE)).singleElement()
        .satisfies(e -> assertThat(e.line()).isEqualTo(6));
    assertThat(of(check(leaky.replace("COPY --from=build /src /app", "COPY --from=build /out/app /app/app"), 8080, ""),
        Rule.SECRETS_IN_IMAGE)).isEmpty();
  }

  @Test
  void check_noExpose_portError() {
    assertThat(of(check(GOOD.replace("EXPOSE 3000\n", ""), 3000, "npm start"), Rule.PORT)).singleElement()
        .satisfies(e -> {
          assertThat(e.severity()).isEqualTo(Severity.ERROR);
          assertThat(e.fix()).contains("EXPOSE 3000");
        });
  }

  @Test
  void check_exposeEnvPortAndWebPortDisagree_eachReported() {
    List<RepoFinding> f = check(GOOD.replace("ENV PORT=3000", "ENV PORT=5000"), 3000,
        "gunicorn --bind 0.0.0.0:8000 app:app");
    assertThat(of(f, Rule.PORT)).extracting(RepoFinding::problem).anySatisfy(p -> assertThat(p).contains("PORT=5000"))
        .anySatisfy(p -> assertThat(p).contains("binds port 8000"));
    assertThat(of(check(GOOD, 8080, ""), Rule.PORT)).extracting(RepoFinding::problem)
        .anySatisfy(p -> assertThat(p).contains("exposes 3000 but the plan sets PORT to 8080"));
  }

  @Test
  void check_webListensOnLoopback_listenAddressError() {
    assertThat(of(check(GOOD, 3000, "flask run --port $PORT"), Rule.LISTEN_ADDRESS)).hasSize(1);
    assertThat(of(check(GOOD, 3000, "gunicorn -b 127.0.0.1:$PORT app:app"), Rule.LISTEN_ADDRESS)).hasSize(1);
    assertThat(of(check(GOOD, 3000, "gunicorn -b 0.0.0.0:$PORT app:app"), Rule.LISTEN_ADDRESS)).isEmpty();
  }

  @Test
  void check_unpinnedBaseImages_eachReported() {
    List<RepoFinding> f = check(GOOD.replace("node:24.19.0-bookworm AS", "node:lts AS").replace("FROM node:24.19.0-bookworm\n",
        "FROM node\n"), 3000, "");
    assertThat(of(f, Rule.PINNED_IMAGE)).extracting(RepoFinding::line).containsExactly(1, 7);
    assertThat(of(check(GOOD.replace("node:24.19.0-bookworm", "node@sha256:" + "a".repeat(64)), 3000, ""),
        Rule.PINNED_IMAGE)).isEmpty();
  }

  @Test
  void check_imageFromAPublishedImageOnly_notBuiltFromSource() {
    assertThat(of(check("FROM acme/app-base:1.2.3 AS base\nFROM node:24.19.0-bookworm\nCOPY --from=base /app /app\n"
        + "EXPOSE 3000\n", 3000, ""), Rule.BUILT_FROM_SOURCE)).singleElement()
        .satisfies(e -> assertThat(e.problem()).contains("acme/app-base:1.2.3"));
  }

  @Test
  void check_devRequirementsAndUnfrozenInstalls_reported() {
    List<RepoFinding> f = check("""
        FROM python:3.12.1-slim AS build
        COPY . /app
        RUN pip install -r requirements-dev.txt && poetry install && rm -f /app/.aptible.env
        RUN bundle install && npm install
        FROM python:3.12.1-slim
        COPY --from=build /app /app
        EXPOSE 8000
        """, 8000, "");
    assertThat(of(f, Rule.DEV_DEPENDENCIES)).hasSize(3);
    assertThat(of(f, Rule.LOCKFILE)).extracting(RepoFinding::problem).anySatisfy(p -> assertThat(p).contains("npm install"))
        .anySatisfy(p -> assertThat(p).contains("bundle install"));
  }

  @Test
  void entrypoint_explicitInheritedOrUnknown() {
    assertThat(new Checker(Dockerfile.parse("FROM python:3.12.1\nENTRYPOINT [\"/code/docker-entrypoint.sh\"]\n"),
        "Dockerfile", new Findings()).entrypoint().present()).contains(true);
    assertThat(new Checker(Dockerfile.parse(GOOD), "Dockerfile", new Findings()).entrypoint().present()).contains(true);
    assertThat(new Checker(Dockerfile.parse("FROM ruby:3.4.9\n"), "Dockerfile", new Findings()).entrypoint().present())
        .contains(false);
    assertThat(new Checker(Dockerfile.parse("FROM acme/thing:1.0.0\n"), "Dockerfile", new Findings()).entrypoint()
        .present()).isEmpty();
    assertThat(new Checker(Dockerfile.parse("FROM node:24.19.0\nENTRYPOINT []\n"), "Dockerfile", new Findings())
        .entrypoint().present()).contains(false);
  }

  @Test
  void parse_argsContinuationsAndStageEnv_substituted() {
    Dockerfile df = Dockerfile.parse("""
        ARG RUBY_VERSION=4.0.1
        FROM docker.io/library/ruby:$RUBY_VERSION-slim AS base
        ENV BUNDLE_PATH="/usr/local/bundle"
        FROM base AS build
        RUN apt-get install \\
            # a comment inside the instruction
            build-essential
        COPY --from=base "${BUNDLE_PATH}" "${BUNDLE_PATH}"
        """);
    assertThat(df.stages()).extracting(Dockerfile.Stage::from).containsExactly("docker.io/library/ruby:4.0.1-slim",
        "base");
    assertThat(df.last().all("RUN").get(0).args()).isEqualTo("apt-get install  build-essential");
    assertThat(df.last().all("COPY").get(0).operands()).containsExactly("\"/usr/local/bundle\"",
        "\"/usr/local/bundle\"");
  }
}
