#include "anonymize/pixelate.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace faceveil::anonymize {

int PixelBlocksAcross(float strength) {
  return std::clamp(static_cast<int>(std::lround(8.0f / strength)), 2, 10);
}

cv::Mat PixelateRegion(const cv::Mat& image, cv::Rect region, cv::Rect visible,
                       double block_size) {
  // Whole blocks per axis: the region is split evenly, so no sliver block
  // with few pixels (and so more detail) is left at an edge.
  const int nx =
      std::max(1, static_cast<int>(std::lround(region.width / block_size)));
  const int ny =
      std::max(1, static_cast<int>(std::lround(region.height / block_size)));
  cv::Mat out(visible.size(), image.type());
  for (int j = 0; j < ny; ++j) {
    const int y0 = region.y + static_cast<int>(int64_t{region.height} * j / ny);
    const int y1 =
        region.y + static_cast<int>(int64_t{region.height} * (j + 1) / ny);
    for (int i = 0; i < nx; ++i) {
      const int x0 =
          region.x + static_cast<int>(int64_t{region.width} * i / nx);
      const int x1 =
          region.x + static_cast<int>(int64_t{region.width} * (i + 1) / nx);
      const cv::Rect block = cv::Rect(x0, y0, x1 - x0, y1 - y0) & visible;
      if (block.empty()) continue;
      out(block - visible.tl()).setTo(cv::mean(image(block)));
    }
  }
  return out;
}

}  // namespace faceveil::anonymize
