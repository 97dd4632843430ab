// face-api's SSD MobileNet V1 face detector (a TensorFlow Object Detection
// API SSD trained on WIDER FACE), loaded from the package's own weights and
// run on OpenCV DNN at any input size. It finds small faces in crowds that
// BlazeFace misses; it has no keypoints.
//
// Created once, immutable afterwards; every method is thread-safe (each
// concurrent call borrows its own network from a pool).
#ifndef FACEVEIL_SSD_SSD_MOBILENET_H_
#define FACEVEIL_SSD_SSD_MOBILENET_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <opencv2/core/mat.hpp>
#include <span>
#include <string_view>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"
#include "infer/net_pool.h"
#include "infer/tfjs_weights.h"
#include "ssd/anchors.h"

namespace faceveil::ssd {

// One anchor's decoded prediction: corners relative to the network input
// (x by its width, y by its height; may lie outside [0, 1]) and the face
// score (sigmoid of the face logit), as face-api's outputLayer computes.
struct Prediction {
  float ymin = 0, xmin = 0, ymax = 0, xmax = 0;
  float score = 0;
};

// The largest network input side accepted, pixels (memory bound).
inline constexpr int kMaxInputSide = 4096;

// A network input size for a region of `region` pixels whose longer side
// becomes at most `long_side` (never enlarged past the region unless
// `long_side` asks for it), rounded up to multiples of 32, at least 64.
cv::Size InputSizeFor(cv::Size region, int long_side);

class SsdMobileNet {
 public:
  // The model embedded in the library.
  static Result<std::unique_ptr<SsdMobileNet>> Create();
  // A model from face-api's manifest and weight file contents. kCorrupt
  // when they do not describe face-api's SSD MobileNet V1.
  static Result<std::unique_ptr<SsdMobileNet>> Create(
      std::string_view manifest_json, std::span<const uint8_t> weights);

  // Runs the network on `input` (8-bit BGR, gray or BGRA, already at the
  // network's input size: each side in [32, kMaxInputSide]) and returns one
  // prediction per anchor, in ssd/anchors.h's order.
  Result<std::vector<Prediction>> Predict(const cv::Mat& input) const;

  // Runs the network once on `region` of `image` (8-bit, 1/3/4 channels),
  // scaled to fit `input_size` with its aspect kept and placed at the top
  // left (the rest black, as face-api pads), and returns every candidate
  // scoring at least `min_score` in `image` pixels: unsorted, not merged,
  // without keypoints. Bilinear resampling when enlarging, pixel-area
  // averaging when shrinking.
  Result<std::vector<Face>> DetectCandidates(const cv::Mat& image,
                                             const cv::Rect& region,
                                             cv::Size input_size,
                                             float min_score) const;

  // Number of networks built so far, over all input layouts; for tests.
  size_t networks_built() const;

 private:
  explicit SsdMobileNet(WeightMap weights);

  // A pool of networks for the input sizes that share one padding layout
  // (OpenCV reshapes a network to a new size; the padding is built in).
  struct Layout {
    explicit Layout(NetPool::Factory f) : pool(std::move(f)) {}
    NetPool pool;
    uint64_t last_use = 0;
  };
  Result<std::shared_ptr<Layout>> LayoutFor(cv::Size input) const;
  Result<std::vector<Prediction>> Run(const cv::Mat& blob,
                                      cv::Size input) const;

  const std::shared_ptr<const WeightMap> weights_;
  mutable std::mutex mu_;
  // Keyed by the padding signature of the input size; at most a few kept.
  mutable std::map<uint32_t, std::shared_ptr<Layout>> layouts_;  // by mu_
  mutable uint64_t uses_ = 0;                                    // by mu_
  mutable size_t built_ = 0;                                     // by mu_
};

}  // namespace faceveil::ssd

#endif  // FACEVEIL_SSD_SSD_MOBILENET_H_
