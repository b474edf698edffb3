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

  /**
   * A failure carrying {@code verification}: the message lists its mismatches, or, when nothing
   * differed but the evidence proves less than the content (counts only), says what was not proven.
   *
   * @param verification the comparison that did not verify the content
   */
  public VerificationFailedException(VerificationReport verification) {
    super(MigrationStep.VERIFY.id(), message(Objects.requireNonNull(verification, "verification")), false, null);
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

  private static String message(VerificationReport v) {
    if (!v.passed()) {
      return "verify: the target does not match the source (" + v.mismatches().size() + " of " + v.checks().size()
          + " checks failed); nothing was switched over. " + v.describeMismatches();
    }
    return "verify: the content was not proven (evidence: " + v.against() + "; not proven: "
        + (v.notProven().isEmpty() ? "the content of every table" : String.join("; ", v.notProven()))
        + "); nothing was switched over. Make the source database reachable from here, or keep the backup archive,"
        + " then resume";
  }

  /** The full comparison. */
  public VerificationReport verification() {
    return verification;
  }
}
