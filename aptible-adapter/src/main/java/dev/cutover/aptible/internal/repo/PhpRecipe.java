package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.internal.repo.Semver.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PHP as Heroku's php buildpack builds it: the newest PHP the {@code composer.json}/{@code composer.lock}
 * platform constraint admits, the {@code ext-*} extensions it requires, {@code composer install
 * --no-dev}, and the web server the Procfile's {@code heroku-php-apache2} or {@code heroku-php-nginx}
 * ran (Apache with PHP, or nginx with PHP-FPM), with the same document root and {@code .htaccess}
 * overrides. Not API.
 */
final class PhpRecipe {
  private static final Pattern HEROKU_SERVER = Pattern.compile("^(?:vendor/bin/)?heroku-php-(apache2|nginx)\\b(.*)$");
  /** Extensions the official image compiles in. */
  private static final Set<String> BUILT_IN = Set.of("ctype", "curl", "date", "dom", "fileinfo", "filter", "hash",
      "iconv", "json", "libxml", "mbstring", "mysqlnd", "openssl", "pcre", "pdo", "pdo_sqlite", "phar", "posix",
      "readline", "reflection", "session", "simplexml", "sodium", "spl", "sqlite3", "standard", "tokenizer", "xml",
      "xmlreader", "xmlwriter", "zlib", "opcache");
  /** Extensions docker-php-ext-install builds, with the Debian packages they need. */
  private static final Map<String, String> BUILDABLE = Map.ofEntries(Map.entry("pdo_pgsql", "libpq-dev"),
      Map.entry("pgsql", "libpq-dev"), Map.entry("intl", "libicu-dev"), Map.entry("zip", "libzip-dev"),
      Map.entry("gd", "libpng-dev libjpeg62-turbo-dev libfreetype6-dev"), Map.entry("bcmath", ""),
      Map.entry("pcntl", ""), Map.entry("sockets", ""), Map.entry("exif", ""), Map.entry("mysqli", ""),
      Map.entry("pdo_mysql", ""), Map.entry("soap", "libxml2-dev"), Map.entry("gmp", "libgmp-dev"),
      Map.entry("calendar", ""), Map.entry("xsl", "libxslt1-dev"));

  private PhpRecipe() {}

  static void apply(App app, Recipe r, String web) {
    JsonNode composer = json(app, "composer.json");
    JsonNode lock = json(app, "composer.lock");
    Recipe.Runtime php = version(app, composer, lock);
    r.runtimes.add(php);
    Matcher server = HEROKU_SERVER.matcher(web.strip());
    boolean declared = server.matches();
    boolean nginx = declared && server.group(1).equals("nginx");
    List<String> args = declared ? ShellWords.split(server.group(2).strip()) : List.of();
    String docRoot = "";
    String include = "";
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-C") && i + 1 < args.size()) {
        include = args.get(++i);
      } else if (a.matches("-[FilCp]") && i + 1 < args.size()) {
        i++;
      } else if (!a.startsWith("-")) {
        docRoot = a.replaceAll("/+$", "");
      }
    }
    String root = "/app" + (docRoot.isEmpty() ? "" : "/" + docRoot);
    r.buildImage = "php:" + php.version() + "-cli-bookworm";
    r.runtimeImage = "php:" + php.version() + (nginx ? "-fpm" : "-apache") + "-bookworm";
    r.runtimeEntrypoint = true;
    r.buildPackages.add("git");
    r.buildPackages.add("unzip");
    r.buildCopies.add("--from=composer:" + Runtimes.KNOWN.get("tool.composer") + " /usr/bin/composer /usr/bin/composer");
    boolean hasDependencies = composer.path("require").size() > (composer.path("require").has("php") ? 1 : 0);
    if (app.files.exists("composer.json")) {
      if (!app.files.exists("composer.lock") && hasDependencies) {
        app.findings.error(Rule.LOCKFILE, "composer.json", 0, "no composer.lock: Heroku refuses to install Composer"
            + " dependencies without it", "run composer update and commit composer.lock");
      }
      r.install("composer install --no-dev --prefer-dist --optimize-autoloader --no-interaction"
          + " --ignore-platform-req=ext-*", true);
      r.expect("composer install --no-dev", "composer install");
    }
    extensions(app, r, composer);
    if (nginx) {
      r.runtimePackages.add("nginx");
      List<String> conf = new ArrayList<>(List.of("server {", "  listen @PORT@;", "  root " + root + ";",
          "  index index.php index.html;", "  location ~ \\.php$ {", "    try_files $uri =404;",
          "    include fastcgi_params;", "    fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;",
          "    fastcgi_pass 127.0.0.1:9000;", "  }"));
      if (!include.isEmpty()) {
        conf.add("  include /app/" + include + ";");
      }
      conf.add("}");
      StringBuilder printf = new StringBuilder("printf '%s\\n'");
      conf.forEach(l -> printf.append(" ").append(ShellWords.quote(l)));
      r.runtimeSetup.add("rm -f /etc/nginx/sites-enabled/default && " + printf + " > /etc/nginx/conf.d/app.conf.template");
      r.processRewrites.put("web", "sh -c " + ShellWords.quote("sed \"s/@PORT@/$PORT/\" /etc/nginx/conf.d/app.conf.template"
          + " > /etc/nginx/conf.d/app.conf && php-fpm -D && exec nginx -g \"daemon off;\""));
    } else {
      r.runtimeEnv.put("APACHE_DOCUMENT_ROOT", root);
      r.runtimeSetup.add("a2enmod rewrite headers && sed -ri -e 's!/var/www/html!${APACHE_DOCUMENT_ROOT}!g'"
          + " /etc/apache2/sites-available/*.conf && sed -ri -e 's!/var/www/!${APACHE_DOCUMENT_ROOT}!g'"
          + " -e 's!AllowOverride None!AllowOverride All!g' /etc/apache2/apache2.conf"
          + " && sed -ri -e 's!Listen 80!Listen ${PORT}!' /etc/apache2/ports.conf"
          + " && sed -ri -e 's!<VirtualHost \\*:80>!<VirtualHost *:${PORT}>!' /etc/apache2/sites-available/000-default.conf");
      if (!include.isEmpty()) {
        app.findings.warn(Rule.BUILD_STEPS, "Procfile", 0, "heroku-php-apache2 -C " + include + " included an Apache"
            + " config that the image does not", "add IncludeOptional /app/" + include + " to the VirtualHost in the"
            + " Dockerfile");
      }
      if (declared) {
        r.processRewrites.put("web", "apache2-foreground");
      }
    }
    r.defaultWeb = nginx ? r.processRewrites.get("web") : "apache2-foreground";
    r.description = "PHP " + php.version() + " with " + (nginx ? "nginx and PHP-FPM" : "Apache") + ", document root "
        + (docRoot.isEmpty() ? "/" : docRoot + "/") + (declared ? "" : " (Heroku's default heroku-php-apache2)");
  }

  private static JsonNode json(App app, String path) {
    try {
      return app.files.json(path);
    } catch (IllegalArgumentException e) {
      app.findings.error(Rule.BUILD_STEPS, path, 0, path + " is not valid JSON (" + e.getMessage() + ")", "fix it;"
          + " Composer and Heroku reject it too");
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
  }

  static Recipe.Runtime version(App app, JsonNode composer, JsonNode lock) {
    String constraint = lock.path("platform").path("php").asText(composer.path("require").path("php").asText(""));
    String source = lock.path("platform").has("php") ? "composer.lock platform php" : "composer.json require php";
    Optional<Version> v = Optional.empty();
    if (!constraint.isEmpty()) {
      try {
        v = Runtimes.KNOWN.newest("php", constraint, true);
      } catch (IllegalArgumentException e) {
        v = Optional.empty();
      }
      if (v.isEmpty()) {
        app.findings.warn(Rule.RUNTIME_VERSION, "composer.json", 0, "no PHP release Cutover knows satisfies \""
            + constraint + "\"", "widen the constraint to a supported PHP (8.1 or newer)");
      }
    } else {
      source = "Heroku's default";
      app.findings.warn(Rule.RUNTIME_VERSION, "composer.json", 0, "composer.json requires no PHP version, so Heroku"
          + " ran its default", "add \"php\": \"^" + Runtimes.KNOWN.get("default.php") + "\" to require");
    }
    Version chosen = v.orElseGet(() -> Runtimes.KNOWN.patchOf("php", Runtimes.KNOWN.get("default.php")));
    return new Recipe.Runtime("php", "php:" + chosen + "-apache-bookworm", chosen.toString(),
        source + (constraint.isEmpty() ? "" : " \"" + constraint + "\""));
  }

  private static void extensions(App app, Recipe r, JsonNode composer) {
    List<String> build = new ArrayList<>();
    List<String> devPackages = new ArrayList<>();
    composer.path("require").fieldNames().forEachRemaining(name -> {
      if (!name.startsWith("ext-")) {
        return;
      }
      String ext = name.substring(4).toLowerCase(java.util.Locale.ROOT);
      if (BUILT_IN.contains(ext)) {
        return;
      }
      if (BUILDABLE.containsKey(ext)) {
        build.add(ext);
        if (!BUILDABLE.get(ext).isEmpty()) {
          devPackages.addAll(List.of(BUILDABLE.get(ext).split(" ")));
        }
      } else {
        app.findings.warn(Rule.BUILD_STEPS, "composer.json", 0, "ext-" + ext + " is required; Heroku enabled it, the"
            + " image does not know how to", "install it in the Dockerfile (e.g. pecl install " + ext
            + " && docker-php-ext-enable " + ext + ")");
      }
    });
    if (!build.isEmpty()) {
      r.runtimeSetup.add(0, (devPackages.isEmpty() ? "" : "apt-get update && apt-get install -y --no-install-recommends "
          + String.join(" ", devPackages) + " && rm -rf /var/lib/apt/lists/* && ")
          + "docker-php-ext-install " + String.join(" ", build));
    }
  }
}
