// What a detector does with its passes, whatever its network: run each
// pass, drop the tile candidates an interior tile edge cuts (a neighbouring
// tile or a coarser pass sees those faces whole), merge the rest by
// weighted NMS in image pixels. The SSD's passes (ssd/passes.h) and
// CrowdNet's (crowdnet/passes.h) plan different regions and share this.
#ifndef FACEVEIL_INFER_PASSES_H_
#define FACEVEIL_INFER_PASSES_H_

#include <algorithm>
#include <opencv2/core/types.hpp>
#include <utility>
#include <vector>

#include "base/nms.h"
#include "base/work_steps.h"
#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/tiling.h"

namespace faceveil {

// Whether `box`, found by a tile pass over `region`, comes within
// `margin_fraction` of the region's longer side of an edge of `region` that
// is not an edge of the image (CutByRegionEdge).
bool CutByTileEdge(const Box& box, const cv::Rect& region, cv::Size image,
                   float margin_fraction);

// Runs `find(pass)` for each of `passes` in order; `Pass` has a
// `cv::Rect region` and a `bool tile` (subject to the tile-edge rule), and
// `find` returns Result<std::vector<Face>> in image pixels. Candidates of
// tile passes cut by an interior edge (CutByTileEdge at
// `edge_margin_fraction`) are dropped; the rest are merged by WeightedNms
// at `nms_iou`. Before each pass, WorkStep() reports progress and stops
// the run when the caller's watcher asks (base/work_steps.h). The first
// failing pass's (or the watcher's) status is returned.
template <typename Pass, typename Find>
Result<std::vector<Face>> RunPasses(const std::vector<Pass>& passes,
                                    cv::Size image, float edge_margin_fraction,
                                    float nms_iou, Find&& find) {
  std::vector<Face> candidates;
  for (size_t i = 0; i < passes.size(); ++i) {
    const Pass& pass = passes[i];
    FACEVEIL_RETURN_IF_ERROR(
        WorkStep(static_cast<int>(i), static_cast<int>(passes.size())));
    Result<std::vector<Face>> found = find(pass);
    if (!found.ok()) return found.status();
    for (Face& f : *found) {
      if (pass.tile &&
          CutByTileEdge(f.box, pass.region, image, edge_margin_fraction)) {
        continue;
      }
      candidates.push_back(std::move(f));
    }
  }
  return WeightedNms(candidates, nms_iou);
}

}  // namespace faceveil

#endif  // FACEVEIL_INFER_PASSES_H_
