// An OpenCV DNN network from the bytes of an ONNX file, set to run on the
// CPU with OpenCV's own back end: what CrowdNet and its verifier load.
#ifndef FACEVEIL_INFER_ONNX_NET_H_
#define FACEVEIL_INFER_ONNX_NET_H_

#include <cstdint>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "faceveil/status.h"

namespace faceveil {

// kCorrupt ("not a <what> ONNX model: ...") when the bytes do not parse as
// an ONNX graph OpenCV can build, or the graph is empty.
Result<cv::dnn::Net> ReadOnnxNet(const std::vector<uint8_t>& onnx,
                                 const std::string& what);

}  // namespace faceveil

#endif  // FACEVEIL_INFER_ONNX_NET_H_
