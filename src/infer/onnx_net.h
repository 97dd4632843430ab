// An OpenCV DNN network from the bytes of an ONNX file, set to run on the
// CPU with OpenCV's own back end: what CrowdNet and its verifier load.
#ifndef FACEVEIL_INFER_ONNX_NET_H_
#define FACEVEIL_INFER_ONNX_NET_H_

#include <cstdint>
#include <functional>
#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "faceveil/status.h"

namespace faceveil {

// kCorrupt ("not a <what> ONNX model: ...") when the bytes do not parse as
// an ONNX graph OpenCV can build, or the graph is empty.
Result<cv::dnn::Net> ReadOnnxNet(const std::vector<uint8_t>& onnx,
                                 const std::string& what);

// ReadOnnxNet, then `probe` runs the network once, so that a file that
// parses but is not the model the caller expects (another input size, other
// outputs) fails when it is loaded, not on a photo: the probe's own error, or
// kCorrupt ("the model does not run: ...") when OpenCV throws.
Result<cv::dnn::Net> ReadProbedOnnxNet(
    const std::vector<uint8_t>& onnx, const std::string& what,
    const std::function<Status(cv::dnn::Net&)>& probe);

}  // namespace faceveil

#endif  // FACEVEIL_INFER_ONNX_NET_H_
