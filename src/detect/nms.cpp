#include "detect/nms.h"

#include <algorithm>

namespace faceveil {

// Averages of the corners, not of (x, y, w, h): equal when the weights sum
// to one, but this is the definition MediaPipe uses.
void WeightedFaceMean::Add(const Face& f) {
  const double s = f.score;
  total_ += s;
  x0_ += s * f.box.x;
  y0_ += s * f.box.y;
  x1_ += s * (f.box.x + f.box.w);
  y1_ += s * (f.box.y + f.box.h);
  for (int k = 0; k < kNumKeypoints; ++k) {
    kx_[k] += s * f.keypoints[k].x;
    ky_[k] += s * f.keypoints[k].y;
  }
}

void WeightedFaceMean::WriteTo(Face* face) const {
  if (!(total_ > 0)) return;
  face->box =
      Box{static_cast<float>(x0_ / total_), static_cast<float>(y0_ / total_),
          static_cast<float>((x1_ - x0_) / total_),
          static_cast<float>((y1_ - y0_) / total_)};
  for (int k = 0; k < kNumKeypoints; ++k) {
    face->keypoints[k] = Point{static_cast<float>(kx_[k] / total_),
                               static_cast<float>(ky_[k] / total_)};
  }
}

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
    WeightedFaceMean mean;
    rest.clear();
    for (const Face& f : remaining) {
      if (IoU(f.box, best.box) <= iou_threshold && &f != &best) {
        rest.push_back(f);
        continue;
      }
      mean.Add(f);
    }
    Face merged = best;
    mean.WriteTo(&merged);
    out.push_back(merged);
    remaining.swap(rest);
  }
  return out;
}

}  // namespace faceveil
