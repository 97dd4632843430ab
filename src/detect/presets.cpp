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
// SSD logit offsets, agreement bonuses and thresholds; the setting kept has
// the highest privacy recall at <= 1 false positive per image. A face both
// models see gains the bonus in logit, so a lone detection needs a higher
// score than an agreed one.
//
// Privacy recall at <= 1 FP/image (CrowdNet run v7, run v6 in brackets;
// eval/results.md):
//   single:   CrowdNet at 640 alone            0.500 [0.462]
//             (BlazeFace alone 0.162)
//   fast:     CrowdNet at 1024 + SSD at 640    0.616 [0.605]
//             (BlazeFace fast + SSD 640: 0.471)
//   balanced: BlazeFace balanced + SSD at 1024  0.633
//             (CrowdNet's own-resolution passes + SSD at 1024: 0.674
//             offline [0.655]; CrowdNet at 1024 + SSD at 1024 [v5 0.668])
//   thorough: BlazeFace thorough + SSD 1024 and tiles  0.715
//             ([CrowdNet thorough + SSD thorough 0.698; all three merged
//             0.725 for ~0.9 s more per photo: not worth it])
// CrowdNet at 1024 costs ~45 ms of one core per 1024x768 photo, a third of
// BlazeFace's 13 tiles and a tenth of its fast preset's time here. Privacy
// first: balanced runs the SSD at full resolution despite its cost (~0.45 s of
// CPU per 1024-px photo); fast takes 640 (~0.19 s).
SsdPreset SsdPresetFor(const DetectOptions& o) {
  SsdPreset p;
  p.merge.iou_threshold = o.nms_iou_threshold;
  p.passes.whole_long_side = 0;
  const bool ssd_only = o.models == DetectorModels::kSsd;
  if (o.models == DetectorModels::kBlazeFace ||
      o.models == DetectorModels::kCrowdNet) {
    return p;
  }
  p.partner = DetectorModels::kCrowdNet;
  p.partner_mode = DetectionMode::kFast;
  switch (o.mode) {
    case DetectionMode::kSingle:
      // One inference: CrowdNet alone, unless only the SSD runs.
      p.partner_mode = DetectionMode::kSingle;
      if (ssd_only) p.passes.whole_long_side = 512;
      break;
    case DetectionMode::kFast:
      // The SSD at 640 is the weaker model: alone it needs 2 logits more
      // than CrowdNet to count, agreeing it adds evidence.
      p.passes.whole_long_side = 640;
      p.merge.ssd_logit_offset = -2.0f;
      p.merge.agreement_logit_bonus = 0.5f;
      // As measured: a weak SSD box agreeing with CrowdNet lifts the face
      // (run v5: without it recall 0.523 at 0.47 FP/image instead of
      // 0.606 at 0.96; run v6 with it: 0.605 at 0.96).
      p.merge.member_floor = 0.1f;
      break;
    case DetectionMode::kBalanced:
    case DetectionMode::kThorough:
      // BlazeFace's tiles with the SSD at full resolution up to 1024
      // (larger photos are shrunk, bounding the cost); thorough adds the
      // SSD's 2x2 tiles enlarged 1.6x (faces under ~16 px are found only
      // when enlarged). CrowdNet + SSD measures better in balanced (run v7:
      // 0.674 vs 0.633) but still loses three blurred spectators BlazeFace's
      // tiles find on messi5.jpg (tests/detect/detector_test.cpp) and the
      // keypoints: not yet the default.
      p.partner = DetectorModels::kBlazeFace;
      p.partner_mode = o.mode;
      p.passes.whole_long_side = 1024;
      p.passes.tiles = o.mode == DetectionMode::kThorough;
      p.merge.ssd_logit_offset = -0.25f;
      p.merge.agreement_logit_bonus = 1.5f;
      break;
  }
  // Tuning measures BlazeFace's passes (`faceveil eval --tune`): with it,
  // BlazeFace is the SSD's partner in every mode.
  if (!o.tuning.empty()) {
    p.partner = DetectorModels::kBlazeFace;
    p.partner_mode = o.mode;
  }
  if (o.ssd_long_side > 0 && p.runs())
    p.passes.whole_long_side = o.ssd_long_side;
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
      // One inference at up to 1024 px: the halved copy found no more of
      // the faces >= 64 px on WIDER val (recall 0.795 vs 0.798).
      p.max_long_side = 1024;
      p.min_long_side = 0;
      break;
    case DetectionMode::kBalanced:
      break;  // the photo's own pixels, tiled above 4 MP, and halved
    case DetectionMode::kThorough:
      p.scale = 2;  // faces under 10 px reach the sizes it learnt best
      break;
  }
  return p;
}

}  // namespace faceveil
