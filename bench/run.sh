#!/usr/bin/env bash
# Restore benchmark: see bench/README.md.  Usage: bench/run.sh [SCALE] [extra Bench options, e.g. --runs 5 --jobs 2]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scale="${1:-60}"
shift || true
cd "$root"
deps="$(mktemp)"
trap 'rm -f "$deps"' EXIT
# Compile and resolve in one reactor build, so sibling modules resolve to their target/ directories
# and nothing needs to be installed in ~/.m2 first (the last module written is postgres-migrator).
./mvnw -q -B -pl postgres-migrator -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$deps"
cp="core/target/classes:testkit/target/classes:postgres-migrator/target/classes:postgres-migrator/target/test-classes"
cp="$cp:$(tr ':' '\n' < "$deps" | grep -v '/dev/cutover/' | paste -sd: -)"
out="bench/results/latest.md"
java -cp "$cp" dev.cutover.postgres.parallel.bench.Bench --scale "$scale" --out "$out" "$@"
cp "$out" "bench/results/scale-$scale.md"
