#!/usr/bin/env bash
# The few-shot protocol on dev data: for each K and seed, a KB of K random examples per language
# per intent without rules (./ivbot kb sample), evaluated end to end on a dev file with the
# default (hybrid) classifier. Prints one line per run and the mean and sd per K.
# Usage: scripts/few-shot-dev.sh [--data eval/dev.jsonl] [--shots "5 10"] [--seeds "1 2 3 4 5"] [--classifier hybrid]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=eval/dev.jsonl; SHOTS="5 10"; SEEDS="1 2 3 4 5"; CLASSIFIER=hybrid; KEEP_RULES=""
while (( $# )); do
  case "$1" in
    --data) DATA=$2; shift 2;; --shots) SHOTS=$2; shift 2;; --seeds) SEEDS=$2; shift 2;;
    --classifier) CLASSIFIER=$2; shift 2;; --keep-rules) KEEP_RULES=1; shift;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for k in $SHOTS; do
  : > "$WORK/k$k.txt"
  for s in $SEEDS; do
    ./ivbot kb sample --shots "$k" --seed "$s" ${KEEP_RULES:+} $([[ -z $KEEP_RULES ]] && echo --no-rules) --out "$WORK/kb-$k-$s" >/dev/null
    line=$(./ivbot eval --kb "$WORK/kb-$k-$s" --data "$DATA" --classifier "$CLASSIFIER" \
        --model-repo "$WORK/models-$k-$s" 2>/dev/null | tail -1)
    echo "shots=$k seed=$s $line"
    echo "$line" >> "$WORK/k$k.txt"
  done
  python3 - "$k" "$WORK/k$k.txt" <<'PY'
import sys, statistics as st
k, path = sys.argv[1], sys.argv[2]
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(path) if l.strip()]
out = []
for key in rows[0]:
    try:
        vals = [float(r[key]) for r in rows]
    except ValueError:
        continue
    sd = st.stdev(vals) if len(vals) > 1 else 0.0
    out.append(f"{key}={st.mean(vals):.4f}±{sd:.4f}")
print(f"shots={k} runs={len(rows)} mean " + " ".join(out))
PY
done
