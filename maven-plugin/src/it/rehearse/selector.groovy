// Runs where the local PostgreSQL server is, and always in CI (where its absence then fails the IT).
return dev.cutover.maven.ItWorld.canRun()
