package dev.cutover.aptible;

import dev.cutover.core.ValidationException;
import dev.cutover.core.model.DatabaseSpec;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Aptible's input rules, checked before any CLI call so that every problem is reported at once.
 * Each method adds what is wrong with one input to a {@link ValidationException.Collector} and
 * returns whether it was fine. The facade's {@code plan()} uses them too. Stateless, thread-safe.
 */
public final class AptibleInputs {
  /**
   * Handles: lowercase letters, digits, {@code .}, {@code _}, {@code -}; 1 to 64 characters; not
   * starting with {@code -} (the CLI would read it as an option).
   */
  public static final Pattern HANDLE = Pattern.compile("(?!-)[0-9a-z._-]{1,64}");
  /** Apps whose handle starts with this cannot have endpoints. */
  public static final String INTERNAL_PREFIX = "internal-";
  /** Container sizes (MB) every profile offers. */
  public static final List<Integer> CONTAINER_SIZES_MB = List.of(512, 1024, 2048, 4096, 7168, 15360, 30720, 61440,
      153600, 245760);
  /** The smallest database disk, in GB. */
  public static final int MIN_DISK_GB = 1;
  /** The largest database disk, in GB. */
  public static final int MAX_DISK_GB = 16384;
  /** The most containers one service may run (CLI limit). */
  public static final int MAX_CONTAINER_COUNT = 128;
  /** Database types Aptible offers ({@code db:versions} has the live list). */
  public static final Set<String> DATABASE_TYPES = Set.of("postgresql", "redis", "mysql", "mongodb", "elasticsearch",
      "rabbitmq", "influxdb", "sftp");
  private static final Pattern VERSION = Pattern.compile("[0-9]+(\\.[0-9]+)*(-[a-z0-9]+)?");
  private static final Pattern PROCESS_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  private static final Pattern CONFIG_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DOMAIN = Pattern.compile(
      "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  /** Second-level labels under which a registrable (apex) domain has three labels, e.g. {@code example.co.uk}. */
  private static final Set<String> TWO_LABEL_SUFFIXES = Set.of("co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk",
      "com.au", "net.au", "org.au", "co.nz", "co.jp", "ne.jp", "com.br", "com.mx", "co.in", "co.za", "com.sg",
      "com.cn", "com.tr", "co.il", "co.kr");
  private static final Pattern IMAGE = Pattern.compile(
      "[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?");

  private AptibleInputs() {}

  /** An app, database or environment handle. */
  public static boolean handle(ValidationException.Collector problems, String field, String value) {
    if (value != null && value.startsWith("-")) {
      problems.add(field, value, "starts with '-': the aptible CLI would read it as an option, and Aptible refuses it",
          "use e.g. " + suggestion(value));
      return false;
    }
    if (value == null || !HANDLE.matcher(value).matches()) {
      problems.add(field, value, "must be 1 to 64 lowercase letters, digits, '.', '_' or '-'",
          "use e.g. " + suggestion(value));
      return false;
    }
    return true;
  }

  private static String suggestion(String value) {
    String s = value == null ? "" : value.toLowerCase(java.util.Locale.ROOT).replaceAll("[^0-9a-z._-]+", "-")
        .replaceAll("^-+|-+$", "");
    s = s.length() > 64 ? s.substring(0, 64) : s;
    return s.isEmpty() ? "my-app" : s;
  }

  /** A database spec, without the version check against {@code db:versions} (that needs the CLI). */
  public static boolean databaseSpec(ValidationException.Collector problems, String dbHandle, DatabaseSpec spec) {
    boolean ok = handle(problems, "database.handle", dbHandle);
    if (!DATABASE_TYPES.contains(spec.type())) {
      problems.add("database.type", spec.type(), "is not an Aptible database type",
          "use one of " + DATABASE_TYPES.stream().sorted().toList());
      ok = false;
    }
    if (!VERSION.matcher(spec.version()).matches()) {
      problems.add("database.version", spec.version(), "is not a version", "use a version from 'aptible db:versions', e.g. 16");
      ok = false;
    }
    ok = disk(problems, spec.diskSizeGb()) && ok;
    return containerSize(problems, "database.containerSizeMb", spec.containerSizeMb()) && ok;
  }

  /** A database disk size in GB: {@value #MIN_DISK_GB} to {@value #MAX_DISK_GB}. */
  public static boolean disk(ValidationException.Collector problems, int diskSizeGb) {
    if (diskSizeGb < MIN_DISK_GB || diskSizeGb > MAX_DISK_GB) {
      problems.add("database.diskSizeGb", diskSizeGb, "must be between " + MIN_DISK_GB + " and " + MAX_DISK_GB + " GB",
          "give at least the space the data uses, e.g. 10");
      return false;
    }
    return true;
  }

  /** A container size: only the sizes Aptible offers. */
  public static boolean containerSize(ValidationException.Collector problems, String field, int sizeMb) {
    if (!CONTAINER_SIZES_MB.contains(sizeMb)) {
      int next = CONTAINER_SIZES_MB.stream().filter(s -> s >= sizeMb).findFirst().orElse(245760);
      problems.add(field, sizeMb, "is not an Aptible container size", "use one of " + CONTAINER_SIZES_MB
          + " MB, e.g. " + next);
      return false;
    }
    return true;
  }

  /** A service (process type) name, container count and size. */
  public static boolean scale(ValidationException.Collector problems, String service, int count, int sizeMb) {
    boolean ok = service(problems, service, count);
    return containerSize(problems, "scale.containerSizeMb", sizeMb) && ok;
  }

  /** A service (process type) name and container count. */
  public static boolean service(ValidationException.Collector problems, String service, int count) {
    boolean ok = processType(problems, "scale.service", service);
    if (count < 0 || count > MAX_CONTAINER_COUNT) {
      problems.add("scale.containerCount", count, "must be between 0 and " + MAX_CONTAINER_COUNT,
          "scale the process type to at most " + MAX_CONTAINER_COUNT + " on the source, or lower it after the move");
      ok = false;
    }
    return ok;
  }

  /** A process type: a Procfile name; {@code release} is not a service on Aptible. */
  public static boolean processType(ValidationException.Collector problems, String field, String value) {
    if (value == null || !PROCESS_TYPE.matcher(value).matches()) {
      problems.add(field, value, "is not a process type (letters, digits, '_' or '-')", "use a Procfile name, e.g. web");
      return false;
    }
    if (value.equals("release")) {
      problems.add(field, value, "is Heroku's release phase, not a service on Aptible",
          "it runs as .aptible.yml before_deploy; scale web or worker types instead");
      return false;
    }
    return true;
  }

  /** A configuration variable name; an empty value would unset it on Aptible. */
  public static boolean configVar(ValidationException.Collector problems, String name, boolean emptyValue) {
    if (name == null || !CONFIG_NAME.matcher(name).matches()) {
      problems.add("config." + name, name, "is not a variable name", "use letters, digits and '_', not starting with a digit");
      return false;
    }
    if (emptyValue) {
      problems.addSecret("config." + name, "is empty, and 'aptible config:set " + name + "=' would unset it",
          "give a value or leave the variable out");
      return false;
    }
    return true;
  }

  /** A Docker image reference: {@code [registry/]repo[:tag]}, no digest (the CLI refuses {@code @sha256}). */
  public static boolean image(ValidationException.Collector problems, String image) {
    if (image == null || image.contains("@") || !IMAGE.matcher(image).matches()) {
      problems.add("deploy.image", image, "is not an image:tag reference (digests are not accepted by aptible deploy)",
          "use e.g. registry.example.com/team/app:1.2.3");
      return false;
    }
    return true;
  }

  /** A custom domain for managed TLS: a domain name, not an apex (managed TLS needs a CNAME, which an apex cannot have). */
  public static boolean domain(ValidationException.Collector problems, String field, String domain) {
    if (domain == null || domain.length() > 253 || !DOMAIN.matcher(domain).matches()) {
      problems.add(field, domain, "is not a domain name", "use e.g. www.example.com");
      return false;
    }
    if (isApex(domain)) {
      problems.add(field, domain, "is an apex domain: Aptible's managed TLS needs a CNAME to the endpoint, and an apex"
          + " cannot have one", "serve www." + domain + " (and redirect the apex at your DNS provider), or bring your"
          + " own certificate for the apex");
      return false;
    }
    return true;
  }

  /** Whether {@code domain} is a registrable domain itself ({@code example.com}, {@code example.co.uk}). */
  static boolean isApex(String domain) {
    if (domain.startsWith("*.")) {
      return false;
    }
    String[] labels = domain.split("\\.");
    return labels.length <= 2 || (labels.length == 3
        && TWO_LABEL_SUFFIXES.contains(labels[1] + "." + labels[2]));
  }

  /** Endpoints of app {@code handle}: none at all for an {@code internal-} app. */
  public static boolean endpoints(ValidationException.Collector problems, String handle, List<String> domains) {
    if (handle != null && handle.startsWith(INTERNAL_PREFIX)) {
      problems.add("target.app", handle, "starts with '" + INTERNAL_PREFIX + "': Aptible gives such apps no endpoints,"
          + " yet " + (domains.isEmpty() ? "the web service needs one" : "the custom domains " + domains + " need them"),
          "use a handle without the '" + INTERNAL_PREFIX + "' prefix, e.g. " + handle.substring(INTERNAL_PREFIX.length()));
      return false;
    }
    return true;
  }
}
