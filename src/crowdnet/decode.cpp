#include "crowdnet/decode.h"

#include <algorithm>
#include <cmath>

namespace faceveil::crowdnet {
namespace {

// exp(8) strides: far beyond any face the grids can hold; bounds a wild
// value from a damaged model instead of producing inf.
constexpr float kMaxLogDistance = 8.0f;

}  // namespace

void DecodeGrid(const cv::Mat& score, const cv::Mat& box, int stride,
                float min_score, const InputPlacement& placement,
                std::vector<Face>* out) {
  const int h = score.size[2];
  const int w = score.size[3];
  const size_t plane = static_cast<size_t>(h) * w;
  const float* s = score.ptr<float>();
  const float* d = box.ptr<float>();
  const float inv = 1.0f / placement.scale;
  for (int row = 0; row < h; ++row) {
    const float cy = (row + 0.5f) * stride;
    if (cy >= placement.height) break;
    for (int col = 0; col < w; ++col) {
      const float cx = (col + 0.5f) * stride;
      if (cx >= placement.width) break;
      const size_t i = static_cast<size_t>(row) * w + col;
      // NaN fails this comparison too and is skipped.
      if (!(s[i] >= min_score)) continue;
      auto dist = [&](int k) {
        return std::exp(std::min(d[k * plane + i], kMaxLogDistance)) * stride;
      };
      const float x0 = cx - dist(0), y0 = cy - dist(1);
      const float x1 = cx + dist(2), y1 = cy + dist(3);
      Face f;
      f.box = {x0 * inv + placement.offset_x, y0 * inv + placement.offset_y,
               (x1 - x0) * inv, (y1 - y0) * inv};
      f.score = std::min(s[i], 1.0f);
      f.has_keypoints = false;
      if (f.box.w > 0 && f.box.h > 0) out->push_back(f);
    }
  }
}

}  // namespace faceveil::crowdnet
