package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.internal.repo.Semver.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The runtime versions Cutover knows ({@code runtimes.properties}) and how a version request
 * resolves against them, as Heroku's buildpacks resolve it: a range to the newest release it
 * admits (a range with no upper bound stays on the Node.js LTS line), a {@code major.minor} to its
 * newest patch, an exact version to itself. Immutable; not API.
 */
final class Runtimes {
  static final Runtimes KNOWN = load();

  private final Properties table;

  private Runtimes(Properties table) {
    this.table = table;
  }

  private static Runtimes load() {
    Properties p = new Properties();
    try (InputStream in = Runtimes.class.getResourceAsStream("runtimes.properties")) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Runtimes(p);
  }

  /** A table entry, e.g. {@code default.python} or {@code tool.poetry}. */
  String get(String key) {
    String value = table.getProperty(key);
    if (value == null) {
      throw new IllegalStateException("runtimes.properties has no " + key);
    }
    return value;
  }

  /** Every known release of {@code runtime}, oldest first. */
  List<Version> releases(String runtime) {
    List<Version> all = new ArrayList<>();
    for (String key : table.stringPropertyNames()) {
      if (key.startsWith(runtime + ".")) {
        for (String v : table.getProperty(key).trim().split("\\s+")) {
          Version.find(v).ifPresent(all::add);
        }
      }
    }
    all.sort(Comparator.naturalOrder());
    return all;
  }

  /**
   * The newest known release of {@code runtime} within {@code range} (npm or, with {@code composer},
   * Composer syntax); empty when none is known.
   *
   * @throws IllegalArgumentException when {@code range} is not a range
   */
  Optional<Version> newest(String runtime, String range, boolean composer) {
    Semver.Range r = Semver.range(range, composer);
    Optional<Integer> lts = Optional.ofNullable(table.getProperty("lts." + runtime)).map(Integer::parseInt);
    List<Version> admitted = releases(runtime).stream().filter(r.admits()).toList();
    if (r.unbounded() && lts.isPresent()) {
      List<Version> capped = admitted.stream().filter(v -> v.major() <= lts.get()).toList();
      admitted = capped.isEmpty() ? admitted : capped;
    }
    return admitted.isEmpty() ? Optional.empty() : Optional.of(admitted.get(admitted.size() - 1));
  }

  /**
   * The image tag for {@code version} of an official image: with the Debian 12 suffix from the first
   * release published on it ({@code debian12.*}), without for older releases (their tags stay on the
   * Debian they were built on).
   */
  String tag(String runtime, Version version, String text) {
    Version oldest = Version.find(get("debian12." + runtime)).orElseThrow();
    return text + (version.compareTo(oldest) >= 0 ? "-bookworm" : "");
  }

  /** Whether Cutover knows the line (major.minor; major for node) of {@code version}. */
  boolean knowsLine(String runtime, Version version) {
    return releases(runtime).stream().anyMatch(v -> v.major() == version.major()
        && (runtime.equals("node") || v.minor() == version.minor()));
  }

  /** A request as Python, Go and PHP take it: {@code 3.12} is the newest 3.12.x, {@code 3.12.1} itself. */
  Version patchOf(String runtime, String request) {
    Version asked = Version.find(request).orElseThrow(() -> new IllegalArgumentException("not a version: " + request));
    boolean exact = request.trim().matches("\\D*\\d+\\.\\d+\\.\\d+.*");
    if (exact) {
      return asked;
    }
    return releases(runtime).stream().filter(v -> v.major() == asked.major() && v.minor() == asked.minor())
        .max(Comparator.naturalOrder()).orElse(asked);
  }
}
