#!/usr/bin/env bash
# Spark local mode against FileTranscriber in a plain loop on the same files (dev.stt.bench.SparkThroughput).
# Builds stt-bench and its siblings into target/ (no install) and runs the main on the module's class path:
# runtime scope plus provided (Spark), with the JVM flags Spark needs on JDK 17+ (kept in stt-spark/pom.xml).
#
#   bench/spark-throughput.sh [--minutes 15] [--cores 2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
is_21() { [[ -x "$1/bin/java" ]] && "$1/bin/java" -version 2>&1 | grep -qE 'version "(2[1-9]|[3-9][0-9])'; }
if [[ -z "${JAVA_HOME:-}" ]] || ! is_21 "$JAVA_HOME"; then
  for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    if is_21 "$j"; then export JAVA_HOME="$j"; break; fi
  done
fi
echo "building stt-bench and its class path..." >&2
./mvnw -B -q ${MVN_FLAGS:-} -DskipTests -pl stt-bench -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath-runtime.txt -DincludeScope=runtime
./mvnw -B -q ${MVN_FLAGS:-} -DskipTests -pl stt-bench -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath-provided.txt -DincludeScope=provided
cp="stt-bench/target/classes:$(cat stt-bench/target/classpath-runtime.txt):$(cat stt-bench/target/classpath-provided.txt)"
flags="$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' stt-spark/pom.xml)"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $flags -Dlog4j2.configurationFile=dev/stt/spark/log4j2-batch.properties \
  -Dstt.repo.dir="$root" -cp "$cp" dev.stt.bench.SparkThroughput "$@"
