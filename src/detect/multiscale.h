// Multi-scale detection: the whole image plus overlapping tiles at finer
// scales (infer/tiling.h), run in batches through one BlazeFace network,
// merged by weighted NMS in image coordinates, optionally followed by a
// second look at uncertain candidates (detect/verify.h). The presets per
// DetectionMode: detect/presets.h.
#ifndef FACEVEIL_DETECT_MULTISCALE_H_
#define FACEVEIL_DETECT_MULTISCALE_H_

#include <opencv2/core/mat.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "detect/blazeface.h"
#include "detect/verify.h"
#include "faceveil/detector.h"
#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/letterbox.h"
#include "infer/tiling.h"

namespace faceveil {

struct MultiScaleOptions {
  // Which tiles to look at. min_face_px <= 0 with no fixed level: whole
  // image only.
  TilingOptions tiling;

  // Weighted NMS merges candidates overlapping more than this IoU.
  float nms_iou_threshold = 0.3f;

  // Tiles per forward pass. 1: with OpenCV 4.6 a batch costs more CPU per
  // tile than single passes (bench/multiscale_bench.cpp: 10.7 ms alone,
  // 12.5 ms in batches of 8, one thread).
  int batch_size = 1;

  // Tiles whose grey-level standard deviation is below this are not run
  // (sky, walls: nothing face-like). 0: run every tile.
  float flat_tile_stddev = 0;

  // Added to the logit of every tile-level (not whole-image) candidate:
  // calibrates tile scores against whole-image scores. Negative values
  // demand more of the tiles, which see more face-like texture.
  float tile_logit_offset = 0;

  // > 0: tile levels from this index on (level 0 is the whole image) run
  // only the tiles holding the centre of a coarser-level candidate that
  // scored at least guide_min_score and is small enough for them: tiles
  // with nothing face-like at the coarser scales are skipped. 0: every
  // tile of every level runs.
  int guided_from_level = 0;

  // Coarser-level candidates from this score up guide the finer levels.
  float guide_min_score = 0.1f;

  // A candidate guides a level only when its box side is at most this
  // share of the level's tile side (larger faces were already seen whole).
  float guide_max_face_fraction = 0.25f;

  // The tile-edge rule (ResolveTileEdges in infer/tiling.h). Off: every
  // tile candidate enters the merge as decoded.
  bool resolve_tile_edges = true;

  // The second look; off unless the preset turns it on.
  VerifyOptions verify;
};

// Weighted NMS over candidates from all levels, in image coordinates, as
// base/nms.h's WeightedNms, except that a `cut` candidate (a box extended
// past a tile edge) only shapes the merged box when its group has no uncut
// member: a whole view of the face wins over a guessed one.
std::vector<Face> MergeTileCandidates(std::vector<TileCandidate> candidates,
                                      float iou_threshold);

// Changes `*options` by "key=value" settings separated by spaces, commas
// or semicolons, for measuring configurations the presets do not offer
// (`faceveil eval --tune`). Keys (MultiScaleOverrideKeys()): tiles=S[/S...]
// (tile sides, image px; "none": whole image only), overlap, nms, logit
// (tile_logit_offset), flat (flat_tile_stddev), guided (guided_from_level),
// guide_min, guide_face, edges=0|1, batch, verify=0|1, verify_min,
// verify_max, verify_context, verify_max_face, verify_weight, verify_count.
// Which settings are valid does not depend on `*options`. An unknown key
// (named, with the list of keys) or a bad value is an InvalidArgument
// naming the setting; `*options` may then be partly changed.
Status ApplyMultiScaleOverrides(std::string_view spec,
                                MultiScaleOptions* options);

// The keys ApplyMultiScaleOverrides() knows, in the order listed above.
std::span<const std::string_view> MultiScaleOverrideKeys();

// score -> sigmoid(logit(score) + offset).
float ShiftScore(float score, float logit_offset);

// Detects faces in `image` (8-bit, 1/3/4 channels) at every level of
// `options.tiling`, keeping those scoring at least `score_threshold` after
// merging and verification. Thread-safe.
Result<std::vector<Face>> DetectMultiScale(const BlazeFace& net,
                                           const cv::Mat& image,
                                           float score_threshold,
                                           Resampling resampling,
                                           const MultiScaleOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_MULTISCALE_H_
