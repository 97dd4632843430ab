// Our own reader of TFLite flatbuffer models, and the translation of their
// graph into an OpenCV DNN network.
//
// Model::FromBuffer() verifies the flatbuffer, checks that every operator is
// one we support and turns every constant into float32 (fp16 DEQUANTIZE,
// DENSIFY of sparse constants). The resulting Model is immutable and cheap to
// share; BuildNet() creates a fresh cv::dnn::Net from it each time it is
// called (a Net is not safe for concurrent forward passes, so each thread
// needs its own).
#ifndef FACEVEIL_TFLITE_MODEL_H_
#define FACEVEIL_TFLITE_MODEL_H_

#include <cstdint>
#include <memory>
#include <opencv2/dnn.hpp>
#include <span>
#include <string>
#include <vector>

#include "faceveil/status.h"

namespace faceveil::tflite {

struct TensorInfo {
  std::string name;
  std::vector<int> shape;  // as in the TFLite file (NHWC for images)
};

class Model {
 public:
  // Parses `bytes` (a whole .tflite file). The bytes are copied; the caller
  // may free them afterwards.
  static Result<std::shared_ptr<const Model>> FromBuffer(
      std::span<const uint8_t> bytes);
  static Result<std::shared_ptr<const Model>> FromFile(const std::string& path);

  virtual ~Model() = default;

  // The single image input, NHWC [1, H, W, 3] as in the file.
  virtual const TensorInfo& input() const = 0;
  // The graph outputs in file order, shapes as in the file.
  virtual const std::vector<TensorInfo>& outputs() const = 0;

  // A new network. Its input blob is NCHW [1, 3, H, W] float32; forward()
  // with the names in output_names() yields one Mat per graph output, in
  // outputs() order, with exactly the shape and memory layout TFLite would
  // produce (e.g. [1, 896, 16]).
  virtual Result<cv::dnn::Net> BuildNet() const = 0;
  virtual const std::vector<std::string>& output_names() const = 0;
};

// "[1,128,128,3]": a shape as error messages show it.
std::string ShapeString(const std::vector<int>& shape);

}  // namespace faceveil::tflite

#endif  // FACEVEIL_TFLITE_MODEL_H_
