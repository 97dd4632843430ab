#include "ssd/passes.h"

#include <algorithm>
#include <cmath>

#include "infer/passes.h"

namespace faceveil::ssd {

std::vector<Pass> PlanPasses(cv::Size image, const PassOptions& options) {
  std::vector<Pass> passes;
  if (image.width <= 0 || image.height <= 0) return passes;
  const cv::Rect all(0, 0, image.width, image.height);
  const int longer = std::max(image.width, image.height);
  if (options.whole_long_side > 0) {
    const int side = std::min(options.whole_long_side, std::max(longer, 512));
    passes.push_back(Pass{all, InputSizeFor(image, side), false});
  }
  if (options.tiles) {
    const double overlap = std::clamp<double>(options.tile_overlap, 0, 0.9);
    // Two tiles of side t overlapping by overlap * t span the image.
    const int tw = static_cast<int>(std::ceil(image.width / (2 - overlap)));
    const int th = static_cast<int>(std::ceil(image.height / (2 - overlap)));
    for (int row = 0; row < 2; ++row) {
      for (int col = 0; col < 2; ++col) {
        const cv::Rect tile(col == 0 ? 0 : image.width - tw,
                            row == 0 ? 0 : image.height - th, tw, th);
        const cv::Rect r = tile & all;
        if (r.empty()) continue;
        const int side =
            std::min(options.max_tile_input,
                     static_cast<int>(std::lround(std::max(r.width, r.height) *
                                                  options.tile_enlarge)));
        passes.push_back(Pass{r, InputSizeFor(r.size(), side), true});
      }
    }
  }
  return passes;
}

Result<std::vector<Face>> DetectPasses(const SsdMobileNet& net,
                                       const cv::Mat& image,
                                       const PassOptions& options,
                                       float min_score, float nms_iou) {
  Result<std::vector<Face>> merged = RunPasses(
      PlanPasses(image.size(), options), image.size(), options.tile_edge_margin,
      nms_iou, [&](const Pass& pass) {
        return net.DetectCandidates(image, pass.region, pass.input, min_score);
      });
  if (!merged.ok()) return merged.status();
  for (Face& f : *merged) {
    f.has_keypoints = false;
    f.keypoints = {};
  }
  return merged;
}

}  // namespace faceveil::ssd
