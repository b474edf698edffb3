package dev.cutover.core.migration;

import java.util.Optional;

/**
 * One step of the pipeline, in its own class, chained by {@link Steps} in plan order; the
 * {@link Runner} owns the loop around it (journal status, events, interruption, the verification
 * gate), as OkHttp's chain owns the calls around each interceptor. A step reads the plan and
 * decides nothing: every decision it needs is in {@link MigrationPlan}.
 *
 * <p>How to add one: see {@code package-info.java}.
 */
interface Step {
  /** Which step this is (its id, number and one-line description). */
  MigrationStep id();

  /** What it will do, for the plan; called once, while the plan is built. */
  String describe(MigrationPlan plan);

  /** Why the plan does not need it (it is journalled SKIPPED with this reason); empty: it runs. */
  default Optional<String> skipReason(MigrationPlan plan) {
    return Optional.empty();
  }

  /**
   * Whether it switches something over to the target (config, code, traffic): the runner lets it
   * run only after the data of every data move verified.
   */
  default boolean cutover() {
    return false;
  }

  /**
   * Does the step. It runs again after a failure, a cancellation or a killed JVM, so it recognises
   * what an earlier attempt did (the journal, the target's own state). A change it makes on the
   * source is registered with {@link StepContext#registerUndo} before or as it is made.
   *
   * @return one line on what it did, for the journal, the event log and the report (redacted by the runner)
   */
  String run(StepContext ctx);

  /**
   * Gives back one change this step registered; the rollback calls it for each of the step's undo
   * records, newest first, and journals it done. Must be safe to repeat.
   *
   * @return one line on what was undone
   */
  default String undo(Journal.Undo undo, StepContext ctx) {
    throw new IllegalStateException(id().id() + " registered an undo it cannot perform: " + undo.description);
  }
}
