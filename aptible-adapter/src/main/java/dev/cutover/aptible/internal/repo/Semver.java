package dev.cutover.aptible.internal.repo;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Versions and version ranges as Heroku's buildpacks read them: npm ranges ({@code engines.node}:
 * {@code ^}, {@code ~}, {@code x}, hyphen ranges, {@code ||}) and Composer constraints ({@code ^8.1},
 * {@code >=8.1,<9}, {@code |}). Not API.
 */
final class Semver {
  private static final Pattern VERSION = Pattern.compile("v?(\\d+)(?:\\.(\\d+|[xX*]))?(?:\\.(\\d+|[xX*]))?");
  private static final Pattern COMPARATOR = Pattern.compile("(>=|<=|>|<|=|\\^|~>?|)\\s*(v?[0-9xX*][0-9xX*.]*)");

  private Semver() {}

  /** A released version; a missing minor or patch is 0. */
  record Version(int major, int minor, int patch) implements Comparable<Version> {
    /** The version in {@code text}, e.g. {@code 3.12.1}, {@code v16}, {@code python-3.12}: its first number run. */
    static Optional<Version> find(String text) {
      Matcher m = Pattern.compile("(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?").matcher(text);
      return m.find() ? Optional.of(new Version(Integer.parseInt(m.group(1)), num(m.group(2)), num(m.group(3))))
          : Optional.empty();
    }

    @Override
    public int compareTo(Version o) {
      return major != o.major ? Integer.compare(major, o.major) : minor != o.minor ? Integer.compare(minor, o.minor)
          : Integer.compare(patch, o.patch);
    }

    @Override
    public String toString() {
      return major + "." + minor + "." + patch;
    }
  }

  /** A parsed range: the versions it admits and whether some alternative has no upper bound. */
  record Range(Predicate<Version> admits, boolean unbounded) {}

  private static int num(String s) {
    return s == null ? 0 : Integer.parseInt(s);
  }

  /**
   * Parses an npm range, or a Composer constraint when {@code composer} (there {@code ~8.1} means
   * {@code >=8.1 <9}, as Ruby's {@code ~>}).
   *
   * @throws IllegalArgumentException when {@code text} is not a range
   */
  static Range range(String text, boolean composer) {
    String normalized = text.trim().replaceAll("\\s*\\|\\|?\\s*", "||").replaceAll("\\s*,\\s*", " ");
    if (normalized.isEmpty() || normalized.equals("*") || normalized.equalsIgnoreCase("x")) {
      return new Range(v -> true, true);
    }
    List<Predicate<Version>> alternatives = new ArrayList<>();
    boolean unbounded = false;
    for (String alt : normalized.split("\\|\\|")) {
      List<Bound> bounds = new ArrayList<>();
      Matcher hyphen = Pattern.compile("^\\s*(\\S+)\\s+-\\s+(\\S+)\\s*$").matcher(alt);
      if (hyphen.matches()) {
        bounds.add(bound(">=", hyphen.group(1)));
        bounds.add(bound("<=", hyphen.group(2)));
      } else {
        Matcher m = COMPARATOR.matcher(alt.trim());
        int at = 0;
        while (m.find()) {
          if (!alt.trim().substring(at, m.start()).isBlank()) {
            throw new IllegalArgumentException("not a version range: " + text);
          }
          bounds.addAll(expand(composer && m.group(1).equals("~") ? "~>" : m.group(1), m.group(2)));
          at = m.end();
        }
        if (bounds.isEmpty() || !alt.trim().substring(at).isBlank()) {
          throw new IllegalArgumentException("not a version range: " + text);
        }
      }
      unbounded |= bounds.stream().noneMatch(b -> b.op.startsWith("<"));
      alternatives.add(v -> bounds.stream().allMatch(b -> b.test(v)));
    }
    return new Range(v -> alternatives.stream().anyMatch(p -> p.test(v)), unbounded);
  }

  private record Bound(String op, Version v) {
    boolean test(Version x) {
      int c = x.compareTo(v);
      return switch (op) {
        case ">=" -> c >= 0;
        case ">" -> c > 0;
        case "<" -> c < 0;
        case "<=" -> c <= 0;
        default -> c == 0;
      };
    }
  }

  private static Bound bound(String op, String version) {
    return expand(op, version).get(0);
  }

  /** One comparator as bounds; a partial version ({@code 16}, {@code 16.x}) is the range it stands for. */
  private static List<Bound> expand(String op, String version) {
    Matcher m = VERSION.matcher(version);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a version: " + version);
    }
    int major = Integer.parseInt(m.group(1));
    boolean hasMinor = m.group(2) != null && Character.isDigit(m.group(2).charAt(0));
    boolean hasPatch = hasMinor && m.group(3) != null && Character.isDigit(m.group(3).charAt(0));
    int minor = hasMinor ? Integer.parseInt(m.group(2)) : 0;
    int patch = hasPatch ? Integer.parseInt(m.group(3)) : 0;
    Version low = new Version(major, minor, patch);
    Version next = hasPatch ? new Version(major, minor, patch + 1)
        : hasMinor ? new Version(major, minor + 1, 0) : new Version(major + 1, 0, 0);
    return switch (op) {
      case ">=" -> List.of(new Bound(">=", low));
      case ">" -> List.of(new Bound(">=", next));
      case "<" -> List.of(new Bound("<", low));
      case "<=" -> List.of(new Bound("<", next));
      case "^" -> List.of(new Bound(">=", low), new Bound("<", major > 0 || !hasMinor ? new Version(major + 1, 0, 0)
          : minor > 0 || !hasPatch ? new Version(0, minor + 1, 0) : new Version(0, 0, patch + 1)));
      case "~" -> List.of(new Bound(">=", low), new Bound("<", hasMinor ? new Version(major, minor + 1, 0)
          : new Version(major + 1, 0, 0)));
      case "~>" -> List.of(new Bound(">=", low), new Bound("<", hasPatch ? new Version(major, minor + 1, 0)
          : new Version(major + 1, 0, 0)));
      default -> hasPatch ? List.of(new Bound("=", low)) : List.of(new Bound(">=", low), new Bound("<", next));
    };
  }
}
