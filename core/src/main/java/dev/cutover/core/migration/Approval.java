package dev.cutover.core.migration;

import dev.cutover.core.ValidationException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reviewer's approval of one plan, by its {@link MigrationPlan#fingerprint() fingerprint}:
 * {@code plan.run(Approval.of(fingerprint))} refuses, before any side effect, when the plan computed
 * now is not the approved one ({@link PlanChangedException}). Carry the approved plan's
 * {@link MigrationPlan#canonicalJson() canonical JSON} too ({@link #ofPlan(String)}) and the refusal
 * names what changed (a config var added, a formation changed); with the fingerprint alone it can
 * only say that something did.
 *
 * <pre>{@code
 * String approved = reviewedPlan.canonicalJson();           // stored with the change ticket
 * MigrationReport report = migration.plan().run(Approval.ofPlan(approved));
 * }</pre>
 *
 * <p>Immutable.
 */
public final class Approval {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final String fingerprint;
  private final String planJson;

  private Approval(String fingerprint, String planJson) {
    this.fingerprint = fingerprint;
    this.planJson = planJson;
  }

  /**
   * Approves the plan whose fingerprint is {@code fingerprint} (64 lowercase hex digits, as
   * {@link MigrationPlan#render()} prints it).
   *
   * @throws ValidationException when it is not a SHA-256 in hex
   */
  public static Approval of(String fingerprint) {
    Objects.requireNonNull(fingerprint, "fingerprint");
    String f = fingerprint.strip().toLowerCase(java.util.Locale.ROOT);
    if (!SHA256.matcher(f).matches()) {
      throw new ValidationException("approval", List.of(new ValidationException.Problem("approve", fingerprint,
          "is not a plan fingerprint (64 hex digits)", "copy the fingerprint `cutover plan` printed")));
    }
    return new Approval(f, null);
  }

  /**
   * Approves the plan whose canonical JSON is {@code canonicalPlanJson}; its fingerprint is the
   * SHA-256 of that text.
   *
   * @throws ValidationException when the text is not a canonical plan
   */
  public static Approval ofPlan(String canonicalPlanJson) {
    Objects.requireNonNull(canonicalPlanJson, "canonicalPlanJson");
    if (!PlanJson.isCanonicalPlan(canonicalPlanJson)) {
      throw new ValidationException("approval", List.of(new ValidationException.Problem("approval.plan",
          Journal.firstLine(canonicalPlanJson), "is not a canonical Cutover plan", "pass MigrationPlan.canonicalJson()"
          + " of the approved plan, or the file `cutover plan` saved")));
    }
    return new Approval(EventLog.sha256(canonicalPlanJson), canonicalPlanJson);
  }

  /**
   * Approves {@code fingerprint}, with the plan's content when {@link MigrationPlan#save()} kept it in
   * {@code workDirectory} (and it still hashes to that fingerprint), so a refusal names what changed.
   * Reads only.
   *
   * @throws ValidationException when {@code fingerprint} is not a SHA-256 in hex
   */
  public static Approval stored(java.nio.file.Path workDirectory, String fingerprint) {
    Approval bare = of(fingerprint);
    return PlanFiles.load(workDirectory, bare.fingerprint).map(json -> new Approval(bare.fingerprint, json)).orElse(bare);
  }

  /** Approves {@code plan} as it is now (e.g. after a reviewer read its {@link MigrationPlan#render()}). */
  public static Approval of(MigrationPlan plan) {
    return ofPlan(plan.canonicalJson());
  }

  /** The approved plan's fingerprint. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The approved plan's canonical JSON, when it was given. */
  public Optional<String> planJson() {
    return Optional.ofNullable(planJson);
  }

  /** Refuses {@code plan} unless it is the approved one, naming what changed when the approved JSON is known. */
  void check(MigrationPlan plan) {
    if (plan.fingerprint().equals(fingerprint)) {
      return;
    }
    List<String> changes = planJson == null ? List.of()
        : PlanDiff.between(planJson, plan.canonicalJson());
    throw new PlanChangedException(fingerprint, plan.fingerprint(), changes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Approval a && a.fingerprint.equals(fingerprint);
  }

  @Override
  public int hashCode() {
    return fingerprint.hashCode();
  }

  @Override
  public String toString() {
    return "Approval[" + fingerprint + (planJson == null ? "" : ", with the plan") + "]";
  }
}
