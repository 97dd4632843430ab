#include "ssd/ssd_mobilenet.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "ssd/embedded.h"
#include "ssd/graph.h"

namespace faceveil::ssd {
namespace {

// Network layouts kept at once; the least recently used beyond this is
// dropped (its networks die with their last lease).
constexpr size_t kMaxLayouts = 4;

// The TF OD API box coder's scale factors (face-api's outputLayer.ts).
constexpr float kYxScale = 10.0f;
constexpr float kHwScale = 5.0f;

// Stride-2 convolutions on the way from the input to the last head.
constexpr int kStride2Layers = 9;

// The parity of the input to every stride-2 layer, for both sides: this
// alone decides each layer's SAME padding.
uint32_t PaddingSignature(cv::Size input) {
  uint32_t sig = 0;
  int w = input.width, h = input.height;
  for (int i = 0; i < kStride2Layers; ++i) {
    sig |= static_cast<uint32_t>(w & 1) << i;
    sig |= static_cast<uint32_t>(h & 1) << (i + kStride2Layers);
    w = (w + 1) / 2;
    h = (h + 1) / 2;
  }
  return sig;
}

Status CheckInputSize(cv::Size s) {
  if (s.width < 32 || s.height < 32 || s.width > kMaxInputSide ||
      s.height > kMaxInputSide) {
    return Status::InvalidArgument("SSD input size " + std::to_string(s.width) +
                                   "x" + std::to_string(s.height) +
                                   " is outside 32.." +
                                   std::to_string(kMaxInputSide));
  }
  return Status::Ok();
}

// RGB in [-1, 1] as face-api feeds it: x / 127.5 - 1.
cv::Mat ToBlob(const cv::Mat& bgr) {
  return cv::dnn::blobFromImage(bgr, 1.0 / 127.5, cv::Size(),
                                cv::Scalar(127.5, 127.5, 127.5),
                                /*swapRB=*/true, /*crop=*/false, CV_32F);
}

cv::Mat ToBgr(const cv::Mat& image) {
  if (image.channels() == 3) return image;
  cv::Mat bgr;
  cv::cvtColor(image, bgr,
               image.channels() == 4 ? cv::COLOR_BGRA2BGR : cv::COLOR_GRAY2BGR);
  return bgr;
}

}  // namespace

cv::Size InputSizeFor(cv::Size region, int long_side) {
  const int longer = std::max(region.width, region.height);
  if (longer <= 0 || long_side <= 0) return cv::Size(64, 64);
  const double scale = static_cast<double>(long_side) / longer;
  auto round_up = [](double v) {
    const int r = (static_cast<int>(std::ceil(v - 1e-6)) + 31) / 32 * 32;
    return std::clamp(r, 64, kMaxInputSide);
  };
  return cv::Size(round_up(region.width * scale),
                  round_up(region.height * scale));
}

SsdMobileNet::SsdMobileNet(WeightMap weights)
    : weights_(std::make_shared<const WeightMap>(std::move(weights))) {}

Result<std::unique_ptr<SsdMobileNet>> SsdMobileNet::Create() {
  Result<std::unique_ptr<SsdMobileNet>> net =
      Create(EmbeddedManifest(), EmbeddedWeights());
  if (!net.ok()) return net.status().WithContext("embedded SSD model");
  return net;
}

Result<std::unique_ptr<SsdMobileNet>> SsdMobileNet::Create(
    std::string_view manifest_json, std::span<const uint8_t> weights) {
  Result<WeightMap> map = ReadWeights(manifest_json, weights);
  if (!map.ok()) return map.status();
  FACEVEIL_RETURN_IF_ERROR(CheckWeights(*map));
  std::unique_ptr<SsdMobileNet> net(new SsdMobileNet(std::move(map).value()));
  // Build one network now, so a model OpenCV cannot run fails here.
  Result<std::shared_ptr<Layout>> layout = net->LayoutFor(cv::Size(512, 512));
  if (!layout.ok()) return layout.status();
  Result<NetPool::Lease> lease = (*layout)->pool.Borrow();
  if (!lease.ok()) return lease.status();
  return net;
}

size_t SsdMobileNet::networks_built() const {
  std::lock_guard<std::mutex> lock(mu_);
  return built_;
}

Result<std::shared_ptr<SsdMobileNet::Layout>> SsdMobileNet::LayoutFor(
    cv::Size input) const {
  FACEVEIL_RETURN_IF_ERROR(CheckInputSize(input));
  const uint32_t key = PaddingSignature(input);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = layouts_.find(key);
  if (it == layouts_.end()) {
    if (layouts_.size() >= kMaxLayouts) {
      auto oldest = std::min_element(
          layouts_.begin(), layouts_.end(), [](const auto& a, const auto& b) {
            return a.second->last_use < b.second->last_use;
          });
      layouts_.erase(oldest);
    }
    // Any size with this signature has the same padding; the network is
    // reshaped to each caller's size by setInput().
    auto factory = [w = weights_, input, this]() -> Result<cv::dnn::Net> {
      {
        std::lock_guard<std::mutex> l(mu_);
        ++built_;
      }
      return BuildNet(*w, input);
    };
    it = layouts_.emplace(key, std::make_shared<Layout>(factory)).first;
  }
  it->second->last_use = ++uses_;
  return it->second;
}

Result<std::vector<Prediction>> SsdMobileNet::Run(const cv::Mat& blob,
                                                  cv::Size input) const {
  Result<std::shared_ptr<Layout>> layout = LayoutFor(input);
  if (!layout.ok()) return layout.status();
  std::vector<cv::Mat> heads;
  {
    Result<NetPool::Lease> lease = (*layout)->pool.Borrow();
    if (!lease.ok()) return lease.status();
    try {
      std::vector<cv::String> names;
      for (int l = 0; l < kNumHeads; ++l) names.push_back(HeadName(l));
      cv::dnn::Net& net = lease->net();
      net.setInput(blob);
      net.forward(heads, names);
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("SSD inference failed: ") + e.what());
    }
  }
  const std::vector<cv::Size> maps = FeatureMapSizes(input);
  const std::vector<Anchor> anchors = GenerateAnchors(input);
  std::vector<Prediction> out(anchors.size());
  size_t i = 0;
  for (int l = 0; l < kNumHeads; ++l) {
    const int a_count = AnchorsPerCell(l);
    const cv::Mat& h = heads[l];
    if (h.dims != 4 || h.size[1] != 5 * a_count ||
        h.size[2] != maps[l].height || h.size[3] != maps[l].width ||
        h.type() != CV_32F || !h.isContinuous()) {
      return Status::Internal("SSD head " + std::to_string(l) +
                              " has an unexpected shape");
    }
    const size_t plane = static_cast<size_t>(maps[l].area());
    const float* p = h.ptr<float>();
    for (int y = 0; y < maps[l].height; ++y) {
      for (int x = 0; x < maps[l].width; ++x) {
        const size_t cell = static_cast<size_t>(y) * maps[l].width + x;
        for (int a = 0; a < a_count; ++a, ++i) {
          const Anchor& an = anchors[i];
          const float ty = p[(4 * a + 0) * plane + cell];
          const float tx = p[(4 * a + 1) * plane + cell];
          const float th = p[(4 * a + 2) * plane + cell];
          const float tw = p[(4 * a + 3) * plane + cell];
          const float logit = p[(4 * a_count + a) * plane + cell];
          const float cy = ty / kYxScale * an.h + an.cy;
          const float cx = tx / kYxScale * an.w + an.cx;
          const float hh = std::exp(th / kHwScale) * an.h / 2;
          const float hw = std::exp(tw / kHwScale) * an.w / 2;
          Prediction& pr = out[i];
          pr.ymin = cy - hh;
          pr.xmin = cx - hw;
          pr.ymax = cy + hh;
          pr.xmax = cx + hw;
          pr.score = 1.0f / (1.0f + std::exp(-std::clamp(logit, -80.f, 80.f)));
        }
      }
    }
  }
  return out;
}

Result<std::vector<Prediction>> SsdMobileNet::Predict(
    const cv::Mat& input) const {
  if (input.empty() || input.depth() != CV_8U ||
      (input.channels() != 1 && input.channels() != 3 &&
       input.channels() != 4)) {
    return Status::InvalidArgument("SSD input must be an 8-bit image");
  }
  FACEVEIL_RETURN_IF_ERROR(CheckInputSize(input.size()));
  cv::Mat blob;
  try {
    blob = ToBlob(ToBgr(input));
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("SSD preprocessing: ") + e.what());
  }
  return Run(blob, input.size());
}

Result<std::vector<Face>> SsdMobileNet::DetectCandidates(
    const cv::Mat& image, const cv::Rect& region, cv::Size input_size,
    float min_score) const {
  if (image.empty() || image.depth() != CV_8U ||
      (image.channels() != 1 && image.channels() != 3 &&
       image.channels() != 4)) {
    return Status::InvalidArgument("SSD needs an 8-bit image");
  }
  FACEVEIL_RETURN_IF_ERROR(CheckInputSize(input_size));
  const cv::Rect r = region & cv::Rect(0, 0, image.cols, image.rows);
  if (r.empty()) return std::vector<Face>();
  const double scale =
      std::min(static_cast<double>(input_size.width) / r.width,
               static_cast<double>(input_size.height) / r.height);
  cv::Mat blob;
  try {
    cv::Mat canvas = cv::Mat::zeros(input_size, CV_8UC3);
    const cv::Size fit(
        std::clamp(static_cast<int>(std::lround(r.width * scale)), 1,
                   input_size.width),
        std::clamp(static_cast<int>(std::lround(r.height * scale)), 1,
                   input_size.height));
    cv::Mat crop = ToBgr(image(r));
    cv::resize(crop, canvas(cv::Rect(cv::Point(0, 0), fit)), fit, 0, 0,
               scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    blob = ToBlob(canvas);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("SSD preprocessing: ") + e.what());
  }
  Result<std::vector<Prediction>> pred = Run(blob, input_size);
  if (!pred.ok()) return pred.status();
  std::vector<Face> faces;
  const double sx = input_size.width / scale, sy = input_size.height / scale;
  for (const Prediction& p : *pred) {
    if (p.score < min_score || p.xmax <= p.xmin || p.ymax <= p.ymin) continue;
    Face f;
    f.box.x = static_cast<float>(r.x + p.xmin * sx);
    f.box.y = static_cast<float>(r.y + p.ymin * sy);
    f.box.w = static_cast<float>((p.xmax - p.xmin) * sx);
    f.box.h = static_cast<float>((p.ymax - p.ymin) * sy);
    f.score = p.score;
    f.has_keypoints = false;
    faces.push_back(f);
  }
  return faces;
}

}  // namespace faceveil::ssd
