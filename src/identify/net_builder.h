// Builds a cv::dnn::Net layer by layer from TensorFlow.js weights
// (infer/tfjs_weights.h), with TensorFlow's layouts and padding rules: the
// common ground of face-api's 68-landmark and recognition networks
// (identify/networks.h). A builder made without a network only checks the
// tensors and follows the shapes, so a model is validated once at load.
#ifndef FACEVEIL_IDENTIFY_NET_BUILDER_H_
#define FACEVEIL_IDENTIFY_NET_BUILDER_H_

#include <opencv2/dnn.hpp>
#include <string>
#include <vector>

#include "faceveil/status.h"
#include "infer/tfjs_weights.h"

namespace faceveil::identify {

// A layer output: its id in the network (0: the input), channels and size.
struct Blob {
  int layer = 0;
  int channels = 3;
  cv::Size size;
};

// TensorFlow's padding modes: "valid" (none) and "same" (output side
// ceil(in / stride), any odd pixel after).
enum class Padding { kValid, kSame };

class NetBuilder {
 public:
  // `net` null: check tensors and shapes only. `weights` must outlive the
  // builder.
  NetBuilder(const WeightMap& weights, cv::Size input, cv::dnn::Net* net);

  Blob input() const { return input_; }

  // The tensor `name` with exactly `shape` (kCorrupt otherwise).
  Result<const WeightTensor*> Get(const std::string& name,
                                  const std::vector<int>& shape) const {
    return FindTensor(weights_, name, shape);
  }

  // A k x k convolution with TensorFlow's kernel layout [k, k, in, out],
  // followed by y = y * scale[o] + bias[o] (`scale` empty: 1), optionally
  // ReLU. `depthwise`: the kernel is [k, k, in, 1], one filter per channel.
  Blob Conv(const std::string& name, const Blob& x,
            const std::vector<float>& kernel, int k, int out,
            const std::vector<float>& scale, const std::vector<float>& bias,
            int stride, Padding padding, bool relu, bool depthwise = false);
  // Element-wise sum of blobs of one shape.
  Blob Sum(const std::string& name, const std::vector<Blob>& xs);
  Blob Relu(const std::string& name, const Blob& x);
  // Max or average pooling, k x k, TensorFlow "valid" (no padding, floor).
  Blob Pool(const std::string& name, const Blob& x, bool max, int k,
            int stride);
  // Appends `channels` zero channels and `bottom` / `right` zero rows and
  // columns.
  Blob Pad(const std::string& name, const Blob& x, int channels, int bottom,
           int right);

 private:
  int Add(const std::string& name, const std::string& type,
          cv::dnn::LayerParams& p, const std::vector<int>& inputs);

  const WeightMap& weights_;
  cv::dnn::Net* net_;
  Blob input_;
};

// A ready-to-run network: `build` (a network's layers from `weights`, as
// BuildLandmarks / BuildRecognition) with the input named "input", on
// OpenCV's own CPU back end; a cv::Exception becomes kInternal naming
// `what` ("landmark", "recognition"). For a NetPool's factory.
Result<cv::dnn::Net> MakeNet(const WeightMap& weights,
                             Status (*build)(const WeightMap&, cv::dnn::Net*),
                             const char* what);

// Runs `net` on `blob` (NCHW float) and returns the output `name`; a
// cv::Exception becomes kInternal naming `what`.
Result<cv::Mat> Forward(cv::dnn::Net& net, const cv::Mat& blob,
                        const std::string& name, const char* what);

}  // namespace faceveil::identify

#endif  // FACEVEIL_IDENTIFY_NET_BUILDER_H_
