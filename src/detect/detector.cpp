// Detector: the public face of src/detect. One BlazeFace inference on the
// whole letterboxed image, then weighted NMS.
#include "faceveil/detector.h"

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "detect/blazeface.h"
#include "detect/embedded_models.h"
#include "detect/letterbox.h"
#include "detect/multiscale.h"
#include "detect/nms.h"
#include "tflite/model.h"

namespace faceveil {
namespace {

// Half-pixel centres rather than MediaPipe's corner alignment: coordinates
// map back without the (side / S - 1) / 2 pixel shift corner alignment
// introduces, and on ../shared/data/dlib_faces (43 faces, IoU >= 0.4,
// threshold 0.5) it found 42 vs 41 faces (full) and 43 vs 42 (full-sparse).
// Area averaging did no better there and costs a resize of the whole image.
// The golden test uses kCornerAligned to reproduce MediaPipe exactly.
constexpr Resampling kProductResampling = Resampling::kHalfPixel;

Status CheckOptions(const DetectorOptions& o) {
  if (!(o.score_threshold >= 0 && o.score_threshold <= 1)) {
    return Status::InvalidArgument("score_threshold must be in [0, 1], got " +
                                   std::to_string(o.score_threshold));
  }
  if (!(o.nms_iou_threshold >= 0 && o.nms_iou_threshold <= 1)) {
    return Status::InvalidArgument("nms_iou_threshold must be in [0, 1], got " +
                                   std::to_string(o.nms_iou_threshold));
  }
  if (!(o.min_face_px >= 0 && o.min_face_px <= 4096)) {
    return Status::InvalidArgument("min_face_px must be in [0, 4096], got " +
                                   std::to_string(o.min_face_px));
  }
  if (o.mode != DetectionMode::kSingle && o.mode != DetectionMode::kFast &&
      o.mode != DetectionMode::kBalanced &&
      o.mode != DetectionMode::kThorough) {
    return Status::InvalidArgument("unknown detection mode");
  }
  return Status::Ok();
}

Status CheckImage(const cv::Mat& image) {
  if (image.empty()) return Status::InvalidArgument("empty image");
  if (image.depth() != CV_8U) {
    return Status::InvalidArgument("image must be 8-bit per channel");
  }
  const int c = image.channels();
  if (c != 1 && c != 3 && c != 4) {
    return Status::InvalidArgument("image must have 1, 3 or 4 channels, got " +
                                   std::to_string(c));
  }
  return Status::Ok();
}

class BlazeFaceDetector final : public Detector {
 public:
  BlazeFaceDetector(DetectorOptions options, std::unique_ptr<BlazeFace> net)
      : options_(std::move(options)),
        net_(std::move(net)),
        multiscale_(MultiScalePreset(options_, net_->spec())) {}

  Result<std::vector<Face>> Detect(const cv::Mat& image) const override {
    FACEVEIL_RETURN_IF_ERROR(CheckImage(image));
    try {
      if (options_.mode != DetectionMode::kSingle) {
        return DetectMultiScale(*net_, image, options_.score_threshold,
                                kProductResampling, multiscale_);
      }
      Result<std::vector<Face>> candidates =
          net_->DetectCandidates(image, WholeImageRegion(image.size()),
                                 options_.score_threshold, kProductResampling);
      if (!candidates.ok()) return candidates.status();
      return WeightedNms(std::move(candidates).value(),
                         options_.nms_iou_threshold);
    } catch (const cv::Exception& e) {
      return Status::Internal(std::string("face detection failed: ") +
                              e.what());
    } catch (const std::exception& e) {
      return Status::Internal(std::string("face detection failed: ") +
                              e.what());
    }
  }

  const DetectorOptions& options() const override { return options_; }

 private:
  const DetectorOptions options_;
  const std::unique_ptr<BlazeFace> net_;
  const MultiScaleOptions multiscale_;
};

Result<std::unique_ptr<Detector>> CreateDetector(
    const DetectorOptions& options) {
  FACEVEIL_RETURN_IF_ERROR(CheckOptions(options));
  Result<std::shared_ptr<const tflite::Model>> model =
      options.model_file.empty()
          ? tflite::Model::FromBuffer(EmbeddedModel(options.model))
          : tflite::Model::FromFile(options.model_file);
  if (!model.ok()) {
    return options.model_file.empty()
               ? model.status().WithContext(std::string("embedded model ") +
                                            ModelKindName(options.model))
               : model.status().WithContext(options.model_file);
  }
  Result<std::unique_ptr<BlazeFace>> net =
      BlazeFace::Create(std::move(model).value(), options.model);
  if (!net.ok()) {
    return options.model_file.empty()
               ? net.status()
               : net.status().WithContext(options.model_file);
  }
  return std::unique_ptr<Detector>(
      new BlazeFaceDetector(options, std::move(net).value()));
}

}  // namespace

const char* ModelKindName(ModelKind kind) {
  switch (kind) {
    case ModelKind::kShortRange:
      return "short";
    case ModelKind::kFullRange:
      return "full";
    case ModelKind::kFullRangeSparse:
      return "full-sparse";
  }
  return "unknown";
}

Result<ModelKind> ParseModelKind(const std::string& name) {
  for (ModelKind k : {ModelKind::kShortRange, ModelKind::kFullRange,
                      ModelKind::kFullRangeSparse}) {
    if (name == ModelKindName(k)) return k;
  }
  return Status::InvalidArgument("unknown model \"" + name +
                                 "\"; expected short, full or full-sparse");
}

const char* DetectionModeName(DetectionMode mode) {
  switch (mode) {
    case DetectionMode::kSingle:
      return "single";
    case DetectionMode::kFast:
      return "fast";
    case DetectionMode::kBalanced:
      return "balanced";
    case DetectionMode::kThorough:
      return "thorough";
  }
  return "unknown";
}

Result<DetectionMode> ParseDetectionMode(const std::string& name) {
  for (DetectionMode m : {DetectionMode::kSingle, DetectionMode::kFast,
                          DetectionMode::kBalanced, DetectionMode::kThorough}) {
    if (name == DetectionModeName(m)) return m;
  }
  return Status::InvalidArgument(
      "unknown mode \"" + name +
      "\"; expected single, fast, balanced or thorough");
}

float DefaultScoreThreshold(DetectionMode mode) {
  // Measured by eval/run.sh (eval/results.md, "threshold sweep"): the
  // lowest threshold keeping false positives at or under ~1 per image.
  switch (mode) {
    case DetectionMode::kSingle:
      return 0.5f;
    case DetectionMode::kFast:
      return 0.4f;
    case DetectionMode::kBalanced:
      return 0.4f;
    case DetectionMode::kThorough:
      return 0.4f;
  }
  return 0.5f;
}

Result<std::unique_ptr<Detector>> Detector::Create(
    const DetectorOptions& options) {
  try {
    return CreateDetector(options);
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("cannot build the detector: ") +
                            e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("cannot build the detector: ") +
                            e.what());
  }
}

}  // namespace faceveil
