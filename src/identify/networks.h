// face-api's two networks behind the FaceIdentifier, built from their
// TensorFlow.js weights on OpenCV DNN:
//
// - FaceLandmark68Net: four dense blocks of depthwise-separable
//   convolutions (112x112 input, 32/64/128/256 channels, each block
//   halving the side), a 7x7 average pool and a fully connected layer
//   giving 68 (x, y) points relative to the input square.
// - FaceRecognitionNet: dlib's ResNet-29 (dlib_face_recognition_resnet_
//   model_v1): a 7x7 stride-2 convolution, a 3x3 max pool, 13 residual
//   blocks (the "down" ones with 3x3 stride-2 "valid" convolutions and a
//   2x2 average-pooled, zero-padded shortcut), a global mean and a 256x128
//   matrix: the 128-d descriptor of a 150x150 aligned face.
//
// Both take RGB with face-api's mean (122.782, 117.001, 104.298)
// subtracted, divided by 255, as NCHW float.
#ifndef FACEVEIL_IDENTIFY_NETWORKS_H_
#define FACEVEIL_IDENTIFY_NETWORKS_H_

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "faceveil/status.h"
#include "infer/net_pool.h"
#include "infer/tfjs_weights.h"

namespace faceveil::identify {

inline constexpr int kLandmarkInput = 112;
inline constexpr int kRecognitionInput = 150;
inline constexpr int kNumLandmarks = 68;
inline constexpr int kDescriptorSize = 128;
// face-api's (and dlib's) mean RGB of its training faces.
inline constexpr float kMeanRgb[3] = {122.782f, 117.001f, 104.298f};

// A model as face-api ships it: the weights manifest (JSON) and its file.
struct ModelFiles {
  std::string_view manifest;
  std::span<const uint8_t> weights;
};

// The two models embedded in the library (models/models.txt).
ModelFiles EmbeddedLandmarkModel();
ModelFiles EmbeddedRecognitionModel();

// Loaded once, then run from any thread (each call borrows a network).
class LandmarkNet {
 public:
  // kCorrupt / kUnsupported when `files` are not face-api's 68-landmark
  // network.
  static Result<std::unique_ptr<LandmarkNet>> Create(const ModelFiles& files);
  // `input`: [1, 3, 112, 112] (see above). The 68 points, x and y
  // interleaved, relative to the input square.
  Result<std::array<float, 2 * kNumLandmarks>> Run(const cv::Mat& input) const;

 private:
  struct Weights;
  explicit LandmarkNet(std::shared_ptr<const Weights> w);
  std::shared_ptr<const Weights> w_;
  mutable NetPool pool_;
};

class RecognitionNet {
 public:
  // kCorrupt / kUnsupported when `files` are not face-api's recognition
  // network.
  static Result<std::unique_ptr<RecognitionNet>> Create(
      const ModelFiles& files);
  // `input`: [1, 3, 150, 150] (see above). The descriptor.
  Result<std::array<float, kDescriptorSize>> Run(const cv::Mat& input) const;

 private:
  struct Weights;
  explicit RecognitionNet(std::shared_ptr<const Weights> w);
  std::shared_ptr<const Weights> w_;
  mutable NetPool pool_;
};

}  // namespace faceveil::identify

#endif  // FACEVEIL_IDENTIFY_NETWORKS_H_
