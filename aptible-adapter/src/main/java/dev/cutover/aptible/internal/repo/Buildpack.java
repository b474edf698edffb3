package dev.cutover.aptible.internal.repo;

import java.util.Locale;

/**
 * A Heroku buildpack by what it contributes to the app: a language, a piece that installs system
 * software (apt, jemalloc), one the platform alone needs, or one Cutover cannot reproduce. Not API.
 *
 * @param name the name as the user gave it (registry name or URL)
 */
record Buildpack(String name, Kind kind) {
  enum Kind { NODE, PYTHON, RUBY, JAVA, GRADLE, SCALA, CLOJURE, GO, PHP, APT, JEMALLOC, PLATFORM_ONLY, UNKNOWN;

    boolean isLanguage() {
      return ordinal() <= PHP.ordinal();
    }
  }

  /** Classifies a registry name ({@code heroku/nodejs}) or URL (the official GitHub, registry and urn forms). */
  static Buildpack of(String name) {
    String n = name.toLowerCase(Locale.ROOT).replaceFirst("^urn:buildpack:", "").replaceFirst("\\.tgz$", "")
        .replaceFirst("\\.git$", "").replaceAll("/+$", "");
    String last = n.substring(n.lastIndexOf('/') + 1).replaceFirst("^heroku-buildpack-", "");
    boolean official = n.startsWith("heroku/") || n.contains("github.com/heroku/") || n.contains("buildpacks/heroku/");
    Kind kind = switch (last) {
      case "nodejs", "node" -> official ? Kind.NODE : Kind.UNKNOWN;
      case "python" -> official ? Kind.PYTHON : Kind.UNKNOWN;
      case "ruby" -> official ? Kind.RUBY : Kind.UNKNOWN;
      case "java", "jvm-common" -> official ? Kind.JAVA : Kind.UNKNOWN;
      case "gradle" -> official ? Kind.GRADLE : Kind.UNKNOWN;
      case "scala" -> official ? Kind.SCALA : Kind.UNKNOWN;
      case "clojure" -> official ? Kind.CLOJURE : Kind.UNKNOWN;
      case "go" -> official ? Kind.GO : Kind.UNKNOWN;
      case "php" -> official ? Kind.PHP : Kind.UNKNOWN;
      case "apt" -> Kind.APT;
      case "jemalloc" -> Kind.JEMALLOC;
      case "metrics", "heroku-buildpack-metrics", "exec", "heroku-exec" -> Kind.PLATFORM_ONLY;
      default -> Kind.UNKNOWN;
    };
    return new Buildpack(name, kind);
  }
}
