#!/usr/bin/env bash
# Makes the jars just built the new public-API baseline that `mvn verify` checks against (japicmp).
# Run it after an intended API change, look at the report it prints, and commit api-baseline/ with
# the change. Usage: scripts/update-api-baseline.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
MODULES=(ivbot-core ivbot-rules ivbot-onnx ivbot-redis ivbot-micrometer ivbot-kafka ivbot-spring-boot-starter)
list=$(IFS=,; echo "${MODULES[*]}")
# the check itself would refuse the change being recorded, so it is skipped for this build
mvn -q -B -DskipTests -Djapicmp.skip=true install -pl "$list" -am
for m in "${MODULES[@]}"; do
  cp "$m/target/$m-0.1.0-SNAPSHOT.jar" "api-baseline/$m.jar"
done
echo "api-baseline/ updated for: ${MODULES[*]}"
git status --short api-baseline/
