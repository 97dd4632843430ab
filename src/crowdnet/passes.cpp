#include "crowdnet/passes.h"

#include <algorithm>
#include <cmath>

#include "infer/passes.h"
#include "infer/tiling.h"

namespace faceveil::crowdnet {
namespace {

// Bounds the pyramid however extreme the options: 2^-12 of any image the
// decoder accepts is tiny.
constexpr int kMaxLevels = 12;

void AddLevel(cv::Size image, float scale, float min_face, const PassOptions& o,
              std::vector<Pass>* out) {
  const double w = image.width * static_cast<double>(scale);
  const double h = image.height * static_cast<double>(scale);
  const double budget = std::max(o.max_pixels, kInputAlign * kInputAlign);
  const double max_side = std::min<double>(kMaxInputSide, std::sqrt(budget));
  if (w * h <= budget && w <= kMaxInputSide && h <= kMaxInputSide) {
    out->push_back(
        {cv::Rect(0, 0, image.width, image.height), scale, false, min_face});
    return;
  }
  // Square tiles of max_side network pixels, in image pixels.
  const float side = static_cast<float>(max_side / scale);
  const float overlap =
      std::min(side / 2, static_cast<float>(o.tile_overlap) / scale);
  for (float y :
       TileStarts(image.height, std::min<float>(side, image.height), overlap)) {
    for (float x :
         TileStarts(image.width, std::min<float>(side, image.width), overlap)) {
      const int x0 = std::max(0, static_cast<int>(std::floor(x)));
      const int y0 = std::max(0, static_cast<int>(std::floor(y)));
      const int x1 =
          std::min(image.width, static_cast<int>(std::ceil(x + side)));
      const int y1 =
          std::min(image.height, static_cast<int>(std::ceil(y + side)));
      // The ceil above may add a pixel; keep the scaled tile in budget.
      const int tw = std::min(x1 - x0, static_cast<int>(max_side / scale));
      const int th = std::min(y1 - y0, static_cast<int>(max_side / scale));
      out->push_back({cv::Rect(x0, y0, tw, th), scale, true, min_face});
    }
  }
}

}  // namespace

std::vector<Pass> PlanPasses(cv::Size image, const PassOptions& options) {
  std::vector<Pass> passes;
  if (image.width <= 0 || image.height <= 0 || !(options.scale > 0) ||
      !(options.level_ratio > 1)) {
    return passes;
  }
  float scale = options.scale;
  const int long_side = std::max(image.width, image.height);
  if (options.max_long_side > 0 && long_side * scale > options.max_long_side) {
    scale = static_cast<float>(options.max_long_side) / long_side;
  }
  for (int level = 0; level < kMaxLevels; ++level) {
    // A level after the first that shrinks the image keeps only its
    // larger candidates (PassOptions::coarse_min_face).
    const float min_face =
        level > 0 && scale < 1 ? options.coarse_min_face : 0.0f;
    AddLevel(image, scale, min_face, options, &passes);
    if (options.min_long_side <= 0 ||
        long_side * scale <= options.min_long_side) {
      break;
    }
    scale /= options.level_ratio;
  }
  return passes;
}

bool TouchesInteriorEdge(const Box& box, const Pass& pass, cv::Size image,
                         float margin_fraction) {
  return pass.tile && CutByTileEdge(box, pass.region, image, margin_fraction);
}

Result<std::vector<Face>> DetectPasses(const CrowdNet& net,
                                       const cv::Mat& image,
                                       const PassOptions& options,
                                       float min_score, float nms_iou) {
  return RunPasses(PlanPasses(image.size(), options), image.size(),
                   options.tile_edge_margin, nms_iou, [&](const Pass& pass) {
                     Result<std::vector<Face>> found = net.DetectCandidates(
                         image, pass.region, pass.scale, min_score);
                     if (found.ok() && pass.min_face > 0) {
                       std::erase_if(*found, [&](const Face& f) {
                         return f.box.h * pass.scale < pass.min_face;
                       });
                     }
                     return found;
                   });
}

}  // namespace faceveil::crowdnet
