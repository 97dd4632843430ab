#!/usr/bin/env bash
# Regenerates eval/results.md: one table row per detector configuration,
# measured with `faceveil eval` on the WIDER FACE validation subset in
# ../shared/data/wider_val (research-only data: never copied into the repo).
#
#   eval/run.sh                 every configuration below
#   eval/run.sh --limit 40      a quick look (the first 40 images)
#   REUSE=1 eval/run.sh         rebuild the tables from eval/results/*.json
#                               already there, measuring only what is missing
#   ONLY=balanced eval/run.sh   measure only configurations whose label
#                               contains this text (the others' JSON is
#                               reused when present, else the row is left out)
#
# Environment: YUNET_DETECTIONS (the peer's detections, see the configs),
# FACEVEIL (the command; default build/faceveil), WIDER_DIR
# (default ../shared/data/wider_val), JOBS (default: nproc), AP_THRESHOLD
# (lowest score entering the AP; default 0.1).
#
# To add a configuration (a preset, a tiling, another threshold, another
# detector), add a line to `configs`: "label|faceveil eval flags", e.g.
#   "SSD, threshold 0.5|--detector ssd --threshold 0.5"
# Per-configuration JSON lands in eval/results/<slug of the label>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

configs=(
  "full-range, threshold 0.5|--detector blazeface --mode single --model full --threshold 0.5"
  "full-range sparse, threshold 0.5|--detector blazeface --mode single --model full-sparse --threshold 0.5"
  "short-range, threshold 0.5|--detector blazeface --mode single --model short --threshold 0.5"
  "issue table: whole + 384-px tiles (13), threshold 0.5|--detector blazeface --mode balanced --threshold 0.5 --tune tiles=384,overlap=0.25"
  "issue table: whole + 384 + 192-px tiles (48), threshold 0.5|--detector blazeface --mode balanced --threshold 0.5 --tune tiles=384/192,overlap=0.25"
  "issue table: whole + 384 + 256 + 192-px tiles (68), threshold 0.5|--detector blazeface --mode balanced --threshold 0.5 --tune tiles=384/256/192,overlap=0.25"
  "BlazeFace, preset fast: whole + 2x2 tiles (5)|--detector blazeface --mode fast --threshold 0.36"
  "BlazeFace, preset balanced: whole + 320-px tiles, 10% overlap (13)|--detector blazeface --mode balanced --threshold 0.38"
  "BlazeFace, preset thorough: whole + 384 + guided 192-px tiles (13 + ~22)|--detector blazeface --mode thorough --threshold 0.44"
  "SSD alone, balanced: full resolution (long side 1024)|--detector ssd --mode balanced"
  "SSD alone, thorough: 1024 + 2x2 tiles enlarged 1.6x|--detector ssd --mode thorough"
  "ensemble, preset fast: CrowdNet fast + SSD at 640|--detector ensemble --mode fast"
  "ensemble, preset balanced (the default): CrowdNet balanced + BlazeFace balanced + SSD at 1024|--detector ensemble --mode balanced"
  "ensemble, preset thorough: CrowdNet balanced + BlazeFace thorough + SSD 1024 and tiles|--detector ensemble --mode thorough"
  "CrowdNet, preset single: long side 640|--detector crowdnet --mode single"
  "CrowdNet, preset fast: long side 1024 + quarter size|--detector crowdnet --mode fast"
  "CrowdNet, preset balanced: own resolution + half|--detector crowdnet --mode balanced"
  "CrowdNet, preset thorough: enlarged 2x + pyramid|--detector crowdnet --mode thorough"
  # The YuNet_n peer (../shared/peers/README.md: for measuring only, never
  # shipped), scored from the JSON Lines its runner wrote; measured only when
  # YUNET_DETECTIONS names that file, else its earlier JSON is reused.
  "YuNet_n peer (ONNX Runtime, full resolution), threshold 0.6|--detections ${YUNET_DETECTIONS:-} --threshold 0.6"
)

faceveil="${FACEVEIL:-build/faceveil}"
wider="${WIDER_DIR:-../shared/data/wider_val}"
jobs="${JOBS:-$(nproc)}"
ap_threshold="${AP_THRESHOLD:-0.1}"
reuse="${REUSE:-0}"
only="${ONLY:-}"
extra=("$@")

command -v jq >/dev/null || { echo "eval/run.sh needs jq (apt-get install jq)" >&2; exit 2; }
[ -x "$faceveil" ] || { echo "no $faceveil: build first (cmake --build build)" >&2; exit 2; }
[ -f "$wider/gt.tsv" ] || { echo "no $wider/gt.tsv" >&2; exit 2; }

slug() { echo "$1" | tr 'A-Z' 'a-z' | tr -cs 'a-z0-9.' '-' | sed 's/^-*//; s/-*$//'; }

# Three decimals, and one, from a number (null: "–").
jq_defs='
  def f3: if . == null then "–" else (. * 1000 | round) as $v
    | "\($v / 1000 | floor).\(($v % 1000) + 1000 | tostring | .[1:])" end;
  def f1: if . == null then "–" else (. * 10 | round) as $v
    | "\($v / 10 | floor).\($v % 10)" end;
  def flag($l): (.privacy_by_flag[] | select(.label == $l) | .recall);
  def scored: [.privacy_by_flag[] | select(.label == "easy" or
      .label == "medium" or .label == "hard")] as $s
    | ($s | map(.covered) | add) / ($s | map(.faces) | add);'

mkdir -p eval/results
rows=()
flag_rows=()
first_json=""
for config in "${configs[@]}"; do
  label="${config%%|*}"
  read -r -a flags <<<"${config#*|}"
  json="eval/results/$(slug "$label").json"
  measure=1
  if [ -n "$only" ] && [[ "$label" != *"$only"* ]]; then measure=0; fi
  if [ "$reuse" = 1 ] && [ -f "$json" ]; then measure=0; fi
  if [[ "$label" == YuNet* ]] && [ -z "${YUNET_DETECTIONS:-}" ]; then measure=0; fi
  if [ "$measure" = 1 ]; then
    echo "== $label" >&2
    # Exit code 1 only says some images failed; the JSON counts them.
    "$faceveil" eval --gt "$wider/gt.tsv" --images "$wider" -j "$jobs" \
      --ap-threshold "$ap_threshold" --out "$json" "${flags[@]}" \
      ${extra[@]+"${extra[@]}"} >&2 || [ $? -eq 1 ]
  fi
  [ -f "$json" ] || continue
  [ -n "$first_json" ] || first_json="$json"
  rows+=("$(jq -r --arg name "$label" "$jq_defs"'
    [ $name, (.options.score_threshold * 1000 | round / 1000 | tostring),
      (.ap.easy | f3), (.ap.medium | f3), (.ap.hard | f3),
      (.privacy_recall.recall | f3), (scored | f3),
      (.privacy_by_height[] | .recall | f3),
      (.fp_per_image | f3), (.ms_per_image | f1), (.wall_seconds | f1),
      (.failed_images | tostring) ]
    | "| " + join(" | ") + " |"' "$json")")
  flag_rows+=("$(jq -r --arg name "$label" "$jq_defs"'
    [ $name, (flag("easy") | f3), (flag("medium") | f3), (flag("hard") | f3),
      (flag("blur:0") | f3), (flag("blur:1") | f3), (flag("blur:2") | f3),
      (flag("occ:0") | f3), (flag("occ:1") | f3), (flag("occ:2") | f3),
      (flag("pose:0") | f3), (flag("pose:1") | f3) ]
    | "| " + join(" | ") + " |"' "$json")")
done
[ -n "$first_json" ] || { echo "no results to tabulate" >&2; exit 1; }

{
  echo "# Detection quality on WIDER FACE (validation subset)"
  echo
  echo "Generated by \`eval/run.sh\` on $(date -u +%Y-%m-%d) at commit" \
    "$(git rev-parse --short HEAD 2>/dev/null || echo unknown);" \
    "$(jq -r .images "$first_json") images," \
    "$(jq -r '.ap_faces.hard' "$first_json") faces in the Hard setting" \
    "(\`../shared/data/wider_val\`: 5 of 61 event classes, complete)."
  echo
  echo "| configuration | threshold | AP Easy | AP Medium | AP Hard |" \
    "privacy recall | recall, scored faces | ≥64 px | 32–63 | 16–31 | 10–15 |" \
    "FP/image | ms/image | wall s | failed |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "Privacy recall by difficulty and annotation flag (same runs):"
  echo
  echo "| configuration | easy | medium | hard | blur 0 (clear) | blur 1 |" \
    "blur 2 (heavy) | occl. 0 | occl. 1 (partial) | occl. 2 (heavy) |" \
    "pose 0 | pose 1 (atypical) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${flag_rows[@]}"
  cat <<EOF

- **AP**: the official WIDER FACE protocol (IoU ≥ 0.5, scores min–max
  normalized over the run, 1000 thresholds, VOC area), on a second detector
  pass keeping every detection scoring ≥ $ap_threshold. Quirks reproduced
  and deviations are listed in \`src/eval/wider_ap.h\`.
- **privacy recall**: at the configuration's threshold, the share of faces
  ≥ 10 px tall (any difficulty, \`ignore\` and \`invalid\` included) that
  the masks would cover: a detection with IoU ≥ 0.4, or ≥ 70% of the face
  inside the union of detection boxes; then by face height.
  **recall, scored faces**: the same over the faces of the Hard setting
  only (\`ignore\` left out), the denominator the issue's table uses.
- **FP/image**: detections at the threshold hiding no annotated face (no
  face of any size with IoU ≥ 0.4 or lying ≥ 70% inside it, and the
  detection not ≥ 70% inside the union of faces), per image.
- **ms/image**: mean time inside \`Detector::Detect()\` with $jobs images
  at once on this machine (2 cores, shared with other work: noisy; the
  per-core budget is measured by \`bench/multiscale_bench\`); **wall s**:
  the operating-threshold pass.
- **issue table** rows reproduce the configurations of issue 3's table
  (tile sides given by \`--tune tiles=...\`, 25% overlap).
- **guided** tiles run only where a coarser level saw a small candidate
  scoring ≥ 0.1 (\`MultiScaleOptions::guided_from_level\`), so their number
  per image depends on the photo; a crowd runs most of them.
- BlazeFace rows: \`--detector blazeface\`; their thresholds are
  \`PresetScoreThreshold()\` in src/detect/thresholds.cpp. SSD and ensemble
  rows use \`DefaultScoreThreshold()\` (src/detect/thresholds.cpp), chosen
  by merging each model's detections saved at 0.1 (\`faceveil eval
  --save-detections\`) with \`eval/merge_sweep.cpp\` (the product's
  \`MergeEnsemble\`, \`build/bench/merge_sweep GT A.jsonl B.jsonl
  [C.jsonl]\`) over a grid of logit offsets, votes and thresholds (highest
  recall at ≤ 1 FP/image); this script measures them through the detector
  itself. The fast ensemble merges CrowdNet with the SSD, balanced and
  thorough all three: CrowdNet, BlazeFace's tiles and the SSD
  (src/detect/presets.cpp says why). Their ms/image is the sum of the
  models' \`Detect()\` time under machine load: see \`bench/multiscale_bench\` (\`BM_DetectMode\`, one
  thread) for the cost of each model.
- CrowdNet rows: \`--detector crowdnet\`, faceveil's own model
  (docs/CROWDNET.md); thresholds \`CrowdNetThreshold()\` in
  src/detect/thresholds.cpp, chosen with \`eval/sweep.sh\` on detections saved
  at 0.1. The YuNet_n row is the peer of ../shared/peers (measured only,
  never shipped), scored from the JSON Lines its ONNX Runtime runner wrote
  (\`YUNET_DETECTIONS=... eval/run.sh\`); its ms/image is its runner's.
- Every figure, with face counts: \`eval/results/*.json\`.
EOF
} > eval/results.md
echo "wrote eval/results.md" >&2
