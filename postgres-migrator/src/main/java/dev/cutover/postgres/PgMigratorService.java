package dev.cutover.postgres;

import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.ArchiveSummary;
import dev.cutover.core.model.PgConnection;
import dev.cutover.core.model.RestoreResult;
import dev.cutover.core.model.RestoreStrategy;
import dev.cutover.core.model.VerificationReport;
import dev.cutover.core.model.VerificationRequest;
import dev.cutover.core.model.WriteCounters;
import dev.cutover.core.spi.DatabaseMover;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link DatabaseMover} that {@code Migration} finds with {@link java.util.ServiceLoader} when
 * {@code cutover-postgres} is on the classpath: a {@link PgMigrator} with its default settings. Pass
 * {@code .dataMover(PgMigrator.builder()...build())} to configure one instead.
 */
public final class PgMigratorService implements DatabaseMover {
  private final PgMigrator delegate = PgMigrator.builder().build();

  /** A mover with {@link PgMigrator}'s defaults (ServiceLoader needs a public no-argument constructor). */
  public PgMigratorService() {}

  /** A {@link PgMigrator} with its default settings working with {@code toolkit}: the run's redactor and runner. */
  @Override
  public DatabaseMover withToolkit(dev.cutover.core.Toolkit toolkit) {
    return PgMigrator.builder().toolkit(toolkit).build();
  }

  @Override
  public boolean restoresWhileDownloading(RestoreStrategy strategy) {
    return delegate.restoresWhileDownloading(strategy);
  }

  @Override
  public ArchiveSummary inspect(Path archive) {
    return delegate.inspect(archive);
  }

  @Override
  public void checkCanRestore(ArchiveSummary archive, RestoreStrategy strategy) {
    delegate.checkCanRestore(archive, strategy);
  }

  @Override
  public void checkCanRestore(dev.cutover.core.model.PostgresInfo source, RestoreStrategy strategy) {
    delegate.checkCanRestore(source, strategy);
  }

  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      MigrationListener listener) {
    return delegate.restore(archive, target, strategy, replaceExisting, listener);
  }

  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, MigrationListener listener) {
    return delegate.restore(archive, target, strategy, replaceExisting, jobs, listener);
  }

  @Override
  public RestoreResult restore(Path archive, PgConnection target, RestoreStrategy strategy, boolean replaceExisting,
      int jobs, PgConnection source, MigrationListener listener) {
    return delegate.restore(archive, target, strategy, replaceExisting, jobs, source, listener);
  }

  @Override
  public VerificationReport verify(PgConnection target, PgConnection source, RestoreResult restored) {
    return delegate.verify(target, source, restored);
  }

  @Override
  public VerificationReport verify(PgConnection target, RestoreResult restored) {
    return delegate.verify(target, restored);
  }

  @Override
  public VerificationReport verify(VerificationRequest request) {
    return delegate.verify(request);
  }

  @Override
  public Map<String, String> copyDatabaseSettings(PgConnection source, PgConnection target) {
    return delegate.copyDatabaseSettings(source, target);
  }

  @Override
  public Optional<WriteCounters> writeCounters(PgConnection database) {
    return delegate.writeCounters(database);
  }

  @Override
  public String toString() {
    return "PgMigratorService[" + delegate + "]";
  }
}
