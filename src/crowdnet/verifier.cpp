#include "crowdnet/verifier.h"

#include <algorithm>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <thread>
#include <utility>

#include "infer/onnx_net.h"

extern "C" {
extern const uint8_t faceveil_model_crowdnet_verifier[];
extern const uint8_t faceveil_model_crowdnet_verifier_end[];
extern const uint8_t faceveil_model_crowdnet_verifier_2[];
extern const uint8_t faceveil_model_crowdnet_verifier_2_end[];
extern const uint8_t faceveil_model_crowdnet_verifier_3[];
extern const uint8_t faceveil_model_crowdnet_verifier_3_end[];
}

namespace faceveil::crowdnet {
namespace {

// The input normalization (train/verifier.py): (pixel - 128) / 128.
constexpr double kCropMean = 128.0;
constexpr double kCropScale = 1.0 / 128.0;
// Crops per forward pass: enough to amortize a pass, few enough that the
// batch's buffers stay small (32 crops: 0.4 MB of input). A shorter last
// batch is padded with grey crops up to a multiple of kCropBatchStep, so a
// network sees one of four shapes (8, 16, 24, 32): each new shape re-plans
// it, which cost more than the padding (WIDER val, fast: 55-74 ms per photo
// with a batch of exactly the candidates left, against 31-34 without the
// verifier).
constexpr size_t kCropBatch = 32;
constexpr size_t kCropBatchStep = 8;

Result<std::vector<float>> RunVerifierNet(cv::dnn::Net& net,
                                          const cv::Mat& blob) {
  net.setInput(blob);
  const cv::Mat out = net.forward();
  const int n = blob.size[0];
  if (out.type() != CV_32F || out.total() != static_cast<size_t>(n) ||
      out.dims < 1 || out.size[0] != n) {
    return Status::Corrupt(
        "the model's output is not one score per crop, as the verifier's is");
  }
  std::vector<float> scores(out.ptr<float>(), out.ptr<float>() + n);
  for (float s : scores) {
    // A sigmoid's output; anything else is another model or a damaged one.
    if (!(s >= 0 && s <= 1)) {
      return Status::Corrupt("the model's scores are not probabilities");
    }
  }
  return scores;
}

// Idle networks kept, in crops of input: one of each batch shape per core.
size_t IdleCrops() {
  size_t shapes = 0;
  for (size_t n = kCropBatchStep; n <= kCropBatch; n += kCropBatchStep) {
    shapes += n;
  }
  return shapes * std::max<size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace

cv::Rect2f VerifierRegion(const Box& box) {
  const float side = kContext * std::max({box.w, box.h, kMinBoxSide});
  return {box.cx() - side / 2, box.cy() - side / 2, side, side};
}

cv::Mat Verifier::Crop(const cv::Mat& image, const Box& box) {
  const cv::Rect2f r = VerifierRegion(box);
  const double s = kCropSide / static_cast<double>(r.width);
  // Image pixel (x, y) lands at ((x - r.x) * s, (y - r.y) * s).
  const cv::Matx23d m(s, 0, -r.x * s, 0, s, -r.y * s);
  cv::Mat crop;
  // Bilinear both ways (warpAffine has no pixel-area mode; it takes
  // INTER_AREA as bilinear): a shrunk box is sampled, not averaged, as in
  // training.
  cv::warpAffine(image, crop, m, cv::Size(kCropSide, kCropSide),
                 cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                 cv::Scalar::all(kCropMean));
  switch (crop.channels()) {
    case 1:
      cv::cvtColor(crop, crop, cv::COLOR_GRAY2BGR);
      break;
    case 4:
      cv::cvtColor(crop, crop, cv::COLOR_BGRA2BGR);
      break;
    default:
      break;
  }
  return crop;
}

Verifier::Verifier(std::span<const uint8_t> onnx)
    : onnx_(onnx.begin(), onnx.end()),
      pool_([this]() { return ReadOnnxNet(onnx_, "CrowdNet verifier"); },
            IdleCrops()) {}

Result<std::unique_ptr<Verifier>> Verifier::Create() {
  return CreateEmbedded(0);
}

Result<std::unique_ptr<Verifier>> Verifier::CreateEmbedded(int index) {
  struct Embedded {
    const char* name;
    const uint8_t* begin;
    const uint8_t* end;
  };
  static constexpr Embedded kModels[kEmbeddedVerifiers] = {
      {"crowdnet_verifier", faceveil_model_crowdnet_verifier,
       faceveil_model_crowdnet_verifier_end},
      {"crowdnet_verifier_2", faceveil_model_crowdnet_verifier_2,
       faceveil_model_crowdnet_verifier_2_end},
      {"crowdnet_verifier_3", faceveil_model_crowdnet_verifier_3,
       faceveil_model_crowdnet_verifier_3_end},
  };
  if (index < 0 || index >= kEmbeddedVerifiers) {
    return Status::InvalidArgument("there is no embedded verifier " +
                                   std::to_string(index));
  }
  const Embedded& m = kModels[index];
  Result<std::unique_ptr<Verifier>> net =
      Create(std::span<const uint8_t>(m.begin, m.end));
  if (!net.ok()) {
    return net.status().WithContext(std::string("embedded model ") + m.name);
  }
  return net;
}

Result<std::unique_ptr<Verifier>> Verifier::Create(
    std::span<const uint8_t> onnx) {
  if (onnx.empty()) return Status::Corrupt("the model file is empty");
  std::unique_ptr<Verifier> model(new Verifier(onnx));
  // Build one network and run it once on two crops: a file that parses but
  // is not the verifier (another input size, other outputs) fails here.
  Result<cv::dnn::Net> net =
      ReadProbedOnnxNet(model->onnx_, "CrowdNet verifier", [](cv::dnn::Net& n) {
        const int shape[] = {2, 3, kCropSide, kCropSide};
        cv::Mat probe(4, shape, CV_32F, cv::Scalar(0));
        return RunVerifierNet(n, probe).status();
      });
  if (!net.ok()) return net.status();
  model->pool_.Add(std::move(net).value());
  return model;
}

Result<std::vector<float>> Verifier::Forward(const cv::Mat& blob) const {
  if (blob.dims != 4 || blob.size[0] < 1 || blob.size[1] != 3 ||
      blob.size[2] != kCropSide || blob.size[3] != kCropSide ||
      blob.type() != CV_32F) {
    return Status::InvalidArgument("the verifier's input must be Nx3x" +
                                   std::to_string(kCropSide) + "x" +
                                   std::to_string(kCropSide) + " floats");
  }
  // Keyed by the batch size: a network re-plans itself on every change.
  const size_t n = static_cast<size_t>(blob.size[0]);
  Result<NetPool::Lease> lease = pool_.Borrow({.id = n, .cost = n});
  if (!lease.ok()) return lease.status();
  try {
    return RunVerifierNet(lease->net(), blob);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("verifier inference failed: ") +
                            e.what());
  }
}

Result<std::vector<float>> Verifier::Score(const cv::Mat& image,
                                           std::span<const Box> boxes) const {
  const Verifier* const self[] = {this};
  return MeanScore(self, image, boxes);
}

Result<std::vector<float>> Verifier::MeanScore(
    std::span<const Verifier* const> verifiers, const cv::Mat& image,
    std::span<const Box> boxes) {
  if (verifiers.empty() || std::find(verifiers.begin(), verifiers.end(),
                                     nullptr) != verifiers.end()) {
    return Status::InvalidArgument("no verifier network to look with");
  }
  if (image.empty() || image.depth() != CV_8U ||
      (image.channels() != 1 && image.channels() != 3 &&
       image.channels() != 4)) {
    return Status::InvalidArgument(
        "the verifier needs an 8-bit image with 1, 3 or 4 channels");
  }
  const cv::Mat grey(kCropSide, kCropSide, CV_8UC3, cv::Scalar::all(kCropMean));
  const float n = static_cast<float>(verifiers.size());
  std::vector<float> scores;
  scores.reserve(boxes.size());
  for (size_t start = 0; start < boxes.size(); start += kCropBatch) {
    const size_t end = std::min(boxes.size(), start + kCropBatch);
    std::vector<cv::Mat> crops;
    for (size_t i = start; i < end; ++i) crops.push_back(Crop(image, boxes[i]));
    while (crops.size() % kCropBatchStep != 0) crops.push_back(grey);
    const cv::Mat blob = cv::dnn::blobFromImages(crops, kCropScale, cv::Size(),
                                                 cv::Scalar::all(kCropMean),
                                                 false, false, CV_32F);
    std::vector<float> sum(end - start, 0.0f);
    for (const Verifier* verifier : verifiers) {
      Result<std::vector<float>> out = verifier->Forward(blob);
      if (!out.ok()) return out.status();
      for (size_t k = 0; k < sum.size(); ++k) sum[k] += (*out)[k];
    }
    for (float s : sum) scores.push_back(s / n);
  }
  return scores;
}

}  // namespace faceveil::crowdnet
