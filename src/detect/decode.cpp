#include "detect/decode.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace faceveil {

float LogitToScore(float logit) {
  const float c =
      std::clamp(logit, -kScoreClippingThreshold, kScoreClippingThreshold);
  return 1.0f / (1.0f + std::exp(-c));
}

std::vector<Face> DecodeCandidates(std::span<const float> regressors,
                                   std::span<const float> logits,
                                   std::span<const Anchor> anchors,
                                   const DecodeOptions& options) {
  std::vector<Face> faces;
  const size_t n = anchors.size();
  if (logits.size() < n || regressors.size() < n * kRegressorsPerAnchor) {
    return faces;  // the caller checks shapes; never read out of bounds
  }
  const float scale = static_cast<float>(options.input_size);
  for (size_t i = 0; i < n; ++i) {
    const float score = LogitToScore(logits[i]);
    if (!(score >= options.min_score)) continue;  // also drops NaN
    const float* r = regressors.data() + i * kRegressorsPerAnchor;
    const Anchor& a = anchors[i];
    // reverse_output_order: the model emits x before y and w before h.
    const float xc = r[0] / scale * a.w + a.x;
    const float yc = r[1] / scale * a.h + a.y;
    const float w = r[2] / scale * a.w;
    const float h = r[3] / scale * a.h;
    if (w < 0 || h < 0) continue;
    Face f;
    f.score = score;
    f.box = Box{xc - w / 2, yc - h / 2, w, h};
    for (int k = 0; k < kNumKeypoints; ++k) {
      f.keypoints[k].x = r[4 + 2 * k] / scale * a.w + a.x;
      f.keypoints[k].y = r[5 + 2 * k] / scale * a.h + a.y;
    }
    faces.push_back(f);
  }
  return faces;
}

}  // namespace faceveil
