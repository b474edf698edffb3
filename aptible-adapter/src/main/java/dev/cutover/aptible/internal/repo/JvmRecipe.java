package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoPreparer.Language;
import java.util.Map;
import java.util.Optional;

/**
 * The JVM languages as Heroku's java, gradle, scala and clojure buildpacks build them: the JDK from
 * {@code system.properties}, a JDK build stage running the buildpack's command (Maven
 * {@code clean dependency:list install} without tests, Gradle {@code stage} or {@code build -x check},
 * sbt {@code compile stage}, Leiningen {@code uberjar}) and a JRE final image. Not API.
 */
final class JvmRecipe {
  private JvmRecipe() {}

  static void apply(App app, Recipe r, Map<String, String> processes) {
    Recipe.Runtime jdk = jdk(app);
    r.runtimes.add(jdk);
    String tag = jdk.version();
    String major = jdk.name().equals("java") ? tag.replaceFirst("^(\\d+).*", "$1") : tag;
    r.buildImage = "eclipse-temurin:" + tag + "-jdk-noble";
    r.runtimeImage = "eclipse-temurin:" + tag + "-jre-noble";
    r.runtimeEntrypoint = true;
    RepoFiles f = app.files;
    switch (app.language) {
      case JAVA_MAVEN -> {
        boolean wrapper = f.exists("mvnw") && f.exists(".mvn/wrapper/maven-wrapper.properties");
        if (!wrapper) {
          r.buildImage = "maven:" + Runtimes.KNOWN.get("tool.maven") + "-eclipse-temurin-" + major;
        }
        r.build((wrapper ? "./mvnw" : "mvn") + " -B ${MAVEN_CUSTOM_OPTS:--DskipTests} "
            + "${MAVEN_CUSTOM_GOALS:-clean dependency:list install}");
        r.expect("the Maven build", "mvn");
        String pom = f.text("pom.xml");
        r.defaultWeb = pom.contains("spring-boot") ? "java -Dserver.port=$PORT $JAVA_OPTS -jar target/*.jar" : "";
        r.description = "Java " + major + " (Maven" + (wrapper ? " wrapper" : " " + Runtimes.KNOWN.get("tool.maven")) + ")";
      }
      case JAVA_GRADLE -> {
        String build = f.text("build.gradle") + f.text("build.gradle.kts");
        boolean stage = build.matches("(?s).*\\b(task|register)\\s*\\(?\\s*['\"]?stage\\b.*");
        if (!f.exists("gradlew")) {
          app.findings.error(Rule.LANGUAGE, "build.gradle", 0, "no gradlew: Heroku's Gradle buildpack requires the"
              + " Gradle wrapper", "run gradle wrapper and commit gradlew and gradle/wrapper/");
        }
        r.build("./gradlew " + (stage ? "stage" : "build -x check") + " --no-daemon");
        r.expect("the Gradle build", "gradle");
        r.defaultWeb = build.contains("org.springframework.boot")
            ? "java -Dserver.port=$PORT $JAVA_OPTS -jar build/libs/*.jar" : "";
        r.description = "Java " + major + " (Gradle wrapper, " + (stage ? "stage" : "build -x check") + ")";
      }
      case SCALA -> {
        String sbt = Recipes.find("^\\s*sbt\\.version\\s*=\\s*(\\S+)", f.text("project/build.properties")).orElse("");
        if (sbt.isEmpty()) {
          app.findings.error(Rule.LANGUAGE, "project/build.properties", 0, "no sbt.version: Heroku's Scala buildpack"
              + " requires it", "add sbt.version=<version> to project/build.properties");
          sbt = "1.10.7";
        }
        r.buildPackages.add("curl");
        r.setup.add("curl -fsSL https://github.com/sbt/sbt/releases/download/v" + sbt + "/sbt-" + sbt + ".tgz"
            + " | tar -xz -C /opt && ln -s /opt/sbt/bin/sbt /usr/local/bin/sbt");
        r.build("sbt -Dsbt.log.noformat=true compile stage");
        r.expect("sbt stage", "stage");
        String name = Recipes.find("^\\s*name\\s*:=\\s*\"+([^\"]+)\"+", f.text("build.sbt")).orElse("app");
        r.defaultWeb = "target/universal/stage/bin/" + name + " -Dhttp.port=${PORT}";
        r.description = "Scala on Java " + major + " (sbt " + sbt + ", compile stage)";
      }
      default -> {
        String lein = Runtimes.KNOWN.get("tool.leiningen");
        r.buildImage = "clojure:temurin-" + major + "-lein-" + lein + "-bookworm";
        r.build("lein uberjar");
        r.expect("lein uberjar", "uberjar");
        boolean leinAtRuntime = processes.values().stream().anyMatch(c -> c.startsWith("lein "));
        if (leinAtRuntime) {
          r.runtimeImage = r.buildImage;
          r.runtimeEntrypoint = false;
          app.findings.warn(Rule.BUILD_STEPS, "Procfile", 0, "a process runs lein, so the final image keeps Leiningen"
              + " and the JDK", "run the uberjar instead: java $JVM_OPTS -jar target/<name>-standalone.jar");
        }
        String jar = Recipes.find(":uberjar-name\\s+\"([^\"]+)\"", f.text("project.clj")).orElse("*-standalone.jar");
        r.defaultWeb = "java $JVM_OPTS -jar target/" + jar;
        r.description = "Clojure on Java " + major + " (Leiningen " + lein + ", uberjar)";
      }
    }
  }

  /** The JDK Heroku would install: system.properties java.runtime.version, else .tool-versions, else its default. */
  static Recipe.Runtime jdk(App app) {
    Optional<String> declared = Recipes.find("^\\s*java\\.runtime\\.version\\s*=\\s*(\\S+)",
        app.files.text("system.properties"));
    String source = "system.properties java.runtime.version";
    if (declared.isEmpty()) {
      declared = Recipes.toolVersion(app.files, "java");
      source = ".tool-versions";
    }
    String major;
    if (declared.isPresent()) {
      String v = declared.get().replaceFirst("^[a-z-]*?-?(?=\\d)", "");
      major = v.startsWith("1.") ? v.substring(2).replaceFirst("\\D.*", "") : v.replaceFirst("\\D.*", "");
    } else {
      major = Runtimes.KNOWN.get("default.java");
      source = "Heroku's default";
      app.findings.warn(Rule.RUNTIME_VERSION, "system.properties", 0, "no system.properties, so Heroku ran its default"
          + " JDK", "pin it: echo java.runtime.version=" + major + " > system.properties");
    }
    String tag;
    try {
      tag = Runtimes.KNOWN.get("java." + major);
    } catch (IllegalStateException e) {
      tag = major;
      app.findings.warn(Rule.PINNED_IMAGE, "system.properties", 0, "Cutover knows no Temurin release of JDK " + major
          + ", so the image tag eclipse-temurin:" + major + " floats", "use an LTS JDK (17, 21, 25), or pin the tag");
    }
    return new Recipe.Runtime("java", "eclipse-temurin:" + tag + "-jre-noble", tag, source + " \"" + declared
        .orElse(major) + "\"");
  }

  static boolean isJvm(Language l) {
    return l == Language.JAVA_MAVEN || l == Language.JAVA_GRADLE || l == Language.SCALA || l == Language.CLOJURE;
  }
}
