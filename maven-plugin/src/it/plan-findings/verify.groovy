try {
  def log = new File(basedir, 'build.log').text
  assert log.contains('BUILD FAILURE')
  // the failure message is the findings, one per line
  def error = log.readLines().findAll { it.startsWith('[ERROR]') }.join('\n')
  assert error.contains('cutover:plan: legacy-shop -> demo-env/legacy-shop has')
  assert error =~ /add-on scheduler-\S+ \(scheduler:standard\): not migrated: recreate the Heroku Scheduler jobs/
  assert !new File(basedir, '.cutover/legacy-shop-to-legacy-shop/journal.json').exists()
} finally {
  context.world?.close()
}
return true
