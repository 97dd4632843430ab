#include "identify/net_builder.h"

#include <algorithm>
#include <exception>

namespace faceveil::identify {
namespace {

// Output side and padding before / after of one dimension.
struct Side {
  int out = 0, before = 0, after = 0;
};

Side PaddedSide(int in, int k, int stride, Padding padding) {
  Side s;
  if (padding == Padding::kValid) {
    s.out = in >= k ? (in - k) / stride + 1 : 0;
    return s;
  }
  s.out = (in + stride - 1) / stride;
  const int total = std::max((s.out - 1) * stride + k - in, 0);
  s.before = total / 2;
  s.after = total - total / 2;
  return s;
}

}  // namespace

NetBuilder::NetBuilder(const WeightMap& weights, cv::Size input,
                       cv::dnn::Net* net)
    : weights_(weights), net_(net) {
  input_.size = input;
}

int NetBuilder::Add(const std::string& name, const std::string& type,
                    cv::dnn::LayerParams& p, const std::vector<int>& inputs) {
  p.name = name;
  p.type = type;
  const int id = net_->addLayer(name, type, p);
  for (size_t i = 0; i < inputs.size(); ++i) {
    net_->connect(inputs[i], 0, id, static_cast<int>(i));
  }
  return id;
}

Blob NetBuilder::Conv(const std::string& name, const Blob& x,
                      const std::vector<float>& kernel, int k, int out,
                      const std::vector<float>& scale,
                      const std::vector<float>& bias, int stride,
                      Padding padding, bool relu, bool depthwise) {
  const Side h = PaddedSide(x.size.height, k, stride, padding);
  const Side w = PaddedSide(x.size.width, k, stride, padding);
  Blob y{0, out, cv::Size(w.out, h.out)};
  if (net_ == nullptr) return y;
  const int in = depthwise ? 1 : x.channels;
  // [k, k, in, out] (or [k, k, c, 1]) to OpenCV's [out, in, k, k], the
  // scale folded in: (conv + b) * s + b2 = conv(w * s) + (b * s + b2).
  const int sizes[] = {out, in, k, k};
  cv::Mat weights(4, sizes, CV_32F);
  cv::Mat biases(1, out, CV_32F);
  float* dst = weights.ptr<float>();
  for (int o = 0; o < out; ++o) {
    const float s = scale.empty() ? 1.0f : scale[o];
    for (int i = 0; i < in; ++i) {
      for (int ky = 0; ky < k; ++ky) {
        for (int kx = 0; kx < k; ++kx) {
          const size_t tap = static_cast<size_t>(ky) * k + kx;
          const size_t src =
              depthwise ? tap * out + o : (tap * in + i) * out + o;
          *dst++ = kernel[src] * s;
        }
      }
    }
    biases.at<float>(o) = bias.empty() ? 0.0f : bias[o];
  }
  cv::dnn::LayerParams p;
  p.set("kernel_h", k);
  p.set("kernel_w", k);
  p.set("stride_h", stride);
  p.set("stride_w", stride);
  if (h.before != h.after || w.before != w.after) {
    // OpenCV's "SAME" pads as TensorFlow does (the odd pixel after).
    p.set("pad_mode", "SAME");
  } else {
    p.set("pad_t", h.before);
    p.set("pad_b", h.after);
    p.set("pad_l", w.before);
    p.set("pad_r", w.after);
  }
  p.set("num_output", out);
  p.set("group", depthwise ? x.channels : 1);
  p.set("bias_term", true);
  p.blobs = {weights, biases};
  y.layer = Add(name, "Convolution", p, {x.layer});
  if (relu) y = Relu(name + "/relu", y);
  return y;
}

Blob NetBuilder::Sum(const std::string& name, const std::vector<Blob>& xs) {
  Blob y = xs.front();
  if (net_ == nullptr) return y;
  cv::dnn::LayerParams p;
  p.set("operation", "sum");
  std::vector<int> ids;
  for (const Blob& b : xs) ids.push_back(b.layer);
  y.layer = Add(name, "Eltwise", p, ids);
  return y;
}

Blob NetBuilder::Relu(const std::string& name, const Blob& x) {
  Blob y = x;
  if (net_ == nullptr) return y;
  cv::dnn::LayerParams p;
  y.layer = Add(name, "ReLU", p, {x.layer});
  return y;
}

Blob NetBuilder::Pool(const std::string& name, const Blob& x, bool max, int k,
                      int stride) {
  const Side h = PaddedSide(x.size.height, k, stride, Padding::kValid);
  const Side w = PaddedSide(x.size.width, k, stride, Padding::kValid);
  Blob y{0, x.channels, cv::Size(w.out, h.out)};
  if (net_ == nullptr) return y;
  cv::dnn::LayerParams p;
  p.set("pool", max ? "max" : "ave");
  p.set("kernel_h", k);
  p.set("kernel_w", k);
  p.set("stride_h", stride);
  p.set("stride_w", stride);
  // OpenCV rounds pooled sides up by default; TensorFlow's "valid" floors.
  p.set("ceil_mode", false);
  y.layer = Add(name, "Pooling", p, {x.layer});
  return y;
}

Blob NetBuilder::Pad(const std::string& name, const Blob& x, int channels,
                     int bottom, int right) {
  Blob y{0, x.channels + channels,
         cv::Size(x.size.width + right, x.size.height + bottom)};
  if (net_ == nullptr) return y;
  cv::dnn::LayerParams p;
  const int paddings[] = {0, 0, 0, channels, 0, bottom, 0, right};
  p.set("paddings", cv::dnn::DictValue::arrayInt(paddings, 8));
  p.set("value", 0.0f);
  y.layer = Add(name, "Padding", p, {x.layer});
  return y;
}

Result<cv::dnn::Net> MakeNet(const WeightMap& weights,
                             Status (*build)(const WeightMap&, cv::dnn::Net*),
                             const char* what) {
  try {
    cv::dnn::Net net;
    FACEVEIL_RETURN_IF_ERROR(build(weights, &net));
    net.setInputsNames({"input"});
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("building the ") + what +
                            " network: " + e.what());
  }
}

Result<cv::Mat> Forward(cv::dnn::Net& net, const cv::Mat& blob,
                        const std::string& name, const char* what) {
  try {
    net.setInput(blob, "input");
    return net.forward(name).clone();
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("running the ") + what +
                            " network: " + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("running the ") + what +
                            " network: " + e.what());
  }
}

}  // namespace faceveil::identify
