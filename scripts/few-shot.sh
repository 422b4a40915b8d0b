#!/usr/bin/env bash
# The few-shot protocol (docs/evaluation.md): for each K and seed, a KB of K random examples per
# language per intent, rules removed (./ivbot kb sample --no-rules), evaluated end to end with the
# default (hybrid) classifier on each data file. One line per run, then mean ± sd per K and file.
# Choose settings on dev files only (eval/dev*.jsonl); eval/test-* are for reporting.
# Usage: scripts/few-shot.sh [--data "eval/dev.jsonl ..."] [--shots "5 10"] [--seeds "1 2 3 4 5"]
#                            [--classifier hybrid] [--keep-rules]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
DATA=eval/dev.jsonl; SHOTS="5 10"; SEEDS="1 2 3 4 5"; CLASSIFIER=hybrid; RULES=--no-rules
while (( $# )); do
  case "$1" in
    --data) DATA=$2; shift 2;; --shots) SHOTS=$2; shift 2;; --seeds) SEEDS=$2; shift 2;;
    --classifier) CLASSIFIER=$2; shift 2;; --keep-rules) RULES=""; shift;;
    *) echo "unknown argument $1" >&2; exit 2;;
  esac
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for k in $SHOTS; do
  for s in $SEEDS; do
    ./ivbot kb sample --shots "$k" --seed "$s" $RULES --out "$WORK/kb-$k-$s" >/dev/null
    for d in $DATA; do
      # the first file trains the KB's model into its repository; the others reuse it
      line=$(./ivbot eval --kb "$WORK/kb-$k-$s" --data "$d" --classifier "$CLASSIFIER" \
          --model-repo "$WORK/models-$k-$s" 2>/dev/null | tail -1)
      echo "shots=$k seed=$s data=$d $line"
      echo "$line" >> "$WORK/k$k-$(basename "$d").txt"
    done
  done
  for d in $DATA; do
    python3 - "$k" "$d" "$WORK/k$k-$(basename "$d").txt" <<'PY'
import sys, statistics as st
k, data, path = sys.argv[1], sys.argv[2], sys.argv[3]
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(path) if l.strip()]
out = []
for key in rows[0]:
    if key.startswith("n"):
        continue
    vals = [float(r[key]) for r in rows]
    if any(v != v for v in vals):  # NaN: the file has no line of that kind (e.g. only out-of-scope lines)
        continue
    sd = st.stdev(vals) if len(vals) > 1 else 0.0
    out.append(f"{key}={st.mean(vals):.4f}±{sd:.4f}")
print(f"shots={k} data={data} runs={len(rows)} mean " + " ".join(out))
PY
  done
done
