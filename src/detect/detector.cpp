// Detector: the public face of src/detect. BlazeFace (one inference on the
// whole image, or the multi-scale tiling of detect/multiscale.h) and/or the
// SSD (ssd/passes.h), merged by detect/ensemble.h, then the threshold.
#include "faceveil/detector.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <exception>
#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <utility>

#include "base/nms.h"
#include "base/work_steps.h"
#include "crowdnet/crowdnet.h"
#include "crowdnet/passes.h"
#include "crowdnet/verifier.h"
#include "detect/blazeface.h"
#include "detect/embedded_models.h"
#include "detect/ensemble.h"
#include "detect/load_once.h"
#include "detect/mirror.h"
#include "detect/multiscale.h"
#include "detect/presets.h"
#include "detect/verify.h"
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

Status ValidateDetectorOptions(const DetectOptions& o) {
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
  if (!o.tuning.empty()) {
    // Which settings are valid does not depend on the preset they change,
    // so a bad key or value is refused here, before any network loads (a
    // bad `faceveil eval --tune` is a usage error like any bad flag).
    MultiScaleOptions scratch;
    FACEVEIL_RETURN_IF_ERROR(ApplyMultiScaleOverrides(o.tuning, &scratch));
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

// The loaded networks (each loaded when a call first needs it) and the
// default DetectOptions. Everything a call chooses comes with the call.
class FaceDetector final : public Detector {
 public:
  explicit FaceDetector(DetectorOptions options)
      : options_(std::move(options)),
        blazeface_([o = options_] { return CreateBlazeFace(o); }),
        ssd_([] { return ssd::SsdMobileNet::Create(); }),
        crowdnet_([] { return crowdnet::CrowdNet::Create(); }),
        crowdnet_verifiers_{LoadOnce<crowdnet::Verifier>([] {
                              return crowdnet::Verifier::CreateEmbedded(0);
                            }),
                            LoadOnce<crowdnet::Verifier>([] {
                              return crowdnet::Verifier::CreateEmbedded(1);
                            }),
                            LoadOnce<crowdnet::Verifier>([] {
                              return crowdnet::Verifier::CreateEmbedded(2);
                            })} {}

  // Loads what Detect(image, options_) needs, so that a bad model file or
  // bad tuning fails Create() rather than the first call.
  Status LoadDefaults() const {
    const EnsemblePreset preset = EnsemblePresetFor(options_);
    if (preset.crowdnet.has_value()) {
      FACEVEIL_RETURN_IF_ERROR(crowdnet_.Get().status());
      DetectOptions member = options_;
      member.mode = *preset.crowdnet;
      std::vector<const crowdnet::Verifier*> verifiers;
      FACEVEIL_RETURN_IF_ERROR(
          CrowdNetVerifiers(CrowdNetVerifyPresetFor(member), &verifiers));
    }
    // A BlazeFace model file the caller named is checked now even when
    // this mode's ensemble does not run BlazeFace.
    if (preset.blazeface.has_value() ||
        (options_.models != DetectorModels::kSsd &&
         !options_.model_file.empty())) {
      Result<const BlazeFace*> net = blazeface_.Get();
      if (!net.ok()) return net.status();
      MultiScaleOptions multiscale;
      FACEVEIL_RETURN_IF_ERROR(BlazeFacePasses(**net, options_, &multiscale));
    }
    if (preset.ssd_runs()) return ssd_.Get().status();
    return Status::Ok();
  }

  Result<std::vector<Face>> Detect(const cv::Mat& image,
                                   const DetectOptions& o) const override {
    FACEVEIL_RETURN_IF_ERROR(CheckImage(image));
    FACEVEIL_RETURN_IF_ERROR(ValidateDetectorOptions(o));
    try {
      return DetectChecked(image, o);
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
  // BlazeFace's passes for `o`: the preset, changed by `tuning` when
  // measuring.
  static Status BlazeFacePasses(const BlazeFace& net, const DetectOptions& o,
                                MultiScaleOptions* multiscale) {
    *multiscale = MultiScalePreset(o, net.spec());
    return ApplyMultiScaleOverrides(o.tuning, multiscale);
  }

  Result<std::vector<Face>> DetectChecked(const cv::Mat& image,
                                          const DetectOptions& o) const {
    const float threshold = ScoreThreshold(o);
    const EnsemblePreset preset = EnsemblePresetFor(o);
    const int parts = preset.models();
    const bool merge = parts > 1;
    using Calibration = EnsemblePreset::Calibration;
    const std::vector<Calibration> calibrations = preset.member_calibrations();
    // The most the other models' votes can add to one model's face.
    float all_votes = 0;
    for (const Calibration& c : calibrations) {
      all_votes += c.agreement_logit_bonus;
    }
    // Alone, a model keeps what passes the threshold. Merged, a preset
    // measured on detections saved at member_floor runs as measured: every
    // candidate down to the floor enters, none below it. Without a floor
    // each model keeps what can still reach the threshold once its offset
    // and the others' votes are applied.
    const auto min_score = [&](const Calibration& c) {
      if (!merge) return threshold;
      if (preset.merge.member_floor > 0) return preset.merge.member_floor;
      const float headroom =
          std::max(0.0f, all_votes - c.agreement_logit_bonus);
      return ShiftScore(threshold, -c.logit_offset - headroom);
    };
    // Each model's faces, in the merge's member order (as calibrations).
    std::vector<std::vector<Face>> found;
    const auto keep = [&](Result<std::vector<Face>> faces) -> Status {
      if (!faces.ok()) return faces.status();
      found.push_back(std::move(faces).value());
      return Status::Ok();
    };
    if (preset.crowdnet.has_value()) {
      WorkPart(static_cast<int>(found.size()), parts);
      DetectOptions member = o;
      member.mode = *preset.crowdnet;
      FACEVEIL_RETURN_IF_ERROR(
          keep(DetectCrowdNet(image, member, min_score(preset.crowdnet_merge),
                              preset.crowdnet_mirror)));
    }
    if (preset.blazeface.has_value()) {
      WorkPart(static_cast<int>(found.size()), parts);
      DetectOptions member = o;
      member.mode = *preset.blazeface;
      FACEVEIL_RETURN_IF_ERROR(keep(
          DetectBlazeFace(image, member, min_score(preset.blazeface_merge))));
    }
    if (preset.ssd_runs()) {
      Result<const ssd::SsdMobileNet*> net = ssd_.Get();
      if (!net.ok()) return net.status();
      WorkPart(static_cast<int>(found.size()), parts);
      FACEVEIL_RETURN_IF_ERROR(keep(
          ssd::DetectPasses(**net, image, preset.ssd,
                            min_score(preset.ssd_merge), o.nms_iou_threshold)));
    }
    if (!merge) return found.empty() ? std::vector<Face>() : found.front();
    std::vector<EnsembleMember> members;
    for (size_t i = 0; i < found.size(); ++i) {
      members.push_back({found[i], calibrations[i].logit_offset,
                         calibrations[i].agreement_logit_bonus});
    }
    std::vector<Face> faces;
    for (Face& f : MergeEnsemble(members, preset.merge)) {
      if (f.score >= threshold) faces.push_back(f);
    }
    return faces;
  }

  // CrowdNet's faces scoring at least `min_score`, best first: one view of
  // the photo, or (`mirror` set) the photo and its mirror image fused.
  Result<std::vector<Face>> DetectCrowdNet(
      const cv::Mat& image, const DetectOptions& o, float min_score,
      const std::optional<MirrorFusionOptions>& mirror) const {
    if (!mirror.has_value()) return DetectCrowdNetView(image, o, min_score);
    // Each view down to the floor its fusion was measured with, so that a
    // face one view saw faintly still pairs with the other's.
    const float floor = std::min(min_score, mirror->view_floor);
    Result<std::vector<Face>> direct = DetectCrowdNetView(image, o, floor);
    if (!direct.ok()) return direct.status();
    cv::Mat flipped;
    cv::flip(image, flipped, 1);
    Result<std::vector<Face>> mirrored = DetectCrowdNetView(flipped, o, floor);
    if (!mirrored.ok()) return mirrored.status();
    flipped.release();
    UnmirrorFaces(image.cols, &*mirrored);
    std::vector<Face> faces;
    for (Face& f : FuseMirroredViews(*direct, *mirrored, *mirror)) {
      if (f.score >= min_score) faces.push_back(std::move(f));
    }
    return faces;
  }

  Result<std::vector<Face>> DetectCrowdNetView(const cv::Mat& image,
                                               const DetectOptions& o,
                                               float min_score) const {
    Result<const crowdnet::CrowdNet*> net = crowdnet_.Get();
    if (!net.ok()) return net.status();
    const CrowdNetVerifyOptions verify = CrowdNetVerifyPresetFor(o);
    if (!verify.enabled) {
      return crowdnet::DetectPasses(**net, image, CrowdNetPresetFor(o),
                                    min_score, o.nms_iou_threshold);
    }
    std::vector<const crowdnet::Verifier*> verifiers;
    FACEVEIL_RETURN_IF_ERROR(CrowdNetVerifiers(verify, &verifiers));
    Result<std::vector<Face>> candidates = crowdnet::DetectPasses(
        **net, image, CrowdNetPresetFor(o),
        CrowdNetFirstLookFloor(min_score, verify), o.nms_iou_threshold);
    if (!candidates.ok()) return candidates.status();
    FACEVEIL_RETURN_IF_ERROR(
        VerifyCrowdNetCandidates(verifiers, image, verify, &*candidates));
    std::vector<Face> faces;
    for (Face& f : *candidates) {
      if (f.score >= min_score) faces.push_back(std::move(f));
    }
    std::stable_sort(
        faces.begin(), faces.end(),
        [](const Face& a, const Face& b) { return a.score > b.score; });
    return faces;
  }

  // The verifier networks `verify` asks (none when it is off), loaded.
  Status CrowdNetVerifiers(const CrowdNetVerifyOptions& verify,
                           std::vector<const crowdnet::Verifier*>* out) const {
    out->clear();
    if (!verify.enabled) return Status::Ok();
    for (int i = 0; i < crowdnet::kEmbeddedVerifiers; ++i) {
      if ((verify.networks & VerifierNetwork(i)) == 0) continue;
      Result<const crowdnet::Verifier*> v = crowdnet_verifiers_[i].Get();
      if (!v.ok()) return v.status();
      out->push_back(*v);
    }
    return Status::Ok();
  }

  Result<std::vector<Face>> DetectBlazeFace(const cv::Mat& image,
                                            const DetectOptions& o,
                                            float min_score) const {
    Result<const BlazeFace*> net = blazeface_.Get();
    if (!net.ok()) return net.status();
    if (o.mode != DetectionMode::kSingle || !o.tuning.empty()) {
      MultiScaleOptions multiscale;
      FACEVEIL_RETURN_IF_ERROR(BlazeFacePasses(**net, o, &multiscale));
      return DetectMultiScale(**net, image, min_score, kProductResampling,
                              multiscale);
    }
    Result<std::vector<Face>> candidates = (*net)->DetectCandidates(
        image, WholeImageRegion(image.size()), min_score, kProductResampling);
    if (!candidates.ok()) return candidates.status();
    return WeightedNms(std::move(candidates).value(), o.nms_iou_threshold);
  }

  const DetectorOptions options_;
  const LoadOnce<BlazeFace> blazeface_;  // options_.model / model_file
  const LoadOnce<ssd::SsdMobileNet> ssd_;
  const LoadOnce<crowdnet::CrowdNet> crowdnet_;
  // The embedded verifier networks, each loaded when first asked.
  const std::array<LoadOnce<crowdnet::Verifier>, crowdnet::kEmbeddedVerifiers>
      crowdnet_verifiers_;
};

Result<std::unique_ptr<Detector>> CreateDetector(
    const DetectorOptions& options) {
  FACEVEIL_RETURN_IF_ERROR(ValidateDetectorOptions(options));
  auto detector = std::make_unique<FaceDetector>(options);
  FACEVEIL_RETURN_IF_ERROR(detector->LoadDefaults());
  return std::unique_ptr<Detector>(std::move(detector));
}

std::atomic<int64_t> network_loads{0};

}  // namespace

int64_t NetworkLoads() { return network_loads.load(); }

void CountNetworkLoad() { network_loads.fetch_add(1); }

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
