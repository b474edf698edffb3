package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scans the repository's source for what Heroku provided at run time and Aptible does not: variables
 * its buildpacks derived when a dyno started ({@code JDBC_DATABASE_URL}, {@code WEB_CONCURRENCY}),
 * dyno metadata ({@code DYNO}, {@code HEROKU_APP_NAME}), and the {@code heroku} CLI in scripts.
 * Comment lines are skipped; one finding per variable and file, at its first use. Not API.
 */
final class EnvScan {
  private static final Set<String> EXTENSIONS = Set.of("rb", "erb", "rake", "py", "js", "mjs", "cjs", "ts", "tsx",
      "jsx", "java", "kt", "scala", "clj", "cljs", "cljc", "edn", "go", "php", "yml", "yaml", "sh", "bash",
      "properties", "conf", "toml", "ini", "cfg", "Procfile", "Makefile", "Rakefile", "Gemfile", "json");
  private static final Set<String> SKIPPED = Set.of("package-lock.json", "composer.lock", "app.json", "heroku.yml",
      "pnpm-lock.yaml", "yarn.lock", "tsconfig.json");
  private static final Pattern VARS = Pattern.compile("\\b(JDBC_DATABASE_(?:URL|USERNAME|PASSWORD)|SPRING_DATASOURCE_"
      + "(?:URL|USERNAME|PASSWORD)|DATABASE_CONNECTION_POOL_URL|HEROKU_[A-Z0-9_]+|DYNO|WEB_CONCURRENCY|WEB_MEMORY|"
      + "MEMORY_AVAILABLE|SOURCE_VERSION)\\b");
  private static final Pattern CLI = Pattern.compile("(?:^|[\\s\"'`(;&|])heroku\\s+(config:get|config|run|pg:\\S+|"
      + "addons\\S*|apps:\\S+|ps\\S*|logs|releases\\S*)\\b");

  /** What the scan found: findings go to {@link Findings}; these are the decisions the plan can act on. */
  record Result(List<String> keep, List<String> missing) {}

  private EnvScan() {}

  /**
   * Scans {@code files}; {@code configVars} are the Heroku app's config var names (a dyno-metadata
   * variable the app both reads and has as a config var is one to keep).
   */
  static Result scan(RepoFiles files, Set<String> configVars, Findings findings) {
    Map<String, List<String>> uses = new LinkedHashMap<>();
    Set<String> keep = new LinkedHashSet<>();
    Set<String> missing = new LinkedHashSet<>();
    for (String path : files.sources(EXTENSIONS)) {
      if (SKIPPED.contains(path.substring(path.lastIndexOf('/') + 1))) {
        continue;
      }
      String[] lines = files.text(path).split("\n");
      Set<String> seen = new LinkedHashSet<>();
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        if (line.strip().matches("(#|//|\\*|/\\*|--|;|<!--).*")) {
          continue;
        }
        Matcher m = VARS.matcher(line);
        while (m.find()) {
          String var = m.group(1);
          if (seen.add(var)) {
            report(var, path, i + 1, line, configVars, findings, keep, missing);
          }
        }
        Matcher cli = CLI.matcher(line);
        if (cli.find() && seen.add("heroku " + cli.group(1))) {
          findings.warn(Rule.HEROKU_ENV, path, i + 1, "runs the heroku CLI (heroku " + cli.group(1) + "), which"
              + " reaches the Heroku app, not the Aptible one", cli.group(1).startsWith("config")
              ? "read the variable from the environment, or use aptible config --app <app>"
              : "use the Aptible CLI (aptible ssh, aptible db:tunnel, aptible logs) or remove it");
        }
      }
    }
    return new Result(new ArrayList<>(keep), new ArrayList<>(missing));
  }

  private static void report(String var, String path, int line, String text, Set<String> configVars,
      Findings findings, Set<String> keep, Set<String> missing) {
    if (var.startsWith("JDBC_DATABASE_") || var.startsWith("SPRING_DATASOURCE_") || var.equals("DATABASE_CONNECTION_POOL_URL")) {
      missing.add(var);
      findings.warn(Rule.HEROKU_ENV, path, line, "reads " + var + ", which Heroku's " + (var.startsWith("DATABASE_")
          ? "PgBouncer" : "JVM") + " buildpack derived from DATABASE_URL when the dyno started; Aptible sets no such"
          + " variable", "set " + var + " as a config var from the Aptible database's credentials"
          + (var.endsWith("URL") && !var.startsWith("DATABASE_") ? " (jdbc:postgresql://<host>:<port>/db?sslmode=require)" : "")
          + (var.startsWith("JDBC") || var.startsWith("SPRING") ? "" : " (postgresql://...)") + ", or read DATABASE_URL");
    } else if (var.startsWith("HEROKU_POSTGRESQL_") || var.startsWith("HEROKU_REDIS_")) {
      missing.add(var);
      findings.warn(Rule.HEROKU_ENV, path, line, "reads " + var + ", an add-on URL the migration does not copy (the"
          + " data moves to an Aptible database)", "read DATABASE_URL (or REDIS_URL), which the migration sets");
    } else if (var.startsWith("HEROKU_")) {
      boolean herokuUrl = text.contains("herokuapp.com");
      if (configVars.contains(var)) {
        keep.add(var);
        findings.add(herokuUrl ? dev.cutover.aptible.RepoFinding.Severity.WARNING
            : dev.cutover.aptible.RepoFinding.Severity.INFO, Rule.HEROKU_ENV, path, line, "reads " + var
            + " (Heroku dyno metadata, a config var of the app)" + (herokuUrl ? " to build a herokuapp.com address,"
            + " which stops serving the app after the cutover" : ""), "keep " + var + " with its Heroku value in the"
            + " Aptible configuration" + (herokuUrl ? ", and set the app's public URL explicitly (the Aptible"
            + " endpoint or the custom domain)" : ""));
      } else {
        missing.add(var);
        findings.warn(Rule.HEROKU_ENV, path, line, "reads " + var + ", which Heroku sets for dyno metadata or review"
            + " apps and Aptible never sets", "set " + var + " as a config var if the code needs it, or stop reading it");
      }
    } else {
      missing.add(var);
      String why = switch (var) {
        case "DYNO" -> "Heroku sets DYNO (web.1, worker.2) in every dyno and Aptible does not, so code that tests it"
            + " takes its not-on-Heroku branch";
        case "WEB_CONCURRENCY", "WEB_MEMORY", "MEMORY_AVAILABLE" -> "Heroku's buildpacks set " + var + " from the"
            + " dyno's size when it started; Aptible does not, so the default applies";
        default -> "Heroku sets SOURCE_VERSION (the commit) during the build only";
      };
      findings.warn(Rule.HEROKU_ENV, path, line, "reads " + var + ": " + why, "set " + var + " as a config var on"
          + " Aptible (e.g. " + (var.equals("DYNO") ? "DYNO=web.1" : var.equals("SOURCE_VERSION")
          ? "from git rev-parse HEAD at deploy time" : var + "=2") + "), or stop depending on it");
    }
  }
}
