// Detector: the public face of src/detect. BlazeFace (one inference on the
// whole image, or the multi-scale tiling of detect/multiscale.h) and/or the
// SSD (ssd/passes.h), merged by detect/ensemble.h, then the threshold.
#include "faceveil/detector.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "base/nms.h"
#include "base/work_steps.h"
#include "crowdnet/crowdnet.h"
#include "crowdnet/passes.h"
#include "detect/blazeface.h"
#include "detect/embedded_models.h"
#include "detect/ensemble.h"
#include "detect/multiscale.h"
#include "detect/presets.h"
#include "infer/letterbox.h"
#include "ssd/passes.h"
#include "ssd/ssd_mobilenet.h"
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

}  // namespace

Status ValidateDetectorOptions(const DetectorOptions& o) {
  if (o.score_threshold.has_value() &&
      !(*o.score_threshold >= 0 && *o.score_threshold <= 1)) {
    return Status::InvalidArgument("score_threshold must be in [0, 1], got " +
                                   std::to_string(*o.score_threshold));
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
  if (o.models != DetectorModels::kEnsemble &&
      o.models != DetectorModels::kBlazeFace &&
      o.models != DetectorModels::kSsd &&
      o.models != DetectorModels::kCrowdNet) {
    return Status::InvalidArgument("unknown detector models");
  }
  if (o.ssd_long_side != 0 &&
      !(o.ssd_long_side >= 64 && o.ssd_long_side <= ssd::kMaxInputSide)) {
    return Status::InvalidArgument("ssd_long_side must be 0 or in [64, " +
                                   std::to_string(ssd::kMaxInputSide) +
                                   "], got " + std::to_string(o.ssd_long_side));
  }
  if (!o.tuning.empty() && (o.models == DetectorModels::kSsd ||
                            o.models == DetectorModels::kCrowdNet)) {
    return Status::InvalidArgument(
        std::string("tuning changes BlazeFace's multi-scale passes; the ") +
        DetectorModelsName(o.models) + " detector runs no BlazeFace");
  }
  return Status::Ok();
}

namespace {

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

class FaceDetector final : public Detector {
 public:
  FaceDetector(DetectorOptions options, std::unique_ptr<BlazeFace> blazeface,
               MultiScaleOptions multiscale,
               std::unique_ptr<ssd::SsdMobileNet> ssd,
               std::unique_ptr<crowdnet::CrowdNet> crowdnet)
      : options_(std::move(options)),
        threshold_(ScoreThreshold(options_)),
        blazeface_(std::move(blazeface)),
        multiscale_(std::move(multiscale)),
        ssd_(std::move(ssd)),
        crowdnet_(std::move(crowdnet)),
        ssd_preset_(SsdPresetFor(options_)),
        crowdnet_preset_(CrowdNetPresetFor(options_)) {}

  Result<std::vector<Face>> Detect(const cv::Mat& image) const override {
    FACEVEIL_RETURN_IF_ERROR(CheckImage(image));
    try {
      return DetectChecked(image);
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
  Result<std::vector<Face>> DetectChecked(const cv::Mat& image) const {
    const float threshold = threshold_;
    if (crowdnet_) {
      return crowdnet::DetectPasses(*crowdnet_, image, crowdnet_preset_,
                                    threshold, options_.nms_iou_threshold);
    }
    const bool use_ssd = ssd_ && ssd_preset_.runs();
    const bool merge = blazeface_ && use_ssd;
    std::vector<Face> blazeface_faces, ssd_faces;
    const int parts = merge ? 2 : 1;
    if (blazeface_) {
      // Each model keeps what can still reach the threshold once its
      // offset and the agreement bonus are applied.
      const float min_score =
          merge ? ShiftScore(threshold,
                             -ssd_preset_.merge.blazeface_logit_offset -
                                 AgreementHeadroom())
                : threshold;
      WorkPart(0, parts);
      Result<std::vector<Face>> found = DetectBlazeFace(image, min_score);
      if (!found.ok()) return found.status();
      blazeface_faces = std::move(found).value();
    }
    if (use_ssd) {
      const float min_score =
          merge ? ShiftScore(threshold, -ssd_preset_.merge.ssd_logit_offset -
                                            AgreementHeadroom())
                : threshold;
      WorkPart(parts - 1, parts);
      Result<std::vector<Face>> found =
          ssd::DetectPasses(*ssd_, image, ssd_preset_.passes, min_score,
                            options_.nms_iou_threshold);
      if (!found.ok()) return found.status();
      ssd_faces = std::move(found).value();
    }
    if (!merge) return blazeface_ ? blazeface_faces : ssd_faces;
    std::vector<Face> faces;
    for (Face& f :
         MergeEnsemble(blazeface_faces, ssd_faces, ssd_preset_.merge)) {
      if (f.score >= threshold) faces.push_back(f);
    }
    return faces;
  }

  // How far below the threshold (in logit) a candidate may score and
  // still pass after the bonus for both models agreeing.
  float AgreementHeadroom() const {
    return std::max(0.0f, ssd_preset_.merge.agreement_logit_bonus);
  }

  Result<std::vector<Face>> DetectBlazeFace(const cv::Mat& image,
                                            float min_score) const {
    if (options_.mode != DetectionMode::kSingle || !options_.tuning.empty()) {
      return DetectMultiScale(*blazeface_, image, min_score, kProductResampling,
                              multiscale_);
    }
    Result<std::vector<Face>> candidates = blazeface_->DetectCandidates(
        image, WholeImageRegion(image.size()), min_score, kProductResampling);
    if (!candidates.ok()) return candidates.status();
    return WeightedNms(std::move(candidates).value(),
                       options_.nms_iou_threshold);
  }

  const DetectorOptions options_;
  const float threshold_;                         // ScoreThreshold(options_)
  const std::unique_ptr<BlazeFace> blazeface_;    // null: kSsd
  const MultiScaleOptions multiscale_;            // BlazeFace's passes
  const std::unique_ptr<ssd::SsdMobileNet> ssd_;  // null: not needed
  const std::unique_ptr<crowdnet::CrowdNet> crowdnet_;  // null: not needed
  const SsdPreset ssd_preset_;
  const crowdnet::PassOptions crowdnet_preset_;
};

Result<std::unique_ptr<BlazeFace>> CreateBlazeFace(
    const DetectorOptions& options) {
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
  return net;
}

Result<std::unique_ptr<Detector>> CreateDetector(
    const DetectorOptions& options) {
  FACEVEIL_RETURN_IF_ERROR(ValidateDetectorOptions(options));
  if (options.models == DetectorModels::kCrowdNet) {
    Result<std::unique_ptr<crowdnet::CrowdNet>> net =
        crowdnet::CrowdNet::Create();
    if (!net.ok()) return net.status();
    return std::unique_ptr<Detector>(
        new FaceDetector(options, nullptr, MultiScaleOptions{}, nullptr,
                         std::move(net).value()));
  }
  std::unique_ptr<BlazeFace> blazeface;
  if (options.models != DetectorModels::kSsd) {
    Result<std::unique_ptr<BlazeFace>> net = CreateBlazeFace(options);
    if (!net.ok()) return net.status();
    blazeface = std::move(net).value();
  }
  // BlazeFace's passes: the preset, changed by `tuning` when measuring.
  MultiScaleOptions multiscale;
  if (blazeface) {
    multiscale = MultiScalePreset(options, blazeface->spec());
    FACEVEIL_RETURN_IF_ERROR(
        ApplyMultiScaleOverrides(options.tuning, &multiscale));
  }
  std::unique_ptr<ssd::SsdMobileNet> ssd;
  if (SsdPresetFor(options).runs()) {
    Result<std::unique_ptr<ssd::SsdMobileNet>> net =
        ssd::SsdMobileNet::Create();
    if (!net.ok()) return net.status();
    ssd = std::move(net).value();
  }
  return std::unique_ptr<Detector>(
      new FaceDetector(options, std::move(blazeface), std::move(multiscale),
                       std::move(ssd), nullptr));
}

}  // namespace

const char* DetectorModelsName(DetectorModels models) {
  switch (models) {
    case DetectorModels::kEnsemble:
      return "ensemble";
    case DetectorModels::kBlazeFace:
      return "blazeface";
    case DetectorModels::kSsd:
      return "ssd";
    case DetectorModels::kCrowdNet:
      return "crowdnet";
  }
  return "unknown";
}

Result<DetectorModels> ParseDetectorModels(const std::string& name) {
  for (DetectorModels m :
       {DetectorModels::kEnsemble, DetectorModels::kBlazeFace,
        DetectorModels::kSsd, DetectorModels::kCrowdNet}) {
    if (name == DetectorModelsName(m)) return m;
  }
  return Status::InvalidArgument(
      "unknown detector \"" + name +
      "\"; expected ensemble, blazeface, ssd or crowdnet");
}

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
