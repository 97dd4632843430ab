#include "base/nms.h"

#include <algorithm>
#include <numeric>

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

std::vector<std::vector<int>> GroupOverlapping(const std::vector<Face>& faces,
                                               float iou_threshold) {
  std::vector<int> remaining(faces.size());
  std::iota(remaining.begin(), remaining.end(), 0);
  std::stable_sort(remaining.begin(), remaining.end(), [&](int a, int b) {
    return faces[a].score > faces[b].score;
  });
  std::vector<std::vector<int>> groups;
  std::vector<int> rest;
  while (!remaining.empty()) {
    const Box& lead = faces[remaining.front()].box;
    std::vector<int> group = {remaining.front()};
    rest.clear();
    for (size_t i = 1; i < remaining.size(); ++i) {
      const int c = remaining[i];
      (IoU(faces[c].box, lead) > iou_threshold ? group : rest).push_back(c);
    }
    groups.push_back(std::move(group));
    remaining.swap(rest);
  }
  return groups;
}

std::vector<Face> WeightedNms(const std::vector<Face>& candidates,
                              float iou_threshold) {
  std::vector<Face> out;
  for (const std::vector<int>& group :
       GroupOverlapping(candidates, iou_threshold)) {
    WeightedFaceMean mean;
    for (int i : group) mean.Add(candidates[i]);
    Face merged = candidates[group.front()];
    mean.WriteTo(&merged);
    out.push_back(merged);
  }
  return out;
}

}  // namespace faceveil
