#include "detect/verify.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace faceveil {
namespace {

// The indices of the faces `eligible` accepts, best first, at most `max` of
// them (all when max < 0): the likeliest faces are verified first.
template <typename Eligible>
std::vector<size_t> BestFirst(const std::vector<Face>& faces, int max,
                              Eligible eligible) {
  std::vector<size_t> order;
  for (size_t i = 0; i < faces.size(); ++i) {
    if (eligible(faces[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return faces[a].score > faces[b].score;
  });
  if (max >= 0 && order.size() > static_cast<size_t>(max)) order.resize(max);
  return order;
}

}  // namespace

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
  std::vector<size_t> order =
      BestFirst(*faces, options.max_candidates, [&](const Face& f) {
        return f.score >= options.min_score && f.score < options.max_score &&
               std::max(f.box.w, f.box.h) < options.max_face_px;
      });
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

float CrowdNetVerifyWeight(float side, const CrowdNetVerifyOptions& options) {
  const float full = std::max(1.0f, options.full_weight_px);
  const float fade = std::clamp((2 * full - side) / full, 0.0f, 1.0f);
  return std::clamp(options.weight, 0.0f, 1.0f) * fade;
}

float CrowdNetFirstLookFloor(float min_score,
                             const CrowdNetVerifyOptions& options) {
  if (min_score <= options.min_score) return min_score;
  const float w = std::clamp(options.weight, 0.0f, 0.99f);
  return std::max(options.min_score, std::pow(min_score, 1 / (1 - w)));
}

Status VerifyCrowdNetCandidates(
    std::span<const crowdnet::Verifier* const> verifiers, const cv::Mat& image,
    const CrowdNetVerifyOptions& options, std::vector<Face>* faces) {
  if (!options.enabled || faces->empty()) return Status::Ok();
  const std::vector<size_t> order =
      BestFirst(*faces, options.max_candidates, [&](const Face& f) {
        return f.score >= options.min_score &&
               CrowdNetVerifyWeight(std::max(f.box.w, f.box.h), options) > 0;
      });
  std::vector<Box> boxes;
  for (size_t i : order) boxes.push_back((*faces)[i].box);
  // One cut of each crop for all the networks (Verifier::MeanScore).
  Result<std::vector<float>> second =
      crowdnet::Verifier::MeanScore(verifiers, image, boxes);
  if (!second.ok()) return second.status();
  for (size_t k = 0; k < order.size(); ++k) {
    Face& f = (*faces)[order[k]];
    const float w = CrowdNetVerifyWeight(std::max(f.box.w, f.box.h), options);
    f.score = CombineScores(f.score, (*second)[k], w, 1e-6f);
  }
  return Status::Ok();
}

}  // namespace faceveil
