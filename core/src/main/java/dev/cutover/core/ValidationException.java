package dev.cutover.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Input was rejected before anything happened. Carries every problem found, not just the first.
 *
 * <pre>{@code
 * ValidationException.Collector problems = ValidationException.collector("plan");
 * if (!HANDLE.matcher(handle).matches()) {
 *   problems.add("target.app", handle, "must be lowercase letters, digits, '.', '_' or '-'", "rename it, e.g. my-app");
 * }
 * problems.throwIfAny();
 * }</pre>
 */
public class ValidationException extends MigrationException {
  private static final long serialVersionUID = 1L;

  /**
   * One bad input.
   *
   * @param field where it is, e.g. {@code database.version} or {@code --app}
   * @param value the value given, already masked when secret ({@code ****})
   * @param problem what is wrong with it
   * @param fix how to fix it
   */
  public record Problem(String field, String value, String problem, String fix) {
    public Problem {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(problem, "problem");
      Objects.requireNonNull(fix, "fix");
    }

    @Override
    public String toString() {
      return field + " = '" + value + "': " + problem + "; " + fix;
    }
  }

  private final List<Problem> problems;

  public ValidationException(String step, List<Problem> problems) {
    super(step, render(step, problems), false, null);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ValidationException needs at least one problem");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order found. Never empty. */
  public List<Problem> problems() {
    return problems;
  }

  /** A collector for the problems of one validation pass. */
  public static Collector collector(String step) {
    return new Collector(step);
  }

  private static String render(String step, List<Problem> problems) {
    return (step == null ? "" : step + ": ") + problems.size() + " invalid input"
        + (problems.size() == 1 ? "" : "s") + "\n"
        + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
  }

  /** Gathers problems, then throws them all at once. Not thread-safe. */
  public static final class Collector {
    private final String step;
    private final java.util.ArrayList<Problem> problems = new java.util.ArrayList<>();

    private Collector(String step) {
      this.step = step;
    }

    /** Records a problem with a plain (non-secret) value. */
    public Collector add(String field, Object value, String problem, String fix) {
      problems.add(new Problem(field, String.valueOf(value), problem, fix));
      return this;
    }

    /** Records a problem whose value is secret: the value is shown as {@code ****}. */
    public Collector addSecret(String field, String problem, String fix) {
      problems.add(new Problem(field, Secret.mask(), problem, fix));
      return this;
    }

    /** Adds every problem of {@code other}, e.g. from a nested validation. */
    public Collector addAll(ValidationException other) {
      problems.addAll(other.problems());
      return this;
    }

    public boolean isEmpty() {
      return problems.isEmpty();
    }

    public List<Problem> problems() {
      return List.copyOf(problems);
    }

    /** @throws ValidationException with every problem recorded, if there is any */
    public void throwIfAny() {
      if (!problems.isEmpty()) {
        throw new ValidationException(step, problems);
      }
    }
  }
}
