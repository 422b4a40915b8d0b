#!/usr/bin/env bash
# External benchmarks: ivbot's classifiers on public intent datasets (CLINC150 full, BANKING77, CAIS),
# reproducible from a fresh checkout. See docs/benchmarks.md, section "External benchmarks".
#
# Per dataset, one after the other (never in parallel: training takes the CPU):
#   1. ./ivbot import-dataset   train split -> KB; validation split -> dev.jsonl; test split -> test.jsonl
#                               (BANKING77 ships no validation split: the importer carves 10 % of each
#                               label from train with a fixed seed, and those lines leave the KB)
#   2. ./ivbot train --dev      head trained on the KB (train split only); dev.jsonl only calibrates
#                               the head's temperature and out-of-scope bias; pinned to 2 cores
#   3. ./ivbot tune --write     per classifier, confidence_threshold and clarify_margin chosen on
#                               dev.jsonl (objective: accuracy with out-of-scope as one more class, the criterion of
#                               Larson et al. 2019) and written into that classifier's copy of kb.yaml
#   4. ./ivbot eval             test.jsonl, once, with the tuned KB
# and prints one markdown row per dataset and classifier (also written to $WORK/results.md).
#
# Few-shot protocol (issue 16; DNNC / CPFT): with --shots "5 10" --seeds "1 2 3 4 5", each run keeps K
# training examples per intent drawn at random (./ivbot import-dataset --shots K --seed S); validation
# and test splits stay whole; one row per run, then mean ± sd per dataset, K and classifier.
#
# Usage: scripts/external-benchmarks.sh [--datasets clinc150,banking77,cais] [--classifiers rules,onnx,hybrid]
#                                       [--data DIR] [--work DIR] [--cores N] [--retrain]
#                                       [--shots "5 10" --seeds "1 2 3 4 5"]
# Defaults: --data ../shared/datasets (or $IVBOT_DATASETS), --work .ivbot/bench (git-ignored), --cores 2.
# A model already trained under $WORK is reused unless --retrain is given (its training time is
# read back from its manifest).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DATASETS="clinc150,banking77,cais"
CLASSIFIERS="rules,onnx,hybrid"
DATA="${IVBOT_DATASETS:-$ROOT/../shared/datasets}"
WORK="$ROOT/.ivbot/bench"
CORES=2
RETRAIN=0
SHOTS=""
SEEDS="1 2 3 4 5"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --datasets) DATASETS="$2"; shift 2 ;;
    --classifiers) CLASSIFIERS="$2"; shift 2 ;;
    --data) DATA="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --cores) CORES="$2"; shift 2 ;;
    --retrain) RETRAIN=1; shift ;;
    --shots) SHOTS="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ -d "$DATA" ]] || { echo "no datasets folder at $DATA (use --data DIR)" >&2; exit 2; }
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"

# pin the JVM (and ONNX Runtime's threads, which follow availableProcessors) to N cores
PIN=()
if command -v taskset >/dev/null 2>&1 && [[ "$(nproc --all)" -gt "$CORES" ]]; then
  PIN=(taskset -c "0-$((CORES - 1))")
fi
export IVBOT_JAVA_OPTS="${IVBOT_JAVA_OPTS:--XX:+UseParallelGC -Xss1m -XX:ActiveProcessorCount=$CORES -Xmx3g}"

./ivbot --version >/dev/null  # builds on the first run, outside any timing

input_of() {
  case "$1" in
    clinc150) echo "$DATA/clinc150/data_full.json" ;;
    banking77) echo "$DATA/banking77" ;;
    cais) echo "$DATA/cais" ;;
    *) echo "unknown dataset $1" >&2; exit 2 ;;
  esac
}

field() { # field NAME LINE -> value of NAME=value in LINE
  sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"
}

pct() { # 0.9423 -> 94.23; nan -> n/a
  if [[ "$1" == "nan" || -z "$1" ]]; then echo "n/a"; else awk -v v="$1" 'BEGIN { printf "%.2f", v * 100 }'; fi
}

RESULTS="$WORK/results.md"
HEADER="| dataset | shots / seed | train / val / test (in-scope + oos) | classifier | threshold / margin | in-scope acc % | OOS recall % | macro-F1 | train s (${CORES} cores; head s) | p99 ms/question |"
RULE="| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
{ echo "$HEADER"; echo "$RULE"; } >"$RESULTS"

IFS=',' read -r -a DS_LIST <<<"$DATASETS"
IFS=',' read -r -a CL_LIST <<<"$CLASSIFIERS"
RUNS=("0:0")
if [[ -n "$SHOTS" ]]; then
  RUNS=()
  for k in $SHOTS; do for s in $SEEDS; do RUNS+=("$k:$s"); done; done
fi
for ds in "${DS_LIST[@]}"; do
for run in "${RUNS[@]}"; do
  shots=${run%%:*}; seed=${run##*:}
  dir="$WORK/$ds"; label="all"
  [[ "$shots" != 0 ]] && { dir="$WORK/$ds-${shots}shot-seed$seed"; label="$shots / $seed"; }
  echo "== $ds ($label): import" >&2
  mkdir -p "$dir"
  rm -rf "$dir/kb" "$dir/test.jsonl" "$dir/dev.jsonl"
  ./ivbot import-dataset --format "$ds" --in "$(input_of "$ds")" --out "$dir" --shots "$shots" --seed "$seed" \
    | tee "$dir/import.log" >&2
  n_train=$(sed -n 's/.*intents, \([0-9]*\) training examples.*/\1/p' "$dir/import.log")
  n_val=$(wc -l <"$dir/dev.jsonl")
  n_test=$(wc -l <"$dir/test.jsonl")
  n_oos=$(grep -c '"intent":"oos"' "$dir/test.jsonl" || true)
  sizes="$n_train / $n_val / $((n_test - n_oos)) + $n_oos"

  repo="$dir/models"
  train_s="-"; head_s="-"
  if [[ ",$CLASSIFIERS," == *,onnx,* || ",$CLASSIFIERS," == *,hybrid,* ]]; then
    if [[ $RETRAIN -eq 1 || -z "$(ls -d "$repo"/*/[0-9]* 2>/dev/null)" ]]; then
      echo "== $ds: train (train split only; dev.jsonl calibrates)" >&2
      rm -rf "$repo"
      "${PIN[@]}" ./ivbot train --kb "$dir/kb" --out "$repo" --dev "$dir/dev.jsonl" >"$dir/train.log" 2>&1 \
        || { tail -20 "$dir/train.log" >&2; exit 1; }
      grep -E '^\[|published' "$dir/train.log" | grep -v embedded >&2 || true
    fi
    manifest="$(ls -d "$repo"/*/[0-9]* | sort -V | tail -1)/manifest.json"
    train_s=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"]; print("%.0f" % m["train_seconds"])' "$manifest")
    head_s=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["metrics"]; print("%.0f" % m["head_seconds"]) if "head_seconds" in m else print("-")' "$manifest")
  fi

  for clf in "${CL_LIST[@]}"; do
    kb="$dir/kb-$clf"
    rm -rf "$kb"
    cp -r "$dir/kb" "$kb"
    model_args=()
    [[ "$clf" != rules ]] && model_args=(--model-repo "$repo")
    echo "== $ds / $clf: tune on dev.jsonl" >&2
    "${PIN[@]}" ./ivbot tune --kb "$kb" --data "$dir/dev.jsonl" --classifier "$clf" "${model_args[@]}" --write \
      >"$dir/tune-$clf.log" 2>&1 || { tail -20 "$dir/tune-$clf.log" >&2; exit 1; }
    grep -E '^(current|chosen)' "$dir/tune-$clf.log" >&2
    tuned=$(tail -1 "$dir/tune-$clf.log")
    echo "== $ds / $clf: eval on test.jsonl" >&2
    "${PIN[@]}" ./ivbot eval --kb "$kb" --data "$dir/test.jsonl" --classifier "$clf" "${model_args[@]}" \
      >"$dir/eval-$clf.log" 2>&1 || { tail -20 "$dir/eval-$clf.log" >&2; exit 1; }
    line=$(tail -1 "$dir/eval-$clf.log")
    echo "$line" >&2
    t="-"; h="-"
    [[ "$clf" != rules ]] && { t="$train_s"; h="$head_s"; }
    row="| $ds | $label | $sizes | $clf | $(field confidence_threshold "$tuned") / $(field clarify_margin "$tuned") | $(pct "$(field accuracy "$line")") | $(pct "$(field oos_recall "$line")") | $(awk -v v="$(field macro_f1 "$line")" 'BEGIN { printf "%.4f", v }') | $t ($h) | $(field p99_ms "$line") |"
    echo "$row" >>"$RESULTS"
  done
done
done
if [[ -n "$SHOTS" ]]; then
  # mean ± sd (sample) of in-scope accuracy and OOS recall over the seeds, per dataset, K and classifier
  echo >>"$RESULTS"
  echo "| dataset | shots | classifier | runs | in-scope acc % | OOS recall % |" >>"$RESULTS"
  echo "| --- | --- | --- | --- | --- | --- |" >>"$RESULTS"
  awk -F'|' 'NR > 2 && $3 ~ /\// {
      split($3, ks, "/"); k = ks[1] + 0; key = $2 "|" k "|" $5
      if (!(key in n)) order[++m] = key
      n[key]++; a[key] += $7; aa[key] += $7 * $7
      if ($8 ~ /[0-9]/) { o[key] += $8; oo[key] += $8 * $8; no[key]++ }
    }
    function sd(s, ss, c) { return c > 1 ? sqrt((ss - s * s / c) / (c - 1)) : 0 }
    END { for (i = 1; i <= m; i++) { key = order[i]; split(key, p, "|")
      os = no[key] ? sprintf("%.2f ± %.2f", o[key] / no[key], sd(o[key], oo[key], no[key])) : "n/a"
      printf "|%s| %d |%s| %d | %.2f ± %.2f | %s |\n", p[1], p[2], p[3], n[key], a[key] / n[key], sd(a[key], aa[key], n[key]), os } }' \
    "$RESULTS" >"$RESULTS.summary"
  cat "$RESULTS.summary" >>"$RESULTS"
  rm -f "$RESULTS.summary"
fi
cat "$RESULTS"
