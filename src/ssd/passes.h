// Which SSD inferences an image gets: the whole image at one input size
// and, optionally, a 2x2 grid of overlapping tiles, each enlarged so small
// faces reach the sizes the network was trained on. Candidates of all
// passes are merged by weighted NMS in image coordinates.
#ifndef FACEVEIL_SSD_PASSES_H_
#define FACEVEIL_SSD_PASSES_H_

#include <opencv2/core/types.hpp>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"
#include "ssd/ssd_mobilenet.h"

namespace faceveil::ssd {

struct PassOptions {
  // Network input long side for the whole image; 0: no whole-image pass.
  // An image with a shorter long side is not enlarged past it, except up
  // to 512 (face-api's own size, the training resolution).
  int whole_long_side = 512;

  // Also run a 2x2 grid of tiles (WIDER crowds: faces under ~16 px are
  // found only when enlarged).
  bool tiles = false;

  // Share of a tile's side that overlaps its neighbour.
  float tile_overlap = 0.25f;

  // Each tile's input long side is its own long side times this, capped
  // at max_tile_input.
  float tile_enlarge = 1.6f;

  // Bounds one tile's cost (input long side, pixels).
  int max_tile_input = 1024;

  // A tile candidate whose box comes within this share of the tile side
  // of an interior tile edge is dropped: the face is cut there and a
  // neighbouring tile or the whole image sees it whole. Such half faces
  // were the SSD's main source of false positives on WIDER val.
  float tile_edge_margin = 0.02f;
};

// One inference: `region` of the image, scaled into `input`.
struct Pass {
  cv::Rect region;
  cv::Size input;
  bool tile = false;  // subject to the tile-edge rule
};

// The passes for an image of `image` pixels.
std::vector<Pass> PlanPasses(cv::Size image, const PassOptions& options);

// Runs every pass, keeps candidates scoring at least `min_score` (the
// tile-edge rule applied), merges them by weighted NMS at `nms_iou` and
// returns faces in image pixels, without keypoints, by descending score.
Result<std::vector<Face>> DetectPasses(const SsdMobileNet& net,
                                       const cv::Mat& image,
                                       const PassOptions& options,
                                       float min_score, float nms_iou);

}  // namespace faceveil::ssd

#endif  // FACEVEIL_SSD_PASSES_H_
