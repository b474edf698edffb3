import dev.cutover.maven.ItWorld

try {
  def log = new File(basedir, 'build.log').text
  assert log.count('BUILD SUCCESS') == 2
  // the rehearsal: each phase timed, the throughput, verified, the estimate; kept for the plan
  assert log =~ /Rehearsal of \S+: estimated downtime \d+\.\d s for the data/
  assert log =~ /DATABASE DIRECT into legacy-shop-db-rehearsal: create-database \d+\.\d s \(before the downtime\), tunnel \d+\.\d s \(before the downtime\), copy \d+\.\d s, verify \d+\.\d s, [1-9]\d* rows, \d+ rows\/s, verified/
  def kept = new File(basedir, '.cutover/legacy-shop-to-legacy-shop/rehearsal.json')
  assert kept.isFile()
  def at = new groovy.json.JsonSlurper().parse(kept).at
  // cutover:plan afterwards shows it (cutover:rehearse logs no plan: what follows the plan's title is cutover:plan)
  def plan = log.indexOf('Migration plan: legacy-shop (Heroku) -> demo-env/legacy-shop (Aptible)')
  assert plan > 0
  assert log.substring(plan).contains('Rehearsal of ' + at + ': estimated downtime')
  assert !log.contains('rehearsed with another plan')
  assert log.contains('aptible db:deprovision legacy-shop-db-rehearsal --environment demo-env')
  // nothing on the source changed, and the migration did not start
  def changes = context.world.sourceChanges()
  assert changes.isEmpty() : changes.join('\n')
  assert !new File(basedir, '.cutover/legacy-shop-to-legacy-shop/journal.json').exists()
  for (secret in [ItWorld.HEROKU_API_KEY, ItWorld.APTIBLE_TOKEN, ItWorld.SOURCE_DB_PASSWORD, 'demo-session-secret-4f9a1c']) {
    assert !log.contains(secret) : 'a secret in build.log'
  }
} finally {
  context.world?.close()
}
return true
