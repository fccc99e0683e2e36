#!/usr/bin/env bash
# Runs LoadDriver on this worktree's compiled classes without `mvn install` (which would overwrite the
# artifacts in ~/.m2 other checkouts use): compile + classpath in the reactor, then java.
#   bench/load-doors.sh [--skip-build] [LoadDriver ARGS...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
if [[ "${1:-}" == --skip-build ]]; then shift; else
  ./mvnw -B -o -q -pl stt-bench -am compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dstt.repo.dir="$root" -cp "stt-bench/target/classes:$(cat stt-bench/target/classpath.txt)" dev.stt.bench.LoadDriver "$@"
