// face-api's FaceRecognitionNet (faceRecognitionNet/), dlib's ResNet,
// built on OpenCV DNN.
#include <string>

#include "identify/net_builder.h"
#include "identify/networks.h"

namespace faceveil::identify {
namespace {

constexpr int kRecognitionFeatures = 256;
constexpr const char* kRecognitionOutput = "features";

// convLayer: convolution + bias, then the scale layer (x * w + b),
// optionally ReLU; the scale is folded into the convolution.
Result<Blob> ConvLayer(NetBuilder& b, const std::string& prefix, const Blob& x,
                       int k, int out, int stride, Padding padding, bool relu) {
  Result<const WeightTensor*> f =
      b.Get(prefix + "/conv/filters", {k, k, x.channels, out});
  if (!f.ok()) return f.status();
  Result<const WeightTensor*> bias = b.Get(prefix + "/conv/bias", {out});
  if (!bias.ok()) return bias.status();
  Result<const WeightTensor*> sw = b.Get(prefix + "/scale/weights", {out});
  if (!sw.ok()) return sw.status();
  Result<const WeightTensor*> sb = b.Get(prefix + "/scale/biases", {out});
  if (!sb.ok()) return sb.status();
  std::vector<float> folded(out);
  for (int o = 0; o < out; ++o) {
    folded[o] = (*bias)->values[o] * (*sw)->values[o] + (*sb)->values[o];
  }
  return b.Conv(prefix, x, (*f)->values, k, out, (*sw)->values, folded, stride,
                padding, relu);
}

// relu(conv2(relu(conv1(x))) + x), both 3x3 SAME.
Result<Blob> Residual(NetBuilder& b, const std::string& prefix, const Blob& x) {
  Result<Blob> o1 = ConvLayer(b, prefix + "/conv1", x, 3, x.channels, 1,
                              Padding::kSame, true);
  if (!o1.ok()) return o1.status();
  Result<Blob> o2 = ConvLayer(b, prefix + "/conv2", *o1, 3, x.channels, 1,
                              Padding::kSame, false);
  if (!o2.ok()) return o2.status();
  return b.Relu(prefix + "/out", b.Sum(prefix + "/sum", {*o2, x}));
}

// residualDown: conv1 is 3x3 stride 2 "valid"; the shortcut is a 2x2
// average pool padded with zero channels; where the pool's side is larger
// (an odd side), face-api pads the convolution side with a zero row at
// the bottom and a zero column at the right.
Result<Blob> ResidualDown(NetBuilder& b, const std::string& prefix,
                          const Blob& x, int out) {
  Result<Blob> o1 =
      ConvLayer(b, prefix + "/conv1", x, 3, out, 2, Padding::kValid, true);
  if (!o1.ok()) return o1.status();
  Result<Blob> o2 =
      ConvLayer(b, prefix + "/conv2", *o1, 3, out, 1, Padding::kSame, false);
  if (!o2.ok()) return o2.status();
  Blob pooled = b.Pool(prefix + "/pool", x, /*max=*/false, 2, 2);
  const int rows = pooled.size.height - o2->size.height;
  const int cols = pooled.size.width - o2->size.width;
  if (rows < 0 || rows > 1 || cols < 0 || cols > 1 || out < x.channels) {
    return Status::Corrupt(prefix + ": shortcut shape does not fit");
  }
  if (pooled.channels != out) {
    pooled = b.Pad(prefix + "/pool/pad", pooled, out - pooled.channels, 0, 0);
  }
  Blob main = *o2;
  if (rows != 0 || cols != 0)
    main = b.Pad(prefix + "/pad", main, 0, rows, cols);
  return b.Relu(prefix + "/out", b.Sum(prefix + "/sum", {pooled, main}));
}

Status BuildRecognition(const WeightMap& w, cv::dnn::Net* net) {
  NetBuilder b(w, cv::Size(kRecognitionInput, kRecognitionInput), net);
  Result<Blob> x =
      ConvLayer(b, "conv32_down", b.input(), 7, 32, 2, Padding::kValid, true);
  if (!x.ok()) return x.status();
  x = b.Pool("conv32_down/pool", *x, /*max=*/true, 3, 2);
  // The plan of face-api's FaceRecognitionNet.forwardInput.
  struct Stage {
    const char* name;
    int channels;  // 0: a plain residual block
  };
  const Stage stages[] = {
      {"conv32_1", 0},     {"conv32_2", 0},          {"conv32_3", 0},
      {"conv64_down", 64}, {"conv64_1", 0},          {"conv64_2", 0},
      {"conv64_3", 0},     {"conv128_down", 128},    {"conv128_1", 0},
      {"conv128_2", 0},    {"conv256_down", 256},    {"conv256_1", 0},
      {"conv256_2", 0},    {"conv256_down_out", 256}};
  for (const Stage& s : stages) {
    x = s.channels == 0 ? Residual(b, s.name, *x)
                        : ResidualDown(b, s.name, *x, s.channels);
    if (!x.ok()) return x.status();
  }
  if (x->channels != kRecognitionFeatures) {
    return Status::Corrupt("recognition network has an unexpected shape");
  }
  // An identity to name the output (the mean and the matrix run in Run()).
  b.Relu(kRecognitionOutput, *x);
  return b.Get("fc", {kRecognitionFeatures, kDescriptorSize}).status();
}

}  // namespace

struct RecognitionNet::Weights {
  WeightMap map;
};

RecognitionNet::RecognitionNet(std::shared_ptr<const Weights> w)
    : w_(std::move(w)), pool_([w = w_]() -> Result<cv::dnn::Net> {
        return MakeNet(w->map, BuildRecognition, "recognition");
      }) {}

Result<std::unique_ptr<RecognitionNet>> RecognitionNet::Create(
    const ModelFiles& files) {
  auto w = std::make_shared<Weights>();
  Result<WeightMap> map = ReadWeights(files.manifest, files.weights);
  if (!map.ok()) return map.status().WithContext("recognition model");
  w->map = std::move(map).value();
  FACEVEIL_RETURN_IF_ERROR(
      BuildRecognition(w->map, nullptr).WithContext("recognition model"));
  std::unique_ptr<RecognitionNet> net(new RecognitionNet(std::move(w)));
  const int sizes[] = {1, 3, kRecognitionInput, kRecognitionInput};
  Result<std::array<float, kDescriptorSize>> probe =
      net->Run(cv::Mat(4, sizes, CV_32F, cv::Scalar(0)));
  if (!probe.ok()) return probe.status();
  return net;
}

Result<std::array<float, kDescriptorSize>> RecognitionNet::Run(
    const cv::Mat& input) const {
  Result<NetPool::Lease> lease = pool_.Borrow();
  if (!lease.ok()) return lease.status();
  Result<cv::Mat> features =
      Forward(lease->net(), input, kRecognitionOutput, "recognition");
  if (!features.ok()) return features.status();
  if (features->dims != 4 || features->size[1] != kRecognitionFeatures) {
    return Status::Internal("recognition network gave an unexpected output");
  }
  // The global mean over the feature map, then the 256x128 matrix.
  const int cells = features->size[2] * features->size[3];
  const float* f = features->ptr<float>();
  std::array<double, kRecognitionFeatures> mean{};
  for (int c = 0; c < kRecognitionFeatures; ++c) {
    for (int i = 0; i < cells; ++i) mean[c] += f[c * cells + i];
    mean[c] /= cells;
  }
  const std::vector<float>& fc = w_->map.find("fc")->second.values;
  std::array<float, kDescriptorSize> out;
  for (int j = 0; j < kDescriptorSize; ++j) {
    double s = 0;
    for (int i = 0; i < kRecognitionFeatures; ++i) {
      s += mean[i] * fc[i * kDescriptorSize + j];
    }
    out[j] = static_cast<float>(s);
  }
  return out;
}

}  // namespace faceveil::identify
