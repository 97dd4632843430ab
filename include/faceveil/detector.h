// Face detection with Google MediaPipe's BlazeFace models, read from their
// original .tflite files and run on OpenCV's DNN module.
//
//   auto detector = faceveil::Detector::Create({});
//   if (!detector.ok()) { ... detector.status().ToString() ... }
//   auto faces = (*detector)->Detect(bgr_image);
//
// A Detector is created once (model parsing and network construction happen
// there) and is immutable afterwards: Detect() may be called from any number
// of threads at once. Each concurrent call borrows a network instance from an
// internal pool, so memory grows with the peak number of simultaneous calls,
// not with the number of calls.
#ifndef FACEVEIL_DETECTOR_H_
#define FACEVEIL_DETECTOR_H_

#include <memory>
#include <opencv2/core/mat.hpp>
#include <string>
#include <vector>

#include "faceveil/face.h"
#include "faceveil/status.h"

namespace faceveil {

enum class ModelKind {
  kShortRange,       // 128x128 input, faces within ~2 m of a phone camera
  kFullRange,        // 192x192 input, dense weights (best recall)
  kFullRangeSparse,  // 192x192 input, sparse weights (faster, more precise)
};

// "short", "full", "full-sparse".
const char* ModelKindName(ModelKind kind);
// Parses a name as printed by ModelKindName().
Result<ModelKind> ParseModelKind(const std::string& name);

struct DetectorOptions {
  // Which embedded BlazeFace model to run.
  ModelKind model = ModelKind::kFullRange;

  // Path of an external .tflite file of the same family (same input size
  // and anchor layout as `model`) to load instead of the embedded one.
  // Empty: use the model embedded in the library.
  std::string model_file;

  // Faces scoring below this are dropped. In [0, 1].
  float score_threshold = 0.5f;

  // Weighted NMS merges detections overlapping more than this IoU.
  float nms_iou_threshold = 0.3f;
};

class Detector {
 public:
  // Loads and checks the model and builds the network. Fails with a clear
  // Status on a missing, corrupt or unsupported model file.
  static Result<std::unique_ptr<Detector>> Create(
      const DetectorOptions& options);

  virtual ~Detector() = default;

  // Finds faces in an 8-bit BGR (3 channels), BGRA (4) or grayscale (1)
  // image. Boxes and keypoints are in `image` pixel coordinates. Thread-safe.
  virtual Result<std::vector<Face>> Detect(const cv::Mat& image) const = 0;

  virtual const DetectorOptions& options() const = 0;
};

}  // namespace faceveil

#endif  // FACEVEIL_DETECTOR_H_
