// The passes behind each DetectionMode (detect/presets.h), with the
// measurements that chose them. Their thresholds: detect/thresholds.cpp.
#include "detect/presets.h"

namespace faceveil {

// One 192-px inference costs ~11.8 ms of one core here (bench/
// multiscale_bench.cpp), so the 150 ms budget of kBalanced allows about a
// dozen. On WIDER val (eval/results.md), at the same 13 inferences per
// 1024x768 image, 320-px tiles overlapping by 10% (faces of 320 / 16 =
// 20 px) beat 384-px tiles overlapping by 25%: privacy recall 0.411 vs
// 0.403 at threshold 0.4, with 0.72 vs 0.84 false positives per image
// (the tile-edge rule covers faces wider than the thinner overlap).
constexpr float kBalancedMinFace = 20;
constexpr float kBalancedOverlap = 0.1f;
// kThorough: the whole image plus tiles of 384 and 192 px on a 1024x768
// photo (faces down to 12 px), the 192-px tiles guided: run only where the
// coarser levels saw a small candidate scoring >= 0.1. On WIDER val that
// runs about half of them (~25 inferences per image instead of 48) and
// measures better than running all: AP Hard 0.556 vs 0.538, privacy
// recall 0.484 vs 0.486 at 0.85 vs 1.17 false positives per image
// (threshold 0.45). A third level (+20 inferences) found 0.47 vs 0.46 in
// the table. The second look (verify.h) is off
// until it measures better at the same false-positive rate
// (`faceveil eval --tune verify=1`).
constexpr float kThoroughMinFace = 12;

MultiScaleOptions MultiScalePreset(const DetectOptions& options,
                                   const ModelSpec& spec) {
  MultiScaleOptions m;
  m.nms_iou_threshold = options.nms_iou_threshold;
  // A face of 1/16 of the input side: 12 px in a 192-px tile at 1:1.
  m.tiling.min_face_fraction = 1.0f / 16;
  if (spec.input_size < 192) {
    // The short-range model is for faces close to the camera; on tiles it
    // scores fragments of large faces (0.41 on sergey.png, whose one face
    // it finds at 0.94 whole) and has no small faces to find. Whole image.
    m.tiling.min_face_px = 0;
    return m;
  }
  switch (options.mode) {
    case DetectionMode::kSingle:
      m.tiling.min_face_px = 0;
      break;
    case DetectionMode::kFast:
      // 2x2 tiles of 60% of the longer side on a 4:3 photo: 5 inferences.
      m.tiling.fixed_level_fraction = 0.6f;
      m.tiling.overlap = 0.25f;
      break;
    case DetectionMode::kBalanced:
      m.tiling.min_face_px =
          options.min_face_px > 0 ? options.min_face_px : kBalancedMinFace;
      m.tiling.level_ratio = 2.0f;
      m.tiling.overlap = kBalancedOverlap;
      // One level on a 1024-px photo: 640-px tiles would add 4 inferences
      // for faces the whole image and the 320-px tiles already see.
      m.tiling.max_level_fraction = 0.6f;
      break;
    case DetectionMode::kThorough:
      m.tiling.min_face_px =
          options.min_face_px > 0 ? options.min_face_px : kThoroughMinFace;
      m.tiling.level_ratio = 2.0f;
      m.tiling.overlap = 0.25f;
      m.guided_from_level = 2;
      m.guide_min_score = 0.1f;
      m.guide_max_face_fraction = 0.25f;
      break;
  }
  return m;
}

// Which models the ensemble runs per mode, and how their scores merge.
// Measured on all 394 images of WIDER FACE val: each model's detections
// saved at threshold 0.1 by `faceveil eval --save-detections`, merged
// offline by eval/merge_sweep.cpp (this same MergeEnsemble) over a grid of
// logit offsets, votes (EnsembleMember::agreement_logit_bonus) and
// thresholds; the setting kept has the highest privacy recall at <= 1
// false positive per image. A face several models see gains their votes in
// logit, so a lone detection needs a higher score than an agreed one.
//
// Privacy recall at <= 1 FP/image (CrowdNet run v10 with its verifier;
// eval/results.md; without the verifier 0.536, 0.651, 0.701, 0.729). The
// calibrations were measured with run v7 and again with v8 and v10, which
// kept them (the best other setting found gained under 0.004, or the same
// recall at more false positives); with the verifier only fast's was
// measured again, and kept:
//   single:   CrowdNet at 640 alone                          0.658
//             (BlazeFace alone 0.162)
//   fast:     CrowdNet at 1024 and 256 + SSD at 640          0.727
//             (BlazeFace fast + SSD 640: 0.471)
//   balanced: CrowdNet balanced + BlazeFace balanced + SSD at 1024
//             (votes 1 / 0.5 / 1, offsets +1 / 0 / 0)        0.741
//             (BlazeFace + SSD, the default before: 0.633; CrowdNet + SSD
//             0.674, but it lost blurred faces BlazeFace's tiles find on
//             messi5.jpg, tests/detect/detector_test.cpp)
//   thorough: CrowdNet balanced + BlazeFace thorough + SSD 1024 and tiles
//             (votes 1 / 0.75 / 1, offsets +0.5 / 0 / +0.5)  0.743
//             (BlazeFace + SSD before: 0.715; with CrowdNet thorough
//             instead, run v6: 0.725 for ~0.9 s more per photo)
// CrowdNet's balanced passes cost ~0.1 s of one core per 1024x768 photo, a
// sixth of the rest. Privacy first: balanced runs the SSD at full
// resolution despite its cost (~0.45 s of CPU per 1024-px photo); fast
// takes 640 (~0.19 s).
EnsemblePreset EnsemblePresetFor(const DetectOptions& o) {
  EnsemblePreset p;
  p.merge.iou_threshold = o.nms_iou_threshold;
  p.ssd.whole_long_side = 0;
  switch (o.models) {
    case DetectorModels::kCrowdNet:
      p.crowdnet = o.mode;
      return p;
    case DetectorModels::kBlazeFace:
      p.blazeface = o.mode;
      return p;
    case DetectorModels::kSsd:
    case DetectorModels::kEnsemble:
      break;
  }
  const bool ensemble = o.models == DetectorModels::kEnsemble;
  switch (o.mode) {
    case DetectionMode::kSingle:
      // One inference: CrowdNet alone, unless only the SSD runs.
      if (ensemble) {
        p.crowdnet = DetectionMode::kSingle;
      } else {
        p.ssd.whole_long_side = 512;
      }
      break;
    case DetectionMode::kFast:
      // The SSD at 640 is the weaker model: alone it needs 2 logits more
      // than CrowdNet to count, agreeing it adds evidence.
      if (ensemble) p.crowdnet = DetectionMode::kFast;
      p.ssd.whole_long_side = 640;
      p.ssd_merge = {.logit_offset = -2.0f, .agreement_logit_bonus = 0.5f};
      p.crowdnet_merge.agreement_logit_bonus = 0.5f;
      // As measured: a weak SSD box agreeing with CrowdNet lifts the face
      // (run v5: without it recall 0.523 at 0.47 FP/image instead of
      // 0.606 at 0.96; run v6 with it: 0.605 at 0.96).
      p.merge.member_floor = 0.1f;
      break;
    case DetectionMode::kBalanced:
    case DetectionMode::kThorough:
      // All three: CrowdNet's own-resolution passes, BlazeFace's tiles and
      // the SSD at full resolution up to 1024 (larger photos are shrunk,
      // bounding the cost); thorough adds BlazeFace's finer tiles and the
      // SSD's 2x2 tiles enlarged 1.6x (faces under ~16 px are found only
      // when enlarged). Offsets as measured, shifted so that BlazeFace's
      // is 0 (the threshold absorbs a common shift): the merge keeps
      // every face BlazeFace alone finds at the same threshold.
      if (ensemble) {
        p.crowdnet = DetectionMode::kBalanced;
        p.blazeface = o.mode;
      }
      p.ssd.whole_long_side = 1024;
      p.ssd.tiles = o.mode == DetectionMode::kThorough;
      // Measured again with CrowdNet run v10 behind both verifier networks
      // (build/bench/merge_sweep on WIDER val, each model's detections
      // saved at 0.1; recall at <= 1 FP/image on the sweep's 0.01
      // threshold grid): balanced 0.7494 at 0.90 with the calibration
      // before (CrowdNet +1.0, SSD 0) -> 0.7588 at 0.96; thorough 0.7549 at
      // 0.99 (CrowdNet +0.5, BlazeFace's vote 0.75) -> 0.7731 at 0.97 (with
      // verifier v4 alone the same search found 0.7591 and 0.7680).
      p.crowdnet_merge = {.logit_offset = 1.5f, .agreement_logit_bonus = 1};
      p.blazeface_merge.agreement_logit_bonus = 0.5f;
      p.ssd_merge = {
          .logit_offset = o.mode == DetectionMode::kBalanced ? -0.5f : 0.5f,
          .agreement_logit_bonus = 1};
      // Measured on detections saved at 0.1: weak candidates still vote.
      p.merge.member_floor = 0.1f;
      // The default also fuses CrowdNet's view of the photo mirrored
      // (+~0.1 s per 1024-px photo). WIDER val, merge_sweep with the
      // calibration above (each model's detections saved at 0.1, CrowdNet's
      // two views fused offline as detect/mirror.h does): 0.7648 at 0.97
      // FP/image (the best calibration for one view) -> 0.7731 at 1.00.
      // Thorough too (its CrowdNet member is the same): measured through
      // the product in detect/thresholds.cpp.
      if (ensemble && o.crowdnet_mirror) {
        p.crowdnet_mirror = MirrorFusionOptions{};
      }
      break;
  }
  // Tuning measures BlazeFace's passes (`faceveil eval --tune`): where the
  // mode's ensemble has no BlazeFace, it takes CrowdNet's place and
  // calibration.
  if (ensemble && !o.tuning.empty() && !p.blazeface.has_value()) {
    p.crowdnet.reset();
    p.blazeface = o.mode;
    p.blazeface_merge = p.crowdnet_merge;
    p.crowdnet_merge = {};
  }
  if (o.ssd_long_side > 0 && p.ssd_runs()) {
    p.ssd.whole_long_side = o.ssd_long_side;
  }
  return p;
}

// CrowdNet's passes per mode (crowdnet/passes.h). The network was trained on
// faces from ~4 px up at 0.5-1.8x their photos' scale, so the photo's own
// resolution is its working point; halved copies down to 640 px find the
// faces too large for its receptive field.
crowdnet::PassOptions CrowdNetPresetFor(const DetectOptions& o) {
  crowdnet::PassOptions p;
  switch (o.mode) {
    case DetectionMode::kSingle:
      p.max_long_side = 640;  // one inference, faces >= ~16 px at 1024
      break;
    case DetectionMode::kFast:
      // Up to 1024 px, then a quarter-size copy (1/16 of the cost) for
      // faces filling most of the photo, larger than any the network saw
      // in training: at 1024 alone it boxed only a part of them. Run v7 on
      // WIDER val at 0.41: faces >= 64 px 0.827 -> 0.858, all 0.575 ->
      // 0.580 at 0.92 -> 0.94 FP/image; the halved level too (512 + 256)
      // gave 0.865 for +25% time.
      p.max_long_side = 1024;
      p.min_long_side = 512;
      p.level_ratio = 4;
      break;
    case DetectionMode::kBalanced:
      break;  // the photo's own pixels, tiled above 4 MP, and halved
    case DetectionMode::kThorough:
      p.scale = 2;  // faces under 10 px reach the sizes it learnt best
      break;
  }
  return p;
}

CrowdNetVerifyOptions CrowdNetVerifyPresetFor(const DetectOptions& o) {
  CrowdNetVerifyOptions v;
  v.enabled = o.crowdnet_verifier;
  // WIDER val, recall at <= 1 FP/photo (docs/CROWDNET.md): on CrowdNet
  // fast's candidates re-scored offline, network 0 (verifier run v4) alone
  // 0.728, network 2 (v5) alone 0.736, the mean of 0 and 1 (v3) 0.741, of
  // all three 0.745. Each network costs the first's again (~0.2 ms per
  // candidate, ~13 ms per 1024-px photo): the fast modes keep their budget
  // with the best single one, the careful modes ask all three.
  const bool careful =
      o.mode == DetectionMode::kBalanced || o.mode == DetectionMode::kThorough;
  v.networks =
      careful ? VerifierNetwork(0) | VerifierNetwork(1) | VerifierNetwork(2)
              : VerifierNetwork(2);
  return v;
}

}  // namespace faceveil
