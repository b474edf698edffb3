package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module rules of DESIGN.md, checked over every module's {@code src/main/java} and
 * {@code src/test/java}: no module uses another module's {@code *.internal} packages, examples
 * uses none at all, core uses no other module, and the adapters do not use each other. Every
 * reference counts, imports and fully-qualified names in code alike (comments and strings do not).
 */
class ArchitectureTest {
  /** Module directory to the package it owns. */
  static final Map<String, String> MODULES = Map.of(
      "core", "core",
      "heroku-adapter", "heroku",
      "aptible-adapter", "aptible",
      "postgres-migrator", "postgres",
      "redis-migrator", "redis",
      "testkit", "testkit",
      "examples", "examples");
  private static final Set<String> ADAPTERS = Set.of("heroku", "aptible", "postgres", "redis");
  /**
   * Platform rules that belong to an adapter (STYLE: "The adapter that talks to the platform owns its
   * rules; core asks the port"), as they look when copied: Aptible's container sizes, a handle
   * pattern, Heroku's dyno sizes, and a command of either platform's CLI (advice such as
   * {@code heroku maintenance:on} comes from the port). Matched in code and string literals, not in comments.
   */
  static final Map<String, Pattern> PLATFORM_RULES = Map.of(
      "an Aptible container size", Pattern.compile("\\b(7168|15360|30720|61440|153600|245760)\\b"),
      "a handle pattern", Pattern.compile("\\{1,64}|\\{0,63}|\\[(a-z0-9|0-9a-z)\\._-\\]"),
      "a Heroku dyno size", Pattern.compile("(?i)\"(standard-[12]x|performance-(m|l|xl|2xl)|private-[sml]|shield-[sml])\""),
      "a Heroku or Aptible CLI command", Pattern.compile("\\b(heroku|aptible) ([a-z][a-z-]*:[a-z]|(deploy|login|logs|ps|"
          + "restart|run|ssh|rebuild|apps|config|addons|domains|releases|maintenance|operation)\\b)"));
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.cutover\\.([a-z_][a-z0-9_]*)((?:\\.[a-z_][a-z0-9_]*)*)");

  @Test
  void repository_everyModule_followsTheModuleRules() {
    Path root = Path.of(System.getProperty("cutover.repo.root", "..")).toAbsolutePath().normalize();
    assertThat(root.resolve("core/src/main/java")).as("repo root %s", root).isDirectory();

    List<String> violations = scan(root);

    assertThat(violations).as("module rule violations").isEmpty();
  }

  @Test
  void scan_plantedViolations_everyOneReported(@TempDir Path root) throws IOException {
    plant(root, "examples/src/main/java/dev/cutover/examples/Demo.java",
        "package dev.cutover.examples;\nimport dev.cutover.examples.internal.Helper;\nclass Demo {}\n");
    plant(root, "heroku-adapter/src/test/java/dev/cutover/heroku/T.java",
        "package dev.cutover.heroku;\nimport static dev.cutover.core.process.internal.ExecProcessRunner.DEFAULT_GRACE;\n"
            + "class T { Object o = new dev.cutover.aptible.AptibleClient(); }\n");
    plant(root, "core/src/main/java/dev/cutover/core/C.java",
        "package dev.cutover.core;\nimport dev.cutover.postgres.PgMigrator;\nclass C {}\n");
    plant(root, "testkit/src/main/java/dev/cutover/testkit/Ok.java", String.join("\n",
        "package dev.cutover.testkit;",
        "import dev.cutover.core.process.ProcessRunner;",
        "import dev.cutover.testkit.internal.Own;",
        "/** Mentions dev.cutover.heroku.internal.Foo in a comment only. */",
        "class Ok { String s = \"dev.cutover.aptible.internal.X\"; // dev.cutover.core.internal.Y",
        "}", ""));

    List<String> violations = scan(root);

    assertThat(violations).containsExactlyInAnyOrder(
        "examples/src/main/java/dev/cutover/examples/Demo.java: examples uses internal package dev.cutover.examples.internal",
        "heroku-adapter/src/test/java/dev/cutover/heroku/T.java: uses internal package dev.cutover.core.process.internal of module core",
        "heroku-adapter/src/test/java/dev/cutover/heroku/T.java: adapter heroku uses adapter aptible (dev.cutover.aptible)",
        "core/src/main/java/dev/cutover/core/C.java: core uses module postgres (dev.cutover.postgres)");
  }

  @Test
  void core_noPlatformRule() {
    Path root = Path.of(System.getProperty("cutover.repo.root", "..")).toAbsolutePath().normalize();

    assertThat(platformRulesInCore(root)).as("platform rules in core (move them to the adapter's port)").isEmpty();
  }

  @Test
  void platformRulesInCore_plantedCopies_everyOneReported(@TempDir Path root) throws IOException {
    plant(root, "core/src/main/java/dev/cutover/core/migration/Sizes.java", String.join("\n",
        "package dev.cutover.core.migration;",
        "/** Sizes such as 7168 MB, in a comment only: fine. */",
        "class Sizes {",
        "  static final java.util.List<Integer> OFFERED = java.util.List.of(512, 1024, 2048, 4096, 7168, 15360);",
        "}", ""));
    plant(root, "core/src/main/java/dev/cutover/core/Names.java", String.join("\n",
        "package dev.cutover.core;",
        "class Names {",
        "  static final java.util.regex.Pattern HANDLE = java.util.regex.Pattern.compile(\"[a-z0-9._-]{1,64}\");",
        "  static final String DYNO = \"Standard-2X\";",
        "  static final String ADVICE = \"run `aptible endpoints:renew \" + host + \"`\";",
        "}", ""));
    plant(root, "core/src/main/java/dev/cutover/core/migration/Advice.java",
        "package dev.cutover.core.migration;\nclass Advice { String on = \"heroku maintenance:on -a \"; }\n");
    plant(root, "core/src/main/java/dev/cutover/core/migration/Words.java", String.join("\n",
        "package dev.cutover.core.migration;",
        "/** Run `aptible deploy` or `heroku maintenance:on`: in a comment, fine. */",
        "class Words { String s = \"delete the Heroku app \" + heroku + \" (heroku.inventory, aptible-cli)\"; }", ""));
    plant(root, "core/src/test/java/dev/cutover/core/FakeRules.java",
        "package dev.cutover.core;\nclass FakeRules { int size = 15360; }\n");
    plant(root, "aptible-adapter/src/main/java/dev/cutover/aptible/Rules.java",
        "package dev.cutover.aptible;\nclass Rules { int size = 15360; String h = \"[0-9a-z._-]{1,64}\"; }\n");

    assertThat(platformRulesInCore(root)).containsExactlyInAnyOrder(
        "core/src/main/java/dev/cutover/core/migration/Sizes.java: an Aptible container size",
        "core/src/main/java/dev/cutover/core/Names.java: a handle pattern",
        "core/src/main/java/dev/cutover/core/Names.java: a Heroku dyno size",
        "core/src/main/java/dev/cutover/core/Names.java: a Heroku or Aptible CLI command",
        "core/src/main/java/dev/cutover/core/migration/Advice.java: a Heroku or Aptible CLI command");
  }

  /** Each file of core's main sources holding a platform rule, as {@code "<file>: <rule>"}. */
  static List<String> platformRulesInCore(Path root) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root.resolve("core/src/main/java"))) {
      files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> {
        String source = withoutComments(read(f));
        PLATFORM_RULES.forEach((rule, pattern) -> {
          if (pattern.matcher(source).find()) {
            found.add(root.relativize(f) + ": " + rule);
          }
        });
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** {@code source} without its comments; literals kept (a rule copied as a string is still a copy). */
  static String withoutComments(String s) {
    return strip(s, false);
  }

  @Test
  void packagesReferenced_commentsAndStrings_ignored() {
    assertThat(packagesReferenced("/* dev.cutover.a.internal */ import dev.cutover.b.c.D; // dev.cutover.e\n"
        + "String s = \"dev.cutover.f\"; char c = '\"'; var x = dev.cutover.g.H.of();"))
        .containsExactly("dev.cutover.b.c", "dev.cutover.g");
  }

  /** Every violation under {@code root}, as {@code "<file>: <what>"}. */
  static List<String> scan(Path root) {
    List<String> violations = new ArrayList<>();
    for (Map.Entry<String, String> module : MODULES.entrySet()) {
      for (String set : List.of("src/main/java", "src/test/java")) {
        Path dir = root.resolve(module.getKey()).resolve(set);
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> files = Files.walk(dir)) {
          files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
            String where = root.relativize(f).toString();
            for (String pkg : packagesReferenced(read(f))) {
              violation(module.getValue(), pkg).ifPresent(v -> violations.add(where + ": " + v));
            }
          });
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return violations;
  }

  private static java.util.Optional<String> violation(String own, String pkg) {
    String[] parts = pkg.split("\\.");
    String target = parts[2];
    boolean internal = Stream.of(parts).skip(3).anyMatch("internal"::equals);
    if (own.equals("examples") && internal) {
      return java.util.Optional.of("examples uses internal package " + pkg);
    }
    if (internal && !own.equals(target)) {
      return java.util.Optional.of("uses internal package " + pkg + " of module " + target);
    }
    if (own.equals("core") && !target.equals("core")) {
      return java.util.Optional.of("core uses module " + target + " (dev.cutover." + target + ")");
    }
    if (ADAPTERS.contains(own) && ADAPTERS.contains(target) && !own.equals(target)) {
      return java.util.Optional.of("adapter " + own + " uses adapter " + target + " (dev.cutover." + target + ")");
    }
    return java.util.Optional.empty();
  }

  /**
   * The {@code dev.cutover} packages {@code source} refers to, outside comments and literals.
   * A reference's package is its lowercase segments before the first class name.
   */
  static Set<String> packagesReferenced(String source) {
    Matcher m = REFERENCE.matcher(code(source));
    Set<String> packages = new LinkedHashSet<>();
    while (m.find()) {
      packages.add("dev.cutover." + m.group(1) + m.group(2));
    }
    return packages;
  }

  /** {@code source} with comments, string, text-block and char literals blanked out. */
  static String code(String s) {
    return strip(s, true);
  }

  /** {@code s} without comments, and with its literals blanked when {@code blankLiterals}. */
  private static String strip(String s, boolean blankLiterals) {
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("//", i)) {
        while (i < s.length() && s.charAt(i) != '\n') {
          i++;
        }
      } else if (s.startsWith("/*", i)) {
        int end = s.indexOf("*/", i + 2);
        i = end < 0 ? s.length() : end + 2;
        out.append(' ');
      } else if (s.startsWith("\"\"\"", i)) {
        int start = i;
        int end = s.indexOf("\"\"\"", i + 3);
        i = end < 0 ? s.length() : end + 3;
        out.append(blankLiterals ? "\"\"" : s.substring(start, i));
      } else if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
        int start = i;
        char quote = s.charAt(i++);
        while (i < s.length() && s.charAt(i) != quote && s.charAt(i) != '\n') {
          i += s.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append(blankLiterals ? String.valueOf(quote) + quote : s.substring(start, Math.min(i, s.length())));
      } else {
        out.append(s.charAt(i++));
      }
    }
    return out.toString();
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void plant(Path root, String file, String content) throws IOException {
    Path f = root.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
  }
}
