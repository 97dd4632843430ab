// The passes behind each DetectionMode, per back end: BlazeFace's
// multi-scale tiling, the SSD's passes and the ensemble's score calibration,
// CrowdNet's passes. The score thresholds measured with them are in
// detect/thresholds.cpp (DefaultScoreThreshold, faceveil/detector.h).
#ifndef FACEVEIL_DETECT_PRESETS_H_
#define FACEVEIL_DETECT_PRESETS_H_

#include "crowdnet/passes.h"
#include "detect/blazeface.h"
#include "detect/ensemble.h"
#include "detect/multiscale.h"
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

// The SSD's passes and the ensemble's members and calibration for one mode.
struct SsdPreset {
  ssd::PassOptions passes;
  // The ensemble's other member, kBlazeFace or kCrowdNet (in the first slot
  // of MergeEnsemble: merge.blazeface_logit_offset is its offset); its
  // passes are its own preset for `partner_mode`.
  DetectorModels partner = DetectorModels::kBlazeFace;
  DetectionMode partner_mode = DetectionMode::kBalanced;
  EnsembleOptions merge;
  bool runs() const { return passes.whole_long_side > 0 || passes.tiles; }
};

// What the SSD runs for `options` (nothing for kBlazeFace, kCrowdNet and a
// kSingle ensemble) and which model the ensemble merges it with, and how.
SsdPreset SsdPresetFor(const DetectOptions& options);

// CrowdNet's passes for `options.mode`.
crowdnet::PassOptions CrowdNetPresetFor(const DetectOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_PRESETS_H_
