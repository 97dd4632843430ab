// Which CrowdNet inferences an image gets. The network sees the image at its
// own resolution (or enlarged, to find faces under ~10 px), so 10-px faces
// stay 10 px; above a pixel budget the level is cut into overlapping tiles,
// so a 24-MP photo is still seen at full resolution with bounded memory. A
// pyramid of smaller copies follows down to a small long side, so that faces
// too large for the network's receptive field at full resolution are seen
// small enough. Candidates of all passes are merged by weighted NMS.
#ifndef FACEVEIL_CROWDNET_PASSES_H_
#define FACEVEIL_CROWDNET_PASSES_H_

#include <opencv2/core/types.hpp>
#include <vector>

#include "crowdnet/crowdnet.h"
#include "faceveil/face.h"
#include "faceveil/status.h"

namespace faceveil::crowdnet {

struct PassOptions {
  // The first level's scale: 1 runs the image's own pixels; > 1 enlarges it
  // first (tiny faces), < 1 shrinks it (speed, large faces only).
  float scale = 1;

  // > 0: the first level's scale is lowered so that the image's long side
  // is at most this many network pixels (a cheap look for large faces).
  int max_long_side = 0;

  // Network input pixels per inference (each side also at most
  // kMaxInputSide); a level larger than this is cut into tiles. 2^22 is a
  // 2048 x 2048 tile: ~0.3 s and ~0.5 GB of scratch on one core.
  int max_pixels = 1 << 22;

  // Neighbouring tiles overlap by this many network-input pixels: a face up
  // to this size lies whole in some tile; larger ones are left to the next,
  // halved, level (where the tile-edge rule drops their cut halves).
  int tile_overlap = 256;

  // Smaller levels follow while the previous level's long side exceeds this
  // (network-input pixels). 0: the first level only.
  int min_long_side = 640;

  // Each level after the first is this many times smaller than the one
  // before (2: halved copies). 4 skips to a copy small enough for faces
  // that fill most of the photo at a sixteenth of the first level's cost.
  float level_ratio = 2;

  // A tile candidate within this share of the tile side of an interior tile
  // edge is dropped: the face is cut there and seen whole elsewhere.
  float tile_edge_margin = 0.01f;

  // In each level after the first that shrinks the image (scale < 1),
  // candidates under this many network pixels tall are dropped: a face that
  // small was seen by a finer level at twice the pixels or more, and a
  // shrunk copy's small candidates are mostly false (run v7, balanced: AP
  // Hard 0.665 -> 0.673, recall at 1 FP/photo 0.564 -> 0.572; thorough,
  // whose first level is enlarged, unchanged). 0 keeps them all.
  float coarse_min_face = 24;
};

// One inference: `region` of the image, resized by `scale`.
struct Pass {
  cv::Rect region;
  float scale = 1;
  bool tile = false;  // subject to the tile-edge rule
  // Candidates under this many network pixels tall are dropped
  // (PassOptions::coarse_min_face on the shrunk levels; 0 keeps all).
  float min_face = 0;
};

// The passes for an image of `image` pixels, the first level first.
std::vector<Pass> PlanPasses(cv::Size image, const PassOptions& options);

// True when `box` (image pixels) comes within the margin of an edge of
// `pass`'s region beyond which the image continues.
bool TouchesInteriorEdge(const Box& box, const Pass& pass, cv::Size image,
                         float margin_fraction);

// Runs every pass, keeps candidates scoring at least `min_score` (the
// tile-edge rule applied), merges them by weighted NMS at `nms_iou` and
// returns faces in image pixels, without keypoints, by descending score.
Result<std::vector<Face>> DetectPasses(const CrowdNet& net,
                                       const cv::Mat& image,
                                       const PassOptions& options,
                                       float min_score, float nms_iou);

}  // namespace faceveil::crowdnet

#endif  // FACEVEIL_CROWDNET_PASSES_H_
