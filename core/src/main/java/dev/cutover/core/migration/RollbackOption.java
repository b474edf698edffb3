package dev.cutover.core.migration;

/** What {@link MigrationPlan#rollback(RollbackOption...)} does beyond giving the source back its primary role. */
public enum RollbackOption {
  /**
   * Also scale every target service the run deployed to zero containers, so the target serves and
   * writes nothing (its app, databases, endpoints and config stay, listed in the report).
   */
  SCALE_TARGET_TO_ZERO
}
