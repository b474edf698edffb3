package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.internal.repo.Buildpack.Kind;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Ruby as Heroku's ruby buildpack builds it: the version from {@code Gemfile.lock}'s
 * {@code RUBY VERSION} (else its default), the exact Bundler from {@code BUNDLED WITH}, a frozen
 * {@code bundle install} without the development and test groups, and for Rails the asset pipeline
 * ({@code assets:precompile}, {@code assets:clean}) with Node.js in the build when the app's gems or
 * buildpacks need it. Not API.
 */
final class RubyRecipe {
  private static final String BUNDLE = "/usr/local/bundle";

  private RubyRecipe() {}

  static void apply(App app, Recipe r) {
    String lock = app.files.text("Gemfile.lock");
    Recipe.Runtime ruby = version(app, lock);
    r.runtimes.add(ruby);
    r.buildImage = ruby.image();
    r.runtimeImage = ruby.image();
    for (var env : new String[][] {{"BUNDLE_DEPLOYMENT", "1"}, {"BUNDLE_WITHOUT", "development:test"},
        {"BUNDLE_PATH", BUNDLE}}) {
      r.buildEnv.put(env[0], env[1]);
      r.runtimeEnv.put(env[0], env[1]);
    }
    String bundler = Recipes.find("^BUNDLED WITH\\s*\\n\\s*(\\S+)", lock).orElse(Runtimes.KNOWN.get("default.bundler"));
    r.setup.add("gem install bundler -v " + bundler + " --no-document");
    if (lock.isEmpty()) {
      app.findings.error(Rule.LOCKFILE, "Gemfile", 0, "no Gemfile.lock: Heroku refuses to build a Ruby app without"
          + " one, and gem versions would resolve afresh", "run bundle install and commit Gemfile.lock");
      r.buildEnv.remove("BUNDLE_DEPLOYMENT");
      r.runtimeEnv.remove("BUNDLE_DEPLOYMENT");
    }
    r.install("bundle install --jobs 4", true);
    r.expect("gems from Gemfile.lock, frozen", "bundle install");
    r.keep.add(BUNDLE);
    boolean rails = gem(lock, "railties");
    boolean jsBuild = gem(lock, "webpacker") || gem(lock, "shakapacker") || gem(lock, "jsbundling-rails")
        || gem(lock, "cssbundling-rails") || gem(lock, "vite_rails");
    boolean execjs = gem(lock, "execjs") && !gem(lock, "mini_racer") && !gem(lock, "therubyracer");
    if (app.nodeFirst || app.has(Kind.NODE)) {
      NodeRecipe.assets(app, r, true);
    } else if (jsBuild || execjs) {
      NodeRecipe.assets(app, r, false);
      app.findings.info(Rule.BUILD_STEPS, "Gemfile.lock", 0, "the asset build needs Node.js (" + (jsBuild ? "a JavaScript"
          + " bundler gem" : "execjs") + "); Heroku's Ruby buildpack installed it", "the build stage gets Node.js "
          + NodeRecipe.version(app).version() + "; the final image does not");
    }
    if (rails && (gem(lock, "sprockets") || gem(lock, "propshaft") || jsBuild || gem(lock, "tailwindcss-rails")
        || gem(lock, "dartsass-rails"))) {
      r.build("bundle exec rake assets:precompile");
      r.build("bundle exec rake assets:clean");
      r.expect("Rails assets:precompile", "assets:precompile");
    }
    r.runtimeEnv.put("RACK_ENV", "production");
    if (rails) {
      r.runtimeEnv.put("RAILS_ENV", "production");
      r.runtimeEnv.put("RAILS_LOG_TO_STDOUT", "enabled");
      r.runtimeEnv.put("RAILS_SERVE_STATIC_FILES", "enabled");
    }
    r.defaultWeb = rails ? "bin/rails server -p ${PORT:-5000} -e $RAILS_ENV" : "bundle exec rackup config.ru -p ${PORT:-5000}";
    r.description = "Ruby " + ruby.version() + ", Bundler " + bundler + (rails ? ", Rails" : "") + (r.build.isEmpty() ? ""
        : " asset pipeline") + (r.description.isEmpty() ? "" : ", " + r.description);
  }

  /** The lockfile's RUBY VERSION, as Heroku reads it; else the Gemfile, .ruby-version, .tool-versions, the default. */
  static Recipe.Runtime version(App app, String lock) {
    Optional<String> locked = Recipes.find("^RUBY VERSION\\s*\\n\\s*ruby\\s+([0-9][0-9.]*)", lock);
    String version;
    String source;
    if (locked.isPresent()) {
      version = locked.get();
      source = "Gemfile.lock RUBY VERSION";
    } else {
      Optional<String> gemfile = Recipes.find("^\\s*ruby\\s+['\"]([0-9]+\\.[0-9]+\\.[0-9]+)['\"]\\s*$",
          app.files.text("Gemfile"));
      Optional<String> dotRuby = app.files.read(".ruby-version").map(s -> s.strip().replaceFirst("^ruby-", ""))
          .filter(s -> s.matches("[0-9]+\\.[0-9]+\\.[0-9]+"))
          .or(() -> Recipes.toolVersion(app.files, "ruby"));
      if (gemfile.isPresent()) {
        version = gemfile.get();
        source = "Gemfile ruby";
      } else if (dotRuby.isPresent()) {
        version = dotRuby.get();
        source = app.files.exists(".ruby-version") ? ".ruby-version" : ".tool-versions";
        app.findings.warn(Rule.RUNTIME_VERSION, "Gemfile.lock", 0, "Gemfile.lock has no RUBY VERSION, so Heroku ran"
            + " its default Ruby " + Runtimes.KNOWN.get("default.ruby") + "; the image follows " + source + " ("
            + version + ")", "add ruby file: \".ruby-version\" to the Gemfile and run bundle lock --update ruby");
      } else {
        version = Runtimes.KNOWN.get("default.ruby");
        source = "Heroku's default";
        app.findings.warn(Rule.RUNTIME_VERSION, "Gemfile.lock", 0, "no Ruby version in Gemfile.lock, so Heroku ran its"
            + " default " + version, "declare it in the Gemfile (ruby \"" + version + "\") and run bundle lock");
      }
    }
    String tag = Runtimes.KNOWN.tag("ruby", Semver.Version.find(version).orElseThrow(), version);
    return new Recipe.Runtime("ruby", "ruby:" + tag, version, source);
  }

  /** Whether the lockfile resolves {@code name} (a spec line {@code "    name (version)"}). */
  static boolean gem(String lock, String name) {
    return Pattern.compile("^ {4}" + Pattern.quote(name) + " \\(", Pattern.MULTILINE).matcher(lock).find();
  }
}
