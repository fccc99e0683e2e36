#!/usr/bin/env bash
# Runs a stt-bench main class on the module's classpath (the peers' jars and the Vosk model archive are
# kept out of the shaded benchmarks.jar), building stt-bench first unless --skip-build.
#
#   bench/java.sh [--skip-build] dev.stt.bench.LoadDriver [ARGS...]
#   bench/java.sh --build-only
#   e.g. bench/java.sh dev.stt.bench.LoadDriver --clients 1,4,8,16,32,64 --step-seconds 30
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build=1
only=0
if [[ "${1:-}" == --skip-build ]]; then build=0; shift; fi
if [[ "${1:-}" == --build-only ]]; then only=1; shift; fi
[[ $# -ge 1 || $only == 1 ]] || { echo "usage: bench/java.sh [--skip-build] MAIN_CLASS [ARGS...] | --build-only" >&2; exit 2; }

is_21() { [[ -x "$1/bin/java" ]] && "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; }
if [[ -z "${JAVA_HOME:-}" ]] || ! is_21 "$JAVA_HOME"; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if is_21 "$j"; then export JAVA_HOME="$j"; break; fi
  done
fi
if [[ $build == 1 || ! -f stt-bench/target/classpath.txt ]]; then
  echo "building stt-bench and its classpath..." >&2
  ./mvnw -B -q ${MVN_FLAGS:-} -pl stt-bench -am install -DskipTests
  ./mvnw -B -q ${MVN_FLAGS:-} -pl stt-bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
[[ $only == 0 ]] || exit 0
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dstt.repo.dir="$root" -cp "stt-bench/target/classes:$(cat stt-bench/target/classpath.txt)" "$@"
