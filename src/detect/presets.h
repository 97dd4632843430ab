// The passes behind each DetectionMode, per back end: BlazeFace's
// multi-scale tiling, the SSD's passes and the ensemble's score calibration,
// CrowdNet's passes. The score thresholds measured with them are in
// detect/thresholds.cpp (DefaultScoreThreshold, faceveil/detector.h).
#ifndef FACEVEIL_DETECT_PRESETS_H_
#define FACEVEIL_DETECT_PRESETS_H_

#include <optional>
#include <vector>

#include "crowdnet/passes.h"
#include "detect/blazeface.h"
#include "detect/ensemble.h"
#include "detect/mirror.h"
#include "detect/multiscale.h"
#include "detect/verify.h"
#include "faceveil/detector.h"
#include "ssd/passes.h"

namespace faceveil {

// BlazeFace: the configuration behind each DetectionMode for `options`
// (min_face_px and the model's input size enter the tiling).
MultiScaleOptions MultiScalePreset(const DetectOptions& options,
                                   const ModelSpec& spec);

// BlazeFace: the score threshold measured for each preset (MultiScalePreset
// with the full-range model): the highest privacy recall at no more than
// about one false positive per image on WIDER FACE val (eval/results.md).
float PresetScoreThreshold(DetectionMode mode);

// Which models run for one DetectOptions, with which passes, and how their
// scores merge (detect/ensemble.h). A model runs when its entry is set;
// CrowdNet's and BlazeFace's passes are their own presets for the mode given
// (CrowdNetPresetFor, MultiScalePreset).
struct EnsemblePreset {
  std::optional<DetectionMode> crowdnet;
  std::optional<DetectionMode> blazeface;
  // The SSD's passes: none when whole_long_side is 0 and tiles is false.
  ssd::PassOptions ssd;
  // Each model's calibration in the merge: EnsembleMember's logit_offset
  // and agreement_logit_bonus (its vote). BlazeFace's offset stays 0 where
  // it runs, so the merge only adds faces to BlazeFace's own at the same
  // threshold and raises the scores of faces others also saw.
  struct Calibration {
    float logit_offset = 0;
    float agreement_logit_bonus = 0;
  };
  Calibration crowdnet_merge;
  Calibration blazeface_merge;
  Calibration ssd_merge;
  EnsembleOptions merge;
  // Set: CrowdNet also looks at the photo mirrored left to right and its
  // two views are fused (detect/mirror.h) before the merge, for twice its
  // cost.
  std::optional<MirrorFusionOptions> crowdnet_mirror;

  bool ssd_runs() const { return ssd.whole_long_side > 0 || ssd.tiles; }
  // How many models run (1: no merge, the model's own faces).
  int models() const {
    return crowdnet.has_value() + blazeface.has_value() + ssd_runs();
  }
  // The calibrations of the models that run, in the merge's member order:
  // CrowdNet, BlazeFace, the SSD.
  std::vector<Calibration> member_calibrations() const {
    std::vector<Calibration> out;
    if (crowdnet) out.push_back(crowdnet_merge);
    if (blazeface) out.push_back(blazeface_merge);
    if (ssd_runs()) out.push_back(ssd_merge);
    return out;
  }
};

// The models behind `options.models` and `options.mode`: one model alone
// for kCrowdNet, kBlazeFace and kSsd, the measured merge for kEnsemble.
EnsemblePreset EnsemblePresetFor(const DetectOptions& options);

// CrowdNet's passes for `options.mode`.
crowdnet::PassOptions CrowdNetPresetFor(const DetectOptions& options);

// CrowdNet's second look for `options`: on unless options.crowdnet_verifier
// is false. The careful modes (kBalanced, kThorough, and so every ensemble
// but kFast's) ask every embedded verifier network; kSingle and kFast (the
// video's default) ask network 2 only, at a third of the cost.
CrowdNetVerifyOptions CrowdNetVerifyPresetFor(const DetectOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_PRESETS_H_
