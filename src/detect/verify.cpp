#include "detect/verify.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace faceveil {

SquareRegion VerifyRegion(const Box& box, float context) {
  const float side = std::max(1.0f, context * std::max(box.w, box.h));
  return SquareRegion{box.cx() - side / 2, box.cy() - side / 2, side};
}

float CombineScores(float first, float second, float weight, float floor) {
  const float lo = std::clamp(floor, 1e-6f, 1.0f);
  const float a = std::clamp(first, lo, 1.0f);
  const float b = std::clamp(second, lo, 1.0f);
  const float w = std::clamp(weight, 0.0f, 1.0f);
  return std::pow(a, 1 - w) * std::pow(b, w);
}

Status VerifyCandidates(const BlazeFace& net, const cv::Mat& image,
                        Resampling resampling, const VerifyOptions& options,
                        std::vector<Face>* faces) {
  if (!options.enabled || faces->empty()) return Status::Ok();
  // Best first, so that max_candidates keeps the likeliest faces.
  std::vector<size_t> order;
  for (size_t i = 0; i < faces->size(); ++i) {
    const float s = (*faces)[i].score;
    const Box& b = (*faces)[i].box;
    if (s >= options.min_score && s < options.max_score &&
        std::max(b.w, b.h) < options.max_face_px) {
      order.push_back(i);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return (*faces)[a].score > (*faces)[b].score;
  });
  if (options.max_candidates >= 0 &&
      order.size() > static_cast<size_t>(options.max_candidates)) {
    order.resize(options.max_candidates);
  }
  const size_t batch = static_cast<size_t>(std::max(1, options.batch_size));
  for (size_t start = 0; start < order.size(); start += batch) {
    const size_t end = std::min(order.size(), start + batch);
    std::vector<SquareRegion> regions;
    for (size_t k = start; k < end; ++k) {
      regions.push_back(VerifyRegion((*faces)[order[k]].box, options.context));
    }
    auto looks = net.DetectCandidatesBatch(image, regions, options.floor_score,
                                           resampling);
    if (!looks.ok()) return looks.status();
    for (size_t k = start; k < end; ++k) {
      Face& f = (*faces)[order[k]];
      float second = 0;
      for (const Face& g : (*looks)[k - start]) {
        if (IoU(g.box, f.box) >= options.match_iou) {
          second = std::max(second, g.score);
        }
      }
      f.score =
          CombineScores(f.score, second, options.weight, options.floor_score);
    }
  }
  return Status::Ok();
}

}  // namespace faceveil
