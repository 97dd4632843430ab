#include "crowdnet/crowdnet.h"

#include <algorithm>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <thread>
#include <utility>

#include "crowdnet/decode.h"
#include "infer/onnx_net.h"

extern "C" {
extern const uint8_t faceveil_model_crowdnet[];
extern const uint8_t faceveil_model_crowdnet_end[];
}

namespace faceveil::crowdnet {
namespace {

// The network's input normalization (train/data.py): (pixel - 128) / 128.
constexpr double kMean = 128.0;
constexpr double kScale = 1.0 / 128.0;

std::vector<std::string> NamesOf(const std::vector<int>& strides) {
  std::vector<std::string> names;
  for (int s : strides) {
    names.push_back("score_" + std::to_string(s));
    names.push_back("box_" + std::to_string(s));
  }
  return names;
}

// The grids `net` has: always 8, 16 and 32; 4 in front when the graph has a
// layer named score_4 (a model trained with the fine level).
std::vector<int> StridesOf(cv::dnn::Net& net) {
  std::vector<int> strides(kStrides.begin(), kStrides.end());
  const std::string fine = "score_" + std::to_string(kFineStride);
  if (net.getLayerId(fine) >= 0) strides.insert(strides.begin(), kFineStride);
  return strides;
}

Result<std::vector<cv::Mat>> RunNet(cv::dnn::Net& net, const cv::Mat& blob,
                                    const std::vector<int>& strides) {
  const std::vector<std::string> names = NamesOf(strides);
  std::vector<cv::Mat> outs;
  net.setInput(blob);
  net.forward(outs, names);
  if (outs.size() != names.size()) {
    return Status::Corrupt("the model has " + std::to_string(outs.size()) +
                           " outputs, CrowdNet has " +
                           std::to_string(names.size()));
  }
  const int h = blob.size[2], w = blob.size[3];
  for (size_t i = 0; i < outs.size(); ++i) {
    const int stride = strides[i / 2];
    const int channels = i % 2 == 0 ? 1 : 4;
    const cv::Mat& o = outs[i];
    if (o.type() != CV_32F || o.dims != 4 || o.size[0] != 1 ||
        o.size[1] != channels || o.size[2] != h / stride ||
        o.size[3] != w / stride) {
      return Status::Corrupt("output " + names[i] +
                             " does not have CrowdNet's shape");
    }
  }
  return outs;
}

// What the idle networks may hold, in input pixels: per core, the two
// levels of a 1024x768 photo (1024x768 and 512x384 in balanced) or of a
// video key frame (1024x576 and 256x144 in fast), each kept by its own
// network. A large photo's tiles exceed it and share one network, as
// before networks were kept per shape (a 12 MP photo's peak memory).
size_t IdleInputPixels() {
  constexpr size_t kPerCore = 1'250'000;
  return kPerCore * std::max<size_t>(1, std::thread::hardware_concurrency());
}

}  // namespace

CrowdNet::CrowdNet(std::span<const uint8_t> onnx)
    : onnx_(onnx.begin(), onnx.end()),
      pool_([this]() { return ReadOnnxNet(onnx_, "CrowdNet"); },
            IdleInputPixels()) {}

Result<std::unique_ptr<CrowdNet>> CrowdNet::Create() {
  Result<std::unique_ptr<CrowdNet>> net = Create(std::span<const uint8_t>(
      faceveil_model_crowdnet, faceveil_model_crowdnet_end));
  if (!net.ok()) return net.status().WithContext("embedded model crowdnet");
  return net;
}

Result<std::unique_ptr<CrowdNet>> CrowdNet::Create(
    std::span<const uint8_t> onnx) {
  if (onnx.empty()) return Status::Corrupt("the model file is empty");
  std::unique_ptr<CrowdNet> model(new CrowdNet(onnx));
  // Build one network and run it once: a file that parses but is not
  // CrowdNet (other outputs, other strides) fails here, not on a photo.
  Result<cv::dnn::Net> net =
      ReadProbedOnnxNet(model->onnx_, "CrowdNet", [&](cv::dnn::Net& n) {
        model->strides_ = StridesOf(n);
        const int shape[] = {1, 3, 64, 64};
        cv::Mat probe(4, shape, CV_32F, cv::Scalar(0));
        return RunNet(n, probe, model->strides_).status();
      });
  if (!net.ok()) return net.status();
  model->pool_.Add(std::move(net).value());
  return model;
}

std::vector<std::string> CrowdNet::OutputNames() const {
  return NamesOf(strides_);
}

Result<std::vector<cv::Mat>> CrowdNet::Forward(const cv::Mat& blob) const {
  if (blob.dims != 4 || blob.size[0] != 1 || blob.size[1] != 3 ||
      blob.size[2] % kInputAlign != 0 || blob.size[3] % kInputAlign != 0 ||
      blob.size[2] < kMinInputSide || blob.size[3] < kMinInputSide) {
    return Status::InvalidArgument(
        "CrowdNet input must be 1x3xHxW with H and W multiples of 32, at "
        "least 64");
  }
  // Keyed by the input's shape: a network re-plans itself on every change.
  const uint64_t h = static_cast<uint64_t>(blob.size[2]);
  const uint64_t w = static_cast<uint64_t>(blob.size[3]);
  Result<NetPool::Lease> lease =
      pool_.Borrow({.id = h << 32 | w, .cost = static_cast<size_t>(h * w)});
  if (!lease.ok()) return lease.status();
  try {
    return RunNet(lease->net(), blob, strides_);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("CrowdNet inference failed: ") +
                            e.what());
  }
}

Result<std::vector<Face>> CrowdNet::DetectCandidates(const cv::Mat& image,
                                                     const cv::Rect& region,
                                                     float scale,
                                                     float min_score) const {
  const cv::Rect r = region & cv::Rect(0, 0, image.cols, image.rows);
  if (r.empty() || !(scale > 0)) {
    return Status::InvalidArgument("empty CrowdNet region");
  }
  const int w = std::max(1, static_cast<int>(std::lround(r.width * scale)));
  const int h = std::max(1, static_cast<int>(std::lround(r.height * scale)));
  if (w > kMaxInputSide || h > kMaxInputSide) {
    return Status::InvalidArgument("CrowdNet input over " +
                                   std::to_string(kMaxInputSide) + " pixels");
  }
  cv::Mat bgr;
  const cv::Mat roi = image(r);
  switch (image.channels()) {
    case 1:
      cv::cvtColor(roi, bgr, cv::COLOR_GRAY2BGR);
      break;
    case 4:
      cv::cvtColor(roi, bgr, cv::COLOR_BGRA2BGR);
      break;
    default:
      bgr = roi;
  }
  if (w != r.width || h != r.height) {
    cv::Mat resized;
    cv::resize(bgr, resized, cv::Size(w, h), 0, 0,
               scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    bgr = resized;
  }
  // Pad bottom and right to multiples of 32 with the value that normalizes
  // to 0 (the training crops' borders were mid-grey too).
  // And to at least kMinInputSide each way (OpenCV's out-of-bounds read).
  const int pw = std::max(kMinInputSide,
                          (w + kInputAlign - 1) / kInputAlign * kInputAlign);
  const int ph = std::max(kMinInputSide,
                          (h + kInputAlign - 1) / kInputAlign * kInputAlign);
  cv::Mat padded;
  cv::copyMakeBorder(bgr, padded, 0, ph - h, 0, pw - w, cv::BORDER_CONSTANT,
                     cv::Scalar::all(kMean));
  const cv::Mat blob = cv::dnn::blobFromImage(
      padded, kScale, cv::Size(), cv::Scalar::all(kMean), false, false, CV_32F);
  Result<std::vector<cv::Mat>> outs = Forward(blob);
  if (!outs.ok()) return outs.status();
  InputPlacement placement;
  placement.scale = static_cast<float>(w) / r.width;
  placement.offset_x = static_cast<float>(r.x);
  placement.offset_y = static_cast<float>(r.y);
  placement.width = w;
  placement.height = h;
  std::vector<Face> faces;
  for (size_t level = 0; level < strides_.size(); ++level) {
    DecodeGrid((*outs)[2 * level], (*outs)[2 * level + 1], strides_[level],
               min_score, placement, &faces);
  }
  return faces;
}

}  // namespace faceveil::crowdnet
