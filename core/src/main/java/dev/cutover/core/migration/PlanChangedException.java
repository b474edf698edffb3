package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan computed now is not the one that was approved: nothing was done. {@link #changes()} says
 * what differs (when the approved plan's JSON was part of the {@link Approval}), one problem per
 * change; review the new plan and approve its fingerprint, or restore what changed.
 */
public final class PlanChangedException extends ValidationException {
  private static final long serialVersionUID = 1L;

  /** The approved fingerprint. */
  private final String approved;
  /** The fingerprint of the plan computed now. */
  private final String current;
  /** What changed, one entry per difference. */
  private final List<String> changes;

  PlanChangedException(String approved, String current, List<String> changes) {
    super("approval", problems(approved, current, changes));
    this.approved = approved;
    this.current = current;
    this.changes = List.copyOf(changes);
  }

  private static List<Problem> problems(String approved, String current, List<String> changes) {
    String fix = "review the new plan (`cutover plan`, MigrationPlan.render()) and approve " + current
        + " if it is right, or undo the change";
    List<Problem> out = new ArrayList<>();
    if (changes.isEmpty()) {
      out.add(new Problem("approval", approved, "the plan computed now has fingerprint " + current
          + " (what changed cannot be named: the approved plan's JSON was not given)", fix));
    }
    changes.forEach(c -> out.add(new Problem("plan", approved, "changed since it was approved: " + c, fix)));
    return out;
  }

  /** The approved fingerprint. */
  public String approvedFingerprint() {
    return approved;
  }

  /** The fingerprint of the plan computed now. */
  public String currentFingerprint() {
    return current;
  }

  /** What changed, one entry per difference (e.g. {@code config[NEW_FLAG]: added (COPY)}); empty when unknown. */
  public List<String> changes() {
    return changes;
  }
}
