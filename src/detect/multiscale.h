// Multi-scale detection: the whole image plus overlapping tiles at finer
// scales (detect/tiling.h), run in batches through one BlazeFace network,
// merged by weighted NMS in image coordinates, optionally followed by a
// second look at uncertain candidates (detect/verify.h). The presets behind
// DetectionMode live here too.
#ifndef FACEVEIL_DETECT_MULTISCALE_H_
#define FACEVEIL_DETECT_MULTISCALE_H_

#include <opencv2/core/mat.hpp>
#include <vector>

#include "detect/blazeface.h"
#include "detect/letterbox.h"
#include "detect/tiling.h"
#include "detect/verify.h"
#include "faceveil/detector.h"
#include "faceveil/face.h"
#include "faceveil/status.h"

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

  // The second look; off unless the preset turns it on.
  VerifyOptions verify;
};

// The configuration behind each DetectionMode for `options` (min_face_px
// and the model's input size enter the tiling).
MultiScaleOptions MultiScalePreset(const DetectorOptions& options,
                                   const ModelSpec& spec);

// Weighted NMS over candidates from all levels, in image coordinates, as
// detect/nms.h's WeightedNms, except that a `cut` candidate (a box extended
// past a tile edge) only shapes the merged box when its group has no uncut
// member: a whole view of the face wins over a guessed one.
std::vector<Face> MergeTileCandidates(std::vector<TileCandidate> candidates,
                                      float iou_threshold);

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
