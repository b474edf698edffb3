import dev.cutover.maven.ItWorld
import java.nio.file.Path

try {
  def log = new File(basedir, 'build.log').text
  assert log.count('BUILD SUCCESS') == 3
  assert log.contains('Migration plan: legacy-shop (Heroku) -> demo-env/legacy-shop (Aptible)')
  assert log =~ /\[restore\] done in/
  assert log.contains('every step is done')
  assert log.contains('Outcome: **COMPLETED**')
  assert log.contains('Outcome: **ROLLED_BACK**')
  def problems = context.world.migrationProblems('legacy-shop')
  assert problems.isEmpty() : problems.join('\n')
  assert !context.world.sourceInMaintenance() : 'rollback turned maintenance off'
  // rolled back: a later resume captures and restores again
  def journal = Path.of(basedir.path, '.cutover', 'legacy-shop-to-legacy-shop', 'journal.json')
  assert dev.cutover.core.migration.Migration.readJournal(journal).resumesAt().get().id() == 'maintenance-on'
  for (secret in [ItWorld.HEROKU_API_KEY, ItWorld.APTIBLE_TOKEN, ItWorld.SOURCE_DB_PASSWORD, 'demo-session-secret-4f9a1c',
                  'sk_test_demo_51HxYz']) {
    assert !log.contains(secret) : 'a secret in build.log'
  }
} finally {
  context.world?.close()
}
return true
