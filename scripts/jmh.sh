#!/usr/bin/env bash
# Runs the JMH micro-benchmarks: scripts/jmh.sh [JMH options, e.g. -p cache=false TurnBenchmark.chatTurn]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -DskipTests install -pl ivbot-core,ivbot-rules,ivbot-benchmarks -am >&2
exec java -cp "ivbot-benchmarks/target/classes:$(cat ivbot-benchmarks/target/classpath.txt)" org.openjdk.jmh.Main "$@"
