package dev.cutover.aptible.internal.repo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an app builds, as Heroku's buildpacks built it, before it is written as a Dockerfile: the
 * images, the install, build and prune commands in order, the directories the final image takes
 * from the build stage, the runtime environment, and the versions that were chosen and why.
 * Filled in by the language recipes, read by {@link DockerfileWriter} and by the checker (a kept
 * Dockerfile is compared with what the recipe says Heroku ran). Mutable while recipes fill it; not API.
 */
final class Recipe {
  /** A runtime version and where it was read from, e.g. {@code ruby 3.4.9 (Gemfile.lock RUBY VERSION)}. */
  record Runtime(String name, String image, String version, String source) {}

  /** A build command; {@code config} runs it with the app's configuration, as Heroku's build had it. */
  record Step(String command, boolean config) {}

  String description = "";
  String buildImage = "";
  String runtimeImage = "";
  final List<Runtime> runtimes = new ArrayList<>();
  final Map<String, String> buildEnv = new LinkedHashMap<>();
  final Map<String, String> runtimeEnv = new LinkedHashMap<>();
  /** {@code COPY --from=<image> <src> <dst>} lines for the build stage (tools from other images). */
  final List<String> buildCopies = new ArrayList<>();
  /** The same for the final stage (e.g. Node.js for a Rails app whose processes run node). */
  final List<String> runtimeCopies = new ArrayList<>();
  /** Debian packages installed in both stages (Aptfile) and in the final stage only. */
  final Set<String> packages = new LinkedHashSet<>();
  final Set<String> runtimePackages = new LinkedHashSet<>();
  /** Debian packages the build stage alone needs (unzip for Composer, curl for sbt). */
  final Set<String> buildPackages = new LinkedHashSet<>();
  /** Commands that prepare the build stage before the repository is copied (tool installs). */
  final List<String> setup = new ArrayList<>();
  final List<Step> install = new ArrayList<>();
  final List<Step> build = new ArrayList<>();
  final List<Step> prune = new ArrayList<>();
  /** Commands run in the final stage (web server configuration). */
  final List<String> runtimeSetup = new ArrayList<>();
  /** Directories the final stage copies from the build stage, besides {@code /app}. */
  final List<String> keep = new ArrayList<>();
  /** Words a kept Dockerfile must contain for each build step Heroku ran, with the step's name. */
  final Map<String, List<String>> expectedSteps = new LinkedHashMap<>();
  /** The web command when the app declares none (Heroku's default process type). */
  String defaultWeb = "";
  /** Process commands that change because the image provides what Heroku's buildpack did. */
  final Map<String, String> processRewrites = new LinkedHashMap<>();
  /** Commands moved out of the build into {@code before_deploy} (a build step that migrated the database). */
  final List<String> beforeDeploy = new ArrayList<>();
  /** Whether the final image's base has an ENTRYPOINT of its own (the official node, php and temurin images do). */
  boolean runtimeEntrypoint;

  void install(String command, boolean config) {
    install.add(new Step(command, config));
  }

  void build(String command) {
    build.add(new Step(command, true));
  }

  void prune(String command) {
    prune.add(new Step(command, true));
  }

  void expect(String step, String... anyOf) {
    expectedSteps.put(step, List.of(anyOf));
  }
}
