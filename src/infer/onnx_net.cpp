#include "infer/onnx_net.h"

namespace faceveil {

Result<cv::dnn::Net> ReadOnnxNet(const std::vector<uint8_t>& onnx,
                                 const std::string& what) {
  try {
    cv::dnn::Net net = cv::dnn::readNetFromONNX(
        reinterpret_cast<const char*>(onnx.data()), onnx.size());
    if (net.empty()) return Status::Corrupt("the ONNX graph is empty");
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
  } catch (const cv::Exception& e) {
    return Status::Corrupt("not a " + what + " ONNX model: " + e.what());
  }
}

Result<cv::dnn::Net> ReadProbedOnnxNet(
    const std::vector<uint8_t>& onnx, const std::string& what,
    const std::function<Status(cv::dnn::Net&)>& probe) {
  Result<cv::dnn::Net> net = ReadOnnxNet(onnx, what);
  if (!net.ok()) return net.status();
  try {
    if (Status s = probe(*net); !s.ok()) return s;
  } catch (const cv::Exception& e) {
    return Status::Corrupt(std::string("the model does not run: ") + e.what());
  }
  return net;
}

}  // namespace faceveil
