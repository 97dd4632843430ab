// CrowdNet's verifier: a second, small network (train/verifier.py,
// docs/CROWDNET.md) that looks again at each uncertain CrowdNet candidate.
// The candidate is cut out of the photo, centred, with as much context again
// around it, and brought to 32x32 pixels; the verifier says how sure it is
// that a face is there. detect/verify.h combines the two looks.
//
// Three verifier networks are embedded, alike in shape (the same cost each)
// and trained alike on different views of the data with different seeds
// (0: run v4, the photos and their halves; 1: v3, the photos; 2: v5, the
// photos at four scales). Network 2 is the best alone; the mean of all three
// probabilities is a better second look than any (docs/CROWDNET.md), for
// three times the cost, so the careful modes ask all three and the fast ones
// network 2 (detect/presets.cpp).
//
// Created once, immutable afterwards; every method is thread-safe (each
// concurrent call borrows its own network from a pool).
#ifndef FACEVEIL_CROWDNET_VERIFIER_H_
#define FACEVEIL_CROWDNET_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <opencv2/core/mat.hpp>
#include <span>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/net_pool.h"

namespace faceveil::crowdnet {

// The verifier's input: kCropSide x kCropSide BGR pixels, (pixel - 128) /
// 128, showing a square kContext times the box's longer side (at least
// kMinBoxSide) around the box's centre; mid-grey outside the photo.
inline constexpr int kCropSide = 32;
inline constexpr float kContext = 2.0f;
inline constexpr float kMinBoxSide = 4.0f;

// The square region, in image pixels, the verifier looks at for `box`.
cv::Rect2f VerifierRegion(const Box& box);

// How many verifier networks the library embeds.
inline constexpr int kEmbeddedVerifiers = 3;

class Verifier {
 public:
  // The first model embedded in the library.
  static Result<std::unique_ptr<Verifier>> Create();
  // Embedded model `index` (0 to kEmbeddedVerifiers - 1); kInvalidArgument
  // for any other index.
  static Result<std::unique_ptr<Verifier>> CreateEmbedded(int index);
  // A model from the bytes of an ONNX file. kCorrupt when they are not an
  // ONNX graph with the verifier's input and output (checked by running it
  // once).
  static Result<std::unique_ptr<Verifier>> Create(
      std::span<const uint8_t> onnx);

  // The verifier's face probability for each box of `boxes` in `image`
  // (8-bit, 1, 3 or 4 channels), in order.
  Result<std::vector<float>> Score(const cv::Mat& image,
                                   std::span<const Box> boxes) const;

  // The mean of `verifiers`' probabilities for each box of `boxes` in
  // `image`, in order: each crop is cut once and shown to every network
  // (Score on each and a mean gives the same, for the cutting repeated).
  // kInvalidArgument when `verifiers` is empty or holds a null, or for an
  // image Score refuses.
  static Result<std::vector<float>> MeanScore(
      std::span<const Verifier* const> verifiers, const cv::Mat& image,
      std::span<const Box> boxes);

  // The network's input for `box`: kCropSide x kCropSide, 8-bit BGR.
  static cv::Mat Crop(const cv::Mat& bgr, const Box& box);

  // The raw output for an [N, 3, kCropSide, kCropSide] float input; for the
  // golden test. kInvalidArgument for any other shape.
  Result<std::vector<float>> Forward(const cv::Mat& blob) const;

 private:
  explicit Verifier(std::span<const uint8_t> onnx);

  std::vector<uint8_t> onnx_;  // kept for building pooled copies
  mutable NetPool pool_;
};

}  // namespace faceveil::crowdnet

#endif  // FACEVEIL_CROWDNET_VERIFIER_H_
