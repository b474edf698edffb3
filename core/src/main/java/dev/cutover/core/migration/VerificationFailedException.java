package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import dev.cutover.core.model.VerificationReport;
import java.util.Objects;

/**
 * The restored data does not match the source. The pipeline stops before any cutover step
 * (configure, deploy, scale): the source stays primary. Fix the cause, then resume (the restore runs
 * again when told to with {@code replaceExisting}) or roll back.
 */
public class VerificationFailedException extends MigrationException {
  private static final long serialVersionUID = 1L;

  private final transient VerificationReport verification;

  /** A failure carrying {@code verification}, whose mismatches the message lists. */
  public VerificationFailedException(VerificationReport verification) {
    super(MigrationStep.VERIFY.id(), "verify: the target does not match the source ("
        + Objects.requireNonNull(verification, "verification").mismatches().size() + " of "
        + verification.checks().size() + " checks failed); nothing was switched over. "
        + verification.describeMismatches(), false, null);
    this.verification = verification;
  }

  /** A failure of {@code step}'s comparison of {@code what} (e.g. {@code the Redis database x}). */
  VerificationFailedException(MigrationStep step, String what, VerificationReport verification) {
    super(step.id(), step.id() + ": " + what + " does not match the source ("
        + Objects.requireNonNull(verification, "verification").mismatches().size() + " of "
        + verification.checks().size() + " checks failed); nothing was switched over. "
        + verification.describeMismatches(), false, null);
    this.verification = verification;
  }

  /** The full comparison. */
  public VerificationReport verification() {
    return verification;
  }
}
