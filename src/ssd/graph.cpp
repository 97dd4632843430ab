#include "ssd/graph.h"

#include <cmath>
#include <exception>

namespace faceveil::ssd {
namespace {

using cv::dnn::LayerParams;

// tfjs batchNorm's variance epsilon in face-api's mobileNetV1.ts.
constexpr double kBatchNormEpsilon = 0.0010000000474974513;

struct Blob {
  int layer = 0;  // 0: the network input
  int channels = 3;
  cv::Size size;
};

// A convolution's weights in OpenCV's layout [O, I / groups, KH, KW].
struct ConvWeights {
  cv::Mat kernel;
  cv::Mat bias;  // 1 x O
  int kernel_size = 1;
  int out_channels = 0;
  bool depthwise = false;
};

class Builder {
 public:
  Builder(const WeightMap& w, cv::Size input, bool build)
      : w_(w), build_(build) {
    in_.size = input;
  }

  Status Build(cv::dnn::Net* net) {
    net_ = net;
    Blob x = in_;
    Result<Blob> r = Conv("MobilenetV1/Conv2d_0_pointwise", x, 3, 32, 2);
    if (!r.ok()) return r.status();
    x = *r;
    Blob conv11;
    // MobileNet V1's channel plan; layers 2, 4, 6 and 12 halve the size.
    const int out_channels[] = {64,  128, 128, 256, 256,  512, 512,
                                512, 512, 512, 512, 1024, 1024};
    for (int i = 1; i <= 13; ++i) {
      const int stride = (i == 2 || i == 4 || i == 6 || i == 12) ? 2 : 1;
      const std::string prefix = "MobilenetV1/Conv2d_" + std::to_string(i);
      r = Depthwise(prefix + "_depthwise", x, stride);
      if (!r.ok()) return r.status();
      r = Conv(prefix + "_pointwise", *r, 1, out_channels[i - 1], 1);
      if (!r.ok()) return r.status();
      x = *r;
      if (i == 11) conv11 = x;
    }
    Blob feature[kNumHeads] = {conv11, x};
    const int extra_channels[] = {256, 512, 128, 256, 128, 256, 64, 128};
    Blob e = x;
    for (int k = 0; k < 8; ++k) {
      const bool odd = k % 2 == 1;
      r = Conv("Prediction/Conv2d_" + std::to_string(k) + "_pointwise", e,
               odd ? 3 : 1, extra_channels[k], odd ? 2 : 1);
      if (!r.ok()) return r.status();
      e = *r;
      if (odd) feature[2 + k / 2] = e;
    }
    for (int l = 0; l < kNumHeads; ++l) {
      FACEVEIL_RETURN_IF_ERROR(Head(l, feature[l]));
    }
    return Status::Ok();
  }

 private:
  Result<const WeightTensor*> Get(const std::string& name,
                                  const std::vector<int>& shape) {
    return FindTensor(w_, name, shape);
  }

  int AddLayer(const std::string& name, const std::string& type, LayerParams& p,
               int input) {
    p.name = name;
    p.type = type;
    const int id = net_->addLayer(name, type, p);
    net_->connect(input, 0, id, 0);
    return id;
  }

  // TensorFlow SAME padding of one dimension for a 3x3 (or 1x1) window.
  static void SamePadding(int in, int kernel, int stride, int* before,
                          int* after, int* out) {
    *out = (in + stride - 1) / stride;
    const int total = std::max((*out - 1) * stride + kernel - in, 0);
    *before = total / 2;
    *after = total - total / 2;
  }

  // Adds convolution + ReLU6 (fused into the convolution by OpenCV). Where
  // SAME padding is asymmetric (stride 2 on an even side: nothing before,
  // one after) the convolution gets OpenCV's own "SAME" pad mode, which
  // pads exactly as TensorFlow does (outputs equal bit for bit to a
  // separate zero Padding layer, which cost ~7% of the inference).
  Blob Emit(const std::string& name, const Blob& x, const ConvWeights& cw,
            int stride, bool relu6) {
    int top, bottom, left, right;
    Blob out;
    SamePadding(x.size.height, cw.kernel_size, stride, &top, &bottom,
                &out.size.height);
    SamePadding(x.size.width, cw.kernel_size, stride, &left, &right,
                &out.size.width);
    out.channels = cw.out_channels;
    if (!build_) return out;
    LayerParams p;
    p.set("kernel_h", cw.kernel_size);
    p.set("kernel_w", cw.kernel_size);
    p.set("stride_h", stride);
    p.set("stride_w", stride);
    if (top != bottom || left != right) {
      p.set("pad_mode", "SAME");
    } else {
      p.set("pad_t", top);
      p.set("pad_b", bottom);
      p.set("pad_l", left);
      p.set("pad_r", right);
    }
    p.set("num_output", cw.out_channels);
    p.set("group", cw.depthwise ? x.channels : 1);
    p.set("bias_term", true);
    p.blobs = {cw.kernel, cw.bias};
    out.layer = AddLayer(name, "Convolution", p, x.layer);
    if (relu6) {
      LayerParams r;
      r.set("min_value", 0.0f);
      r.set("max_value", 6.0f);
      out.layer = AddLayer(name + "/relu6", "ReLU6", r, out.layer);
    }
    return out;
  }

  // A full convolution [k, k, in, out] plus bias ("convolution_bn_offset":
  // face-api adds the folded batch norm's offset, then ReLU6).
  Result<Blob> Conv(const std::string& prefix, const Blob& x, int k, int out,
                    int stride) {
    Result<const WeightTensor*> w =
        Get(prefix + "/weights", {k, k, x.channels, out});
    if (!w.ok()) return w.status();
    Result<const WeightTensor*> b =
        Get(prefix + "/convolution_bn_offset", {out});
    if (!b.ok()) return b.status();
    ConvWeights cw;
    cw.kernel_size = k;
    cw.out_channels = out;
    if (build_) {
      cw.kernel = Transpose((*w)->values, k, x.channels, out);
      cw.bias = cv::Mat(1, out, CV_32F, const_cast<float*>((*b)->values.data()))
                    .clone();
    }
    return Emit(prefix, x, cw, stride, true);
  }

  // A depthwise 3x3 convolution followed by a batch norm, folded:
  // gamma * (conv - mean) / sqrt(var + eps) + beta.
  Result<Blob> Depthwise(const std::string& prefix, const Blob& x, int stride) {
    const int c = x.channels;
    Result<const WeightTensor*> w =
        Get(prefix + "/depthwise_weights", {3, 3, c, 1});
    if (!w.ok()) return w.status();
    const WeightTensor* bn[4];
    const char* names[] = {"gamma", "beta", "moving_mean", "moving_variance"};
    for (int i = 0; i < 4; ++i) {
      Result<const WeightTensor*> t =
          Get(prefix + "/BatchNorm/" + names[i], {c});
      if (!t.ok()) return t.status();
      bn[i] = *t;
    }
    ConvWeights cw;
    cw.kernel_size = 3;
    cw.out_channels = c;
    cw.depthwise = true;
    if (build_) {
      const int sizes[] = {c, 1, 3, 3};
      cw.kernel.create(4, sizes, CV_32F);
      cw.bias.create(1, c, CV_32F);
      for (int ch = 0; ch < c; ++ch) {
        const double f = bn[0]->values[ch] /
                         std::sqrt(bn[3]->values[ch] + kBatchNormEpsilon);
        for (int t = 0; t < 9; ++t) {
          cw.kernel.ptr<float>()[ch * 9 + t] =
              static_cast<float>((*w)->values[t * c + ch] * f);
        }
        cw.bias.at<float>(ch) =
            static_cast<float>(bn[1]->values[ch] - bn[2]->values[ch] * f);
      }
    }
    return Emit(prefix, x, cw, stride, true);
  }

  // One box predictor: box encodings and class logits as one 1x1
  // convolution; of the three classes only the face (index 1) is kept.
  Status Head(int l, const Blob& x) {
    const int a = l == 0 ? 3 : 6;
    const std::string prefix = "Prediction/BoxPredictor_" + std::to_string(l);
    Result<const WeightTensor*> bw = Get(
        prefix + "/BoxEncodingPredictor/weights", {1, 1, x.channels, 4 * a});
    if (!bw.ok()) return bw.status();
    Result<const WeightTensor*> bb =
        Get(prefix + "/BoxEncodingPredictor/biases", {4 * a});
    if (!bb.ok()) return bb.status();
    Result<const WeightTensor*> cw =
        Get(prefix + "/ClassPredictor/weights", {1, 1, x.channels, 3 * a});
    if (!cw.ok()) return cw.status();
    Result<const WeightTensor*> cb =
        Get(prefix + "/ClassPredictor/biases", {3 * a});
    if (!cb.ok()) return cb.status();
    ConvWeights head;
    head.out_channels = 5 * a;
    if (build_) {
      const int in = x.channels;
      const int sizes[] = {5 * a, in, 1, 1};
      head.kernel.create(4, sizes, CV_32F);
      head.bias.create(1, 5 * a, CV_32F);
      for (int o = 0; o < 5 * a; ++o) {
        // Source column: box output o, or class output 3 * anchor + 1.
        const bool box = o < 4 * a;
        const std::vector<float>& w = box ? (*bw)->values : (*cw)->values;
        const int cols = box ? 4 * a : 3 * a;
        const int col = box ? o : 3 * (o - 4 * a) + 1;
        for (int i = 0; i < in; ++i) {
          head.kernel.ptr<float>()[o * in + i] = w[i * cols + col];
        }
        head.bias.at<float>(o) = box ? (*bb)->values[col] : (*cb)->values[col];
      }
    }
    Emit(HeadName(l), x, head, 1, false);
    return Status::Ok();
  }

  // [k, k, in, out] (TensorFlow) to [out, in, k, k] (OpenCV).
  static cv::Mat Transpose(const std::vector<float>& src, int k, int in,
                           int out) {
    const int sizes[] = {out, in, k, k};
    cv::Mat m(4, sizes, CV_32F);
    float* dst = m.ptr<float>();
    for (int o = 0; o < out; ++o) {
      for (int i = 0; i < in; ++i) {
        for (int y = 0; y < k; ++y) {
          for (int x = 0; x < k; ++x) {
            *dst++ = src[((static_cast<size_t>(y) * k + x) * in + i) * out + o];
          }
        }
      }
    }
    return m;
  }

  const WeightMap& w_;
  const bool build_;
  Blob in_;
  cv::dnn::Net* net_ = nullptr;
};

}  // namespace

std::string HeadName(int layer) { return "head" + std::to_string(layer); }

Status CheckWeights(const WeightMap& weights) {
  Builder b(weights, cv::Size(512, 512), /*build=*/false);
  return b.Build(nullptr);
}

Result<cv::dnn::Net> BuildNet(const WeightMap& weights, cv::Size input) {
  if (input.width < 32 || input.height < 32) {
    return Status::InvalidArgument("SSD input must be at least 32x32");
  }
  try {
    cv::dnn::Net net;
    Builder b(weights, input, /*build=*/true);
    FACEVEIL_RETURN_IF_ERROR(b.Build(&net));
    net.setInputsNames({"input"});
    net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    return net;
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("building the SSD network: ") +
                            e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("building the SSD network: ") +
                            e.what());
  }
}

}  // namespace faceveil::ssd
