package dev.cutover.core.report;

/** Where a pipeline step stands, in the journal and in the report. */
public enum StepStatus {
  /** Not started yet. */
  PENDING,
  /** Started and not finished: the process stopped or was killed while it ran. */
  RUNNING,
  /** Finished successfully. */
  DONE,
  /** Failed; a resume runs it again. */
  FAILED,
  /** Not needed for this migration (e.g. no database on the source). */
  SKIPPED,
  /** Undone by a rollback; a resume runs it again. */
  REVERTED
}
