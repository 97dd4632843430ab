#!/usr/bin/env bash
# Privacy recall and false positives per image of saved detections at several
# thresholds: how a preset's default threshold is chosen (the highest recall
# at <= 1 FP/image on WIDER val).
#
#   build/faceveil eval --gt ../shared/data/wider_val/gt.tsv --detector crowdnet \
#     --mode balanced --threshold 0.1 --save-detections /tmp/balanced.jsonl
#   eval/sweep.sh /tmp/balanced.jsonl 0.3 0.35 0.4 0.45 0.5
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:?usage: eval/sweep.sh DETECTIONS.jsonl THRESHOLD...}
shift
faceveil="${FACEVEIL:-build/faceveil}"
wider="${WIDER_DIR:-../shared/data/wider_val}"
command -v jq >/dev/null || { echo "eval/sweep.sh needs jq" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf 'threshold\trecall\tFP/image\t>=64\t32-63\t16-31\t10-15\n'
for t in "$@"; do
  "$faceveil" eval --gt "$wider/gt.tsv" --images "$wider" --detections "$file" \
    --threshold "$t" --ap-threshold "$t" --out "$out" >/dev/null 2>&1 || [ $? -eq 1 ]
  jq -r --arg t "$t" '[$t, (.privacy_recall.recall * 1000 | round / 1000),
    (.fp_per_image * 1000 | round / 1000),
    (.privacy_by_height[] | .recall * 1000 | round / 1000)] | @tsv' "$out"
done
