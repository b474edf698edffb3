#!/usr/bin/env bash
# Redis copy benchmark: see bench/README.md.  Usage: bench/redis.sh [KEYS] [extra RedisBench options, e.g. --big-mb 50 --connections 4]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
keys="${1:-500000}"
shift || true
cd "$root"
deps="$(mktemp)"
trap 'rm -f "$deps"' EXIT
# One offline reactor build, so sibling modules resolve to their target/ directories (nothing installed in ~/.m2);
# the dependency plugin by its coordinates (as pinned in the root pom): its prefix needs repository metadata.
./mvnw -o -q -B -pl redis-migrator -am test-compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$deps"
cp="core/target/classes:testkit/target/classes:redis-migrator/target/classes:redis-migrator/target/test-classes"
cp="$cp:$(tr ':' '\n' < "$deps" | grep -v '/dev/cutover/' | paste -sd: -)"
out="bench/results/redis-latest.md"
java -cp "$cp" dev.cutover.redis.bench.RedisBench --keys "$keys" --out "$out" "$@"
cp "$out" "bench/results/redis-$keys.md"
