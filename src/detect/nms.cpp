#include "detect/nms.h"

#include <algorithm>

namespace faceveil {

std::vector<Face> WeightedNms(std::vector<Face> candidates,
                              float iou_threshold) {
  // Stable: equal scores keep the decoder's (anchor) order, so the result
  // does not depend on the sort implementation.
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const Face& a, const Face& b) { return a.score > b.score; });

  std::vector<Face> out;
  std::vector<Face> remaining = std::move(candidates);
  std::vector<Face> rest;
  while (!remaining.empty()) {
    const Face& best = remaining.front();
    // Averages of the corners, not of (x, y, w, h): equal here since the
    // weights sum to one, but this is the definition MediaPipe uses.
    double x0 = 0, y0 = 0, x1 = 0, y1 = 0, total = 0;
    double kx[kNumKeypoints] = {}, ky[kNumKeypoints] = {};
    rest.clear();
    for (const Face& f : remaining) {
      if (IoU(f.box, best.box) <= iou_threshold && &f != &best) {
        rest.push_back(f);
        continue;
      }
      const double s = f.score;
      total += s;
      x0 += s * f.box.x;
      y0 += s * f.box.y;
      x1 += s * (f.box.x + f.box.w);
      y1 += s * (f.box.y + f.box.h);
      for (int k = 0; k < kNumKeypoints; ++k) {
        kx[k] += s * f.keypoints[k].x;
        ky[k] += s * f.keypoints[k].y;
      }
    }
    Face merged = best;
    if (total > 0) {
      merged.box.x = static_cast<float>(x0 / total);
      merged.box.y = static_cast<float>(y0 / total);
      merged.box.w = static_cast<float>((x1 - x0) / total);
      merged.box.h = static_cast<float>((y1 - y0) / total);
      for (int k = 0; k < kNumKeypoints; ++k) {
        merged.keypoints[k] = Point{static_cast<float>(kx[k] / total),
                                    static_cast<float>(ky[k] / total)};
      }
    }
    out.push_back(merged);
    remaining.swap(rest);
  }
  return out;
}

}  // namespace faceveil
