import dev.cutover.maven.ItWorld

try {
  def log = new File(basedir, 'build.log').text
  assert log.contains('BUILD SUCCESS')
  assert log.contains('Migration plan: legacy-shop (Heroku) -> demo-env/legacy-shop (Aptible)')
  // the POM's options reached the plan: restore strategy, database size, a per-type container size
  assert log.contains('PG_RESTORE into legacy-shop-db')
  assert log.contains('db:create legacy-shop-db --type postgresql --version 15 --disk-size 20 --container-size 2048')
  assert log =~ /worker +x1 +2048 MB/
  assert log.contains('Finding: add-on')
  // nothing changed: no journal, no Aptible app
  assert !new File(basedir, '.cutover/legacy-shop-to-legacy-shop/journal.json').exists()
  for (secret in [ItWorld.HEROKU_API_KEY, ItWorld.APTIBLE_TOKEN, ItWorld.SOURCE_DB_PASSWORD, 'demo-session-secret-4f9a1c']) {
    assert !log.contains(secret) : 'a secret in build.log'
  }
} finally {
  context.world?.close()
}
return true
