package dev.cutover.core.model;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What to verify a restored database against: the live source when it is reachable, else the backup
 * archive that was restored, else (the weakest claim, which a gate should not accept) the restore's
 * own counts. Immutable; each method returns a new request.
 *
 * <pre>{@code
 * VerificationRequest request = VerificationRequest.of(target)
 *     .source(source)                 // compared first, when it can be reached
 *     .archive(Path.of("latest.dump")) // the fallback: content digests of the archive's data
 *     .appRoles("u6d2f1a9c3b");       // source roles whose privileges and settings the target's user takes over
 * }</pre>
 */
public final class VerificationRequest {
  private final PgConnection target;
  private final PgConnection source;
  private final Path archive;
  private final List<String> appRoles;
  private final RestoreResult restored;

  private VerificationRequest(PgConnection target, PgConnection source, Path archive, List<String> appRoles,
      RestoreResult restored) {
    this.target = Objects.requireNonNull(target, "target");
    this.source = source;
    this.archive = archive;
    this.appRoles = List.copyOf(new LinkedHashSet<>(appRoles));
    this.restored = restored;
  }

  /**
   * A request to verify {@code target}, with nothing to compare it with yet.
   *
   * @param target the restored database
   * @return the request
   */
  public static VerificationRequest of(PgConnection target) {
    return new VerificationRequest(target, null, null, List.of(), null);
  }

  /**
   * Compare with the live {@code source} database (read only, never written).
   *
   * @param source the source database
   * @return a new request
   */
  public VerificationRequest source(PgConnection source) {
    return new VerificationRequest(target, Objects.requireNonNull(source, "source"), archive, appRoles, restored);
  }

  /**
   * Compare with the live source when present (a convenience for an optional source).
   *
   * @param source the source database, or empty
   * @return a new request (this one when empty)
   */
  public VerificationRequest source(Optional<PgConnection> source) {
    return source.map(this::source).orElse(this);
  }

  /**
   * Compare with this {@code pg_dump -Fc} archive when there is no source, or it cannot be reached.
   *
   * @param archive the archive the target was restored from
   * @return a new request
   */
  public VerificationRequest archive(Path archive) {
    return new VerificationRequest(target, source, Objects.requireNonNull(archive, "archive"), appRoles, restored);
  }

  /**
   * Source roles that the target's user stands for: the app's role and its credential roles. Their
   * grants and ownership map onto the target's user, and the first one's settings are expected on
   * it. By default: the source connection's user (or, against an archive, the database's owner).
   *
   * @param roles role names on the source
   * @return a new request
   */
  public VerificationRequest appRoles(String... roles) {
    List<String> all = new java.util.ArrayList<>(appRoles);
    for (String r : roles) {
      all.add(Objects.requireNonNull(r, "role"));
    }
    return new VerificationRequest(target, source, archive, all, restored);
  }

  /**
   * What the restore counted: used only when neither a source nor an archive is given (counts only).
   *
   * @param restored the restore's result
   * @return a new request
   */
  public VerificationRequest restored(RestoreResult restored) {
    return new VerificationRequest(target, source, archive, appRoles, Objects.requireNonNull(restored, "restored"));
  }

  /**
   * The database to verify.
   *
   * @return the target
   */
  public PgConnection target() {
    return target;
  }

  /**
   * The live source, when given.
   *
   * @return the source, or empty
   */
  public Optional<PgConnection> source() {
    return Optional.ofNullable(source);
  }

  /**
   * The archive, when given.
   *
   * @return the archive, or empty
   */
  public Optional<Path> archive() {
    return Optional.ofNullable(archive);
  }

  /**
   * Source roles mapped onto the target's user, in the order given (empty: the default).
   *
   * @return the roles
   */
  public List<String> appRoles() {
    return appRoles;
  }

  /**
   * The restore's own counts, when given.
   *
   * @return the restore's result, or empty
   */
  public Optional<RestoreResult> restored() {
    return Optional.ofNullable(restored);
  }

  @Override
  public String toString() {
    return "VerificationRequest[target " + target + source().map(s -> ", source " + s).orElse("")
        + archive().map(a -> ", archive " + a).orElse("") + (appRoles.isEmpty() ? "" : ", app roles " + appRoles)
        + "]";
  }
}
