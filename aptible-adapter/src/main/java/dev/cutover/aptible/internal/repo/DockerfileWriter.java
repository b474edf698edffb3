package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link Recipe} as a two-stage Dockerfile. The build stage copies the whole repository
 * (with {@code .aptible.env}, which Aptible writes there and the build commands read, as Heroku's
 * build saw the config vars), runs the recipe, and deletes {@code .aptible.env}; the final stage
 * copies only from the build stage, so no configuration value reaches a layer of the image Aptible
 * runs. Not API.
 */
final class DockerfileWriter {
  /** Runs a command with the variables of {@code .aptible.env} exported, when the file exists. */
  static final String WITH_CONFIG = "/usr/local/bin/with-config";

  private DockerfileWriter() {}

  /**
   * The Dockerfile for {@code recipe}, exposing and defaulting {@code PORT} to {@code port}, whose
   * {@code CMD} runs {@code web}; {@code imageDeploy} also copies {@code .aptible/} into the image.
   */
  static String write(Recipe r, int port, String web, boolean imageDeploy) {
    StringBuilder d = new StringBuilder();
    d.append("# Written by Cutover for Aptible: ").append(r.description).append(".\n")
        .append("# The build stage sees the whole repository, .aptible.env included (Aptible writes the app's\n")
        .append("# configuration there; the build steps read it, as Heroku's build read the config vars), and\n")
        .append("# deletes it. The final stage copies only from the build stage, so no configuration value\n")
        .append("# lands in a layer of the image.\n");
    d.append("FROM ").append(r.buildImage).append(" AS build\n");
    d.append("WORKDIR /app\n");
    env(d, r.buildEnv);
    r.buildCopies.forEach(c -> d.append("COPY ").append(c).append('\n'));
    Set<String> buildPackages = new java.util.LinkedHashSet<>(r.packages);
    buildPackages.addAll(r.buildPackages);
    packages(d, buildPackages);
    d.append("RUN printf '%s\\n' '#!/bin/sh' 'if [ -f /app/.aptible.env ]; then set -a; . /app/.aptible.env; set +a;"
        + " fi' 'exec \"$@\"' > ").append(WITH_CONFIG).append(" && chmod +x ").append(WITH_CONFIG).append('\n');
    r.setup.forEach(s -> d.append("RUN ").append(s).append('\n'));
    d.append("COPY . .\n");
    List<Recipe.Step> steps = new ArrayList<>(r.install);
    steps.addAll(r.build);
    steps.addAll(r.prune);
    for (Recipe.Step s : steps) {
      d.append("RUN ").append(s.config() ? WITH_CONFIG + " " : "").append(ShellWords.shellOnly(s.command()).isEmpty()
          || !s.config() ? s.command() : "sh -c " + ShellWords.quote(s.command())).append('\n');
    }
    d.append("RUN rm -f .aptible.env\n\n");
    d.append("FROM ").append(r.runtimeImage).append('\n');
    d.append("WORKDIR /app\n");
    r.runtimeCopies.forEach(c -> d.append("COPY ").append(c).append('\n'));
    Set<String> runtimePackages = new java.util.LinkedHashSet<>(r.packages);
    runtimePackages.addAll(r.runtimePackages);
    packages(d, runtimePackages);
    Map<String, String> env = new java.util.LinkedHashMap<>();
    env.put("PORT", String.valueOf(port));
    env.putAll(r.runtimeEnv);
    env(d, env);
    r.runtimeSetup.forEach(s -> d.append("RUN ").append(s).append('\n'));
    r.keep.forEach(k -> d.append("COPY --from=build ").append(k).append(' ').append(k).append('\n'));
    d.append("COPY --from=build /app /app\n");
    if (imageDeploy) {
      d.append("COPY .aptible/ /.aptible/\n");
    }
    d.append("EXPOSE ").append(port).append('\n');
    if (!web.isBlank()) {
      d.append(cmd(web)).append('\n');
    }
    return d.toString();
  }

  private static void env(StringBuilder d, Map<String, String> env) {
    if (env.isEmpty()) {
      return;
    }
    d.append("ENV");
    env.forEach((k, v) -> d.append(env.size() > 1 ? " \\\n    " : " ").append(k).append('=')
        .append(v.matches("[A-Za-z0-9_./:$-]*") ? v : "\"" + v.replace("\"", "\\\"") + "\""));
    d.append('\n');
  }

  private static void packages(StringBuilder d, Set<String> packages) {
    if (!packages.isEmpty()) {
      d.append("RUN apt-get update && apt-get install -y --no-install-recommends ").append(String.join(" ", packages))
          .append(" && rm -rf /var/lib/apt/lists/*\n");
    }
  }

  /** {@code CMD} in exec form; through {@code sh -c} when the command needs a shell. */
  static String cmd(String command) {
    List<String> words = ShellWords.shellOnly(command).isEmpty() ? ShellWords.split(command)
        : List.of("sh", "-c", ShellWords.viaShell(command).substring("sh -c ".length()).transform(DockerfileWriter::unquote));
    StringBuilder sb = new StringBuilder("CMD [");
    for (int i = 0; i < words.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(TextNode.valueOf(words.get(i)));
    }
    return sb.append(" ]").toString();
  }

  /** The single word {@link ShellWords#quote} made, unquoted again. */
  private static String unquote(String quoted) {
    List<String> words = ShellWords.split(quoted);
    return words.isEmpty() ? "" : words.get(0);
  }
}
