#include "infer/passes.h"

namespace faceveil {

bool CutByTileEdge(const Box& box, const cv::Rect& region, cv::Size image,
                   float margin_fraction) {
  const float margin = margin_fraction * static_cast<float>(std::max(
                                             region.width, region.height));
  return CutByRegionEdge(box, region, image, margin);
}

}  // namespace faceveil
