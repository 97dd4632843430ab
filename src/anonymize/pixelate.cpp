#include "anonymize/pixelate.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <opencv2/core.hpp>

namespace faceveil::anonymize {

namespace {

// Block k of n along an axis of `length` starting at `origin` spans
// [Edge(k), Edge(k + 1)): the region is split evenly, so no sliver block
// with few pixels (and so more detail) is left at an edge.
int Edge(int origin, int length, int64_t n, int64_t k) {
  return origin + static_cast<int>(int64_t{length} * k / n);
}

// The blocks [first, last) that overlap [lo, hi) of the axis; only these
// are visited, so a huge, mostly off-image region costs nothing extra.
void VisibleBlocks(int origin, int length, int64_t n, int lo, int hi,
                   int64_t* first, int64_t* last) {
  *first = std::clamp<int64_t>((int64_t{lo} - origin) * n / length - 1, 0, n);
  *last = std::clamp<int64_t>((int64_t{hi} - origin) * n / length + 2, 0, n);
}

}  // namespace

int PixelBlocksAcross(float strength) {
  return std::clamp(static_cast<int>(std::lround(kMaxPixelBlocks / strength)),
                    2, kMaxPixelBlocks);
}

cv::Mat PixelateRegion(const cv::Mat& image, cv::Rect region, cv::Rect visible,
                       double block_size) {
  const int64_t nx =
      std::max<int64_t>(1, std::llround(region.width / block_size));
  const int64_t ny =
      std::max<int64_t>(1, std::llround(region.height / block_size));
  int64_t i0, i1, j0, j1;
  VisibleBlocks(region.x, region.width, nx, visible.x, visible.br().x, &i0,
                &i1);
  VisibleBlocks(region.y, region.height, ny, visible.y, visible.br().y, &j0,
                &j1);
  cv::Mat out(visible.size(), image.type());
  for (int64_t j = j0; j < j1; ++j) {
    const int y0 = Edge(region.y, region.height, ny, j);
    const int y1 = Edge(region.y, region.height, ny, j + 1);
    for (int64_t i = i0; i < i1; ++i) {
      const int x0 = Edge(region.x, region.width, nx, i);
      const int x1 = Edge(region.x, region.width, nx, i + 1);
      const cv::Rect block = cv::Rect(x0, y0, x1 - x0, y1 - y0) & visible;
      if (block.empty()) continue;
      out(block - visible.tl()).setTo(cv::mean(image(block)));
    }
  }
  return out;
}

}  // namespace faceveil::anonymize
