// face-api's FaceLandmark68Net (faceFeatureExtractor/denseBlock.ts,
// faceLandmarkNet/), built on OpenCV DNN.
#include <string>

#include "identify/net_builder.h"
#include "identify/networks.h"

namespace faceveil::identify {
namespace {

constexpr int kLandmarkFeatures = 256;
constexpr const char* kLandmarkOutput = "features";

// A depthwise 3x3 (stride `stride`, SAME) then pointwise 1x1 convolution
// plus bias: tf.separableConv2d as face-api's depthwiseSeparableConv.
Result<Blob> Separable(NetBuilder& b, const std::string& prefix, const Blob& x,
                       int out, int stride, bool relu) {
  const int c = x.channels;
  Result<const WeightTensor*> dw =
      b.Get(prefix + "/depthwise_filter", {3, 3, c, 1});
  if (!dw.ok()) return dw.status();
  Result<const WeightTensor*> pw =
      b.Get(prefix + "/pointwise_filter", {1, 1, c, out});
  if (!pw.ok()) return pw.status();
  Result<const WeightTensor*> bias = b.Get(prefix + "/bias", {out});
  if (!bias.ok()) return bias.status();
  const Blob d = b.Conv(prefix + "/depthwise", x, (*dw)->values, 3, c, {}, {},
                        stride, Padding::kSame, false, /*depthwise=*/true);
  return b.Conv(prefix + "/pointwise", d, (*pw)->values, 1, out, {},
                (*bias)->values, 1, Padding::kSame, relu);
}

// The first block's conv0: a plain 3x3 stride-2 convolution + bias, ReLU.
Result<Blob> FirstConv(NetBuilder& b, const std::string& prefix, const Blob& x,
                       int out) {
  Result<const WeightTensor*> f =
      b.Get(prefix + "/filters", {3, 3, x.channels, out});
  if (!f.ok()) return f.status();
  Result<const WeightTensor*> bias = b.Get(prefix + "/bias", {out});
  if (!bias.ok()) return bias.status();
  return b.Conv(prefix, x, (*f)->values, 3, out, {}, (*bias)->values, 2,
                Padding::kSame, true);
}

// denseBlock4: out1 = relu(conv0(x)) halves the side; each next separable
// convolution sees the ReLU of the sum of all outputs before it; the block
// returns the ReLU of the sum of all four.
Result<Blob> DenseBlock(NetBuilder& b, int index, const Blob& x, int out) {
  const std::string prefix = "dense" + std::to_string(index);
  Result<Blob> out1 = index == 0
                          ? FirstConv(b, prefix + "/conv0", x, out)
                          : Separable(b, prefix + "/conv0", x, out, 2, true);
  if (!out1.ok()) return out1.status();
  std::vector<Blob> outs = {*out1};
  Blob in = *out1;
  for (int i = 1; i <= 3; ++i) {
    const std::string conv = prefix + "/conv" + std::to_string(i);
    Result<Blob> o = Separable(b, conv, in, out, 1, false);
    if (!o.ok()) return o.status();
    outs.push_back(*o);
    const std::string sum = conv + "/sum";
    in = b.Relu(i == 3 ? prefix + "/out" : sum + "/relu", b.Sum(sum, outs));
  }
  return in;
}

Status BuildLandmarks(const WeightMap& w, cv::dnn::Net* net) {
  NetBuilder b(w, cv::Size(kLandmarkInput, kLandmarkInput), net);
  Blob x = b.input();
  for (int i = 0; i < 4; ++i) {
    Result<Blob> r = DenseBlock(b, i, x, 32 << i);
    if (!r.ok()) return r.status();
    x = *r;
  }
  if (x.size != cv::Size(7, 7) || x.channels != kLandmarkFeatures) {
    return Status::Corrupt("landmark network has an unexpected shape");
  }
  b.Pool(kLandmarkOutput, x, /*max=*/false, 7, 2);
  FACEVEIL_RETURN_IF_ERROR(
      b.Get("fc/weights", {kLandmarkFeatures, 2 * kNumLandmarks}).status());
  return b.Get("fc/bias", {2 * kNumLandmarks}).status();
}

}  // namespace

struct LandmarkNet::Weights {
  WeightMap map;
};

LandmarkNet::LandmarkNet(std::shared_ptr<const Weights> w)
    : w_(std::move(w)), pool_([w = w_]() -> Result<cv::dnn::Net> {
        return MakeNet(w->map, BuildLandmarks, "landmark");
      }) {}

Result<std::unique_ptr<LandmarkNet>> LandmarkNet::Create(
    const ModelFiles& files) {
  auto w = std::make_shared<Weights>();
  Result<WeightMap> map = ReadWeights(files.manifest, files.weights);
  if (!map.ok()) return map.status().WithContext("landmark model");
  w->map = std::move(map).value();
  FACEVEIL_RETURN_IF_ERROR(
      BuildLandmarks(w->map, nullptr).WithContext("landmark model"));
  std::unique_ptr<LandmarkNet> net(new LandmarkNet(std::move(w)));
  // Build and run one network now, so a model OpenCV cannot run fails here.
  const int sizes[] = {1, 3, kLandmarkInput, kLandmarkInput};
  Result<std::array<float, 2 * kNumLandmarks>> probe =
      net->Run(cv::Mat(4, sizes, CV_32F, cv::Scalar(0)));
  if (!probe.ok()) return probe.status();
  return net;
}

Result<std::array<float, 2 * kNumLandmarks>> LandmarkNet::Run(
    const cv::Mat& input) const {
  Result<NetPool::Lease> lease = pool_.Borrow();
  if (!lease.ok()) return lease.status();
  Result<cv::Mat> features =
      Forward(lease->net(), input, kLandmarkOutput, "landmark");
  if (!features.ok()) return features.status();
  if (features->total() != kLandmarkFeatures) {
    return Status::Internal("landmark network gave an unexpected output");
  }
  const float* f = features->ptr<float>();
  const std::vector<float>& fw = w_->map.find("fc/weights")->second.values;
  const std::vector<float>& fb = w_->map.find("fc/bias")->second.values;
  std::array<float, 2 * kNumLandmarks> out;
  for (int j = 0; j < 2 * kNumLandmarks; ++j) {
    double s = fb[j];
    for (int i = 0; i < kLandmarkFeatures; ++i) {
      s += static_cast<double>(f[i]) * fw[i * 2 * kNumLandmarks + j];
    }
    out[j] = static_cast<float>(s);
  }
  return out;
}

}  // namespace faceveil::identify
