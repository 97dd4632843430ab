// Turns BlazeFace's raw outputs into face candidates (MediaPipe's
// TensorsToDetections with the face detection graph's options).
#ifndef FACEVEIL_DETECT_DECODE_H_
#define FACEVEIL_DETECT_DECODE_H_

#include <span>
#include <vector>

#include "detect/anchors.h"
#include "faceveil/face.h"

namespace faceveil {

// Values per anchor in the regressor output: box (x, y, w, h) then six
// keypoints (x, y).
inline constexpr int kRegressorsPerAnchor = 4 + 2 * kNumKeypoints;

// Logits are clamped to +-this before the sigmoid, as MediaPipe does.
inline constexpr float kScoreClippingThreshold = 100.0f;

struct DecodeOptions {
  // Side of the square model input in pixels; regressors are in its pixels.
  int input_size = 128;
  // Candidates scoring below this are dropped.
  float min_score = 0.5f;
};

// The sigmoid of the clamped logit.
float LogitToScore(float logit);

// Decodes one candidate per anchor scoring at least options.min_score.
// `regressors` holds kRegressorsPerAnchor values per anchor, `logits` one;
// both must cover anchors.size() anchors. Candidates with a negative width or
// height are dropped. Coordinates are relative to the square model input
// ([0, 1] inside it), boxes as top-left corner and size.
std::vector<Face> DecodeCandidates(std::span<const float> regressors,
                                   std::span<const float> logits,
                                   std::span<const Anchor> anchors,
                                   const DecodeOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_DECODE_H_
