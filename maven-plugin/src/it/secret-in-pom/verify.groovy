def log = new File(basedir, 'build.log').text
def error = log.readLines().findAll { it.startsWith('[ERROR]') }.join('\n')
assert error =~ /herokuApiKey = '\*\*\*\*': a secret in the POM is refused/
assert error =~ /registryPassword = '\*\*\*\*': a secret in the POM is refused/
assert error.contains('mvn --encrypt-password')
// every problem at once: the missing environment and the bad strategy too
assert error =~ /environment = 'unset'/
assert error =~ /restore = 'fastest': is not a restore strategy/
assert !log.contains('hk-committed-by-mistake-0192')
assert !log.contains('registry-committed-by-mistake-77')
return true
