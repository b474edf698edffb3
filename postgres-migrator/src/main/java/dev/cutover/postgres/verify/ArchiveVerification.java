package dev.cutover.postgres.verify;

import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.VerificationReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Verification of a target against the archive it was restored from. */
final class ArchiveVerification {
  ArchiveVerification(Path archive, PgConnection target, List<String> appRoles, int jobs, Optional<String> unreachable) {
  }

  VerificationReport run() {
    throw new UnsupportedOperationException("todo");
  }
}
