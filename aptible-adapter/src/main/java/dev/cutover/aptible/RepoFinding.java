package dev.cutover.aptible;

import java.util.Objects;

/**
 * One thing {@link RepoPreparer} found about a repository that decides whether it builds and runs
 * on Aptible as it did on Heroku: a rule a kept Dockerfile breaks, a change the preparer made that
 * the user should know about (a release command wrapped in {@code sh -c}), or something only the
 * user can do (a {@code postdeploy} script to run once). Rendered in the plan and the report.
 *
 * @param severity how much it matters
 * @param rule which deployability rule it is about
 * @param file the file, relative to the repository root ({@code .} for the repository as a whole)
 * @param line the 1-based line in {@code file}, or 0 when it is about the whole file
 * @param problem what is wrong or what was done, in a sentence
 * @param fix what to do about it (for {@link Severity#INFO}: what the preparer did)
 */
public record RepoFinding(Severity severity, Rule rule, String file, int line, String problem, String fix) {
  /** How much a finding matters. */
  public enum Severity {
    /** The app will not build, will not run, or leaks configuration into the image, until fixed. */
    ERROR,
    /** The app runs, but differently from Heroku (a build step, a version, a variable). */
    WARNING,
    /** A change the preparer made or a step it leaves to the user; nothing is wrong. */
    INFO
  }

  /** The deployability rules, one per thing Aptible does differently from Heroku. */
  public enum Rule {
    /** The final image holds no {@code .aptible.env} (Aptible writes every config var there before the build). */
    SECRETS_IN_IMAGE,
    /** The base image is the runtime version the app asks for, from every place Heroku reads it. */
    RUNTIME_VERSION,
    /** Base images are pinned to a release, not a floating tag. */
    PINNED_IMAGE,
    /** The image is built from this commit, not from a published image. */
    BUILT_FROM_SOURCE,
    /** Dependencies install from the lockfile, frozen. */
    LOCKFILE,
    /** The build steps Heroku's buildpack ran for the language run in the image. */
    BUILD_STEPS,
    /** No development-only dependencies in the final image. */
    DEV_DEPENDENCIES,
    /** {@code EXPOSE}, {@code PORT} and the port the web process binds agree. */
    PORT,
    /** The web process listens on all interfaces, not on loopback. */
    LISTEN_ADDRESS,
    /** Heroku's release phase runs as {@code .aptible.yml} {@code before_deploy}. */
    RELEASE_PHASE,
    /** Under an ENTRYPOINT, each Procfile and {@code before_deploy} command is plain argv (no shell syntax). */
    ENTRYPOINT_ARGV,
    /** Buildpacks and their pieces (apt, jemalloc) are reproduced, or reported. */
    BUILDPACKS,
    /** {@code app.json} and {@code heroku.yml}: what Aptible has no counterpart for. */
    HEROKU_MANIFEST,
    /** Environment variables Heroku set that the code reads and Aptible will not set. */
    HEROKU_ENV,
    /** Every file written is committed on the deployed branch. */
    COMMIT,
    /** The preparer knows how to build the app at all. */
    LANGUAGE
  }

  /** Validates the components. */
  public RepoFinding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(fix, "fix");
    if (line < 0) {
      throw new IllegalArgumentException("line " + line + " is negative");
    }
  }

  /** {@code file:line}, or {@code file} when the finding has no line. */
  public String location() {
    return line == 0 ? file : file + ":" + line;
  }

  @Override
  public String toString() {
    return severity + " " + location() + " [" + rule + "] " + problem + " Fix: " + fix;
  }
}
