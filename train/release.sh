#!/usr/bin/env bash
# Makes a checkpoint the product's model: exports it to models/crowdnet.onnx,
# writes the golden test's reference outputs and pins the new SHA-256 in
# models/models.txt. Then rebuild (CMake embeds the file) and run
# `ctest -R crowdnet` and `faceveil eval --detector crowdnet`.
#   bash train/release.sh train/runs/v1/best.pt
set -euo pipefail
cd "$(dirname "$0")/.."
ckpt=${1:?usage: train/release.sh CHECKPOINT}
/usr/bin/python3 train/export.py "$ckpt" models/crowdnet.onnx \
  --reference tests/crowdnet/data/reference.txt
sha=$(sha256sum models/crowdnet.onnx | cut -d' ' -f1)
row="crowdnet                repo                                        models/crowdnet.onnx                                  $sha  embed"
if grep -q '^crowdnet ' models/models.txt; then
  sed -i "s|^crowdnet .*|$row|" models/models.txt
else
  echo "$row" >> models/models.txt
fi
echo "models/crowdnet.onnx $sha ($(stat -c %s models/crowdnet.onnx) bytes)"
