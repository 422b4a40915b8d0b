#!/usr/bin/env bash
# Compares the servlet server's HTTP turn of an older commit with the working tree's build, in
# alternating runs on the same machine in the same hour (a shared VM's speed drifts between runs, so
# only pairs compare). Usage: scripts/http-bench-ab.sh <base-commit> [pairs] [extra bench options]
# Builds the base in a git worktree under ${TMPDIR:-/tmp} with `mvn package` (nothing is installed),
# and the working tree with the launcher's own build. Prints each run's result line.
set -euo pipefail
base=${1:?usage: scripts/http-bench-ab.sh <base-commit> [pairs] [bench options]}
pairs=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
work="${TMPDIR:-/tmp}/ivbot-ab-$(git rev-parse --short "$base")"
if [[ ! -d "$work/wt" ]]; then
  mkdir -p "$work"
  git worktree add -q --detach "$work/wt" "$base"
fi
(cd "$work/wt" && mvn -q -B package -DskipTests -Djapicmp.skip=true -pl examples -am)
./ivbot --help >/dev/null 2>&1 || true # builds the working tree if it changed
# the base's classpath: the working tree's, with every ivbot jar taken from the base's build
python3 - "$root/examples/target/classpath.txt" "$work/wt" > "$work/classpath.txt" <<'PY'
import os, re, sys
parts = open(sys.argv[1]).read().strip().split(':')
out = []
for p in parts:
    m = re.search(r'/dev/ivbot/([\w-]+)/[^/]+/([^/]+\.jar)$', p)
    if m:
        module = 'examples' if m.group(1) == 'ivbot-examples' else m.group(1)
        jar = os.path.join(sys.argv[2], module, 'target', m.group(2))
        if not os.path.exists(jar):
            sys.exit('no ' + jar + ' in the base build')
        out.append(jar)
    else:
        out.append(p)
print(':'.join(out))
PY
opts="-XX:+UseParallelGC -XX:+UseCountedLoopSafepoints -XX:LoopStripMiningIter=1000 -Xss1m -Dfile.encoding=UTF-8"
for _ in $(seq 1 "$pairs"); do
  echo -n "base $base: "
  java $opts -cp "$work/wt/examples/target/classes:$(cat "$work/classpath.txt")" \
    dev.ivbot.examples.bench.HttpBenchmark --scenario http --seconds 10 "$@" 2>&1 | grep '^scenario='
  echo -n "working tree: "
  java $opts -cp "examples/target/classes:$(cat examples/target/classpath.txt)" \
    dev.ivbot.examples.bench.HttpBenchmark --scenario http --seconds 10 "$@" 2>&1 | grep '^scenario='
done
