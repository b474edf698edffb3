// What the consumer resolved, against the versions the Cutover build compiled and tested with
// (scriptVariables from maven-plugin/pom.xml, i.e. the BOM's own properties).
def resolved = new File(basedir, 'dependencies.txt').readLines()*.trim().findAll { it.count(':') >= 4 }
    .collectEntries { line -> def p = line.split(':'); [(p[0] + ':' + p[1]): p[3]] }
def expected = [
  'org.apache.sshd:sshd-osgi': sshdVersion,
  'org.apache.sshd:sshd-sftp': sshdVersion,
  'org.apache.sshd:sshd-core': sshdVersion,
  'org.apache.sshd:sshd-common': sshdVersion,
  'org.apache.sshd:sshd-git': sshdVersion,
  'org.eclipse.jgit:org.eclipse.jgit': jgitVersion,
  'org.eclipse.jgit:org.eclipse.jgit.ssh.apache': jgitVersion,
  'com.squareup.okhttp3:okhttp-jvm': okhttpVersion,
  'com.fasterxml.jackson.core:jackson-databind': jacksonVersion,
  'org.postgresql:postgresql': postgresqlVersion,
]
def wrong = expected.findAll { ga, v -> resolved[ga] != v }.collect { ga, v -> "$ga: resolved ${resolved[ga]}, tested with $v" }
assert wrong.isEmpty() : wrong.join('\n')
return true
