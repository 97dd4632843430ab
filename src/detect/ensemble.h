// Merging the faces of two detectors, BlazeFace (with keypoints) and the
// SSD (ssd/ssd_mobilenet.h, without), in image coordinates: each model's
// scores are calibrated by a logit offset, then one weighted NMS runs over
// both (base/nms.h's rule).
#ifndef FACEVEIL_DETECT_ENSEMBLE_H_
#define FACEVEIL_DETECT_ENSEMBLE_H_

#include <vector>

#include "faceveil/face.h"

namespace faceveil {

struct EnsembleOptions {
  // Added to the logit of every BlazeFace / SSD score before merging, so
  // that one threshold means the same for both (measured on WIDER val).
  float blazeface_logit_offset = 0;
  float ssd_logit_offset = 0;
  // Candidates overlapping the group's best by more than this IoU join it.
  float iou_threshold = 0.3f;
  // Added to the merged logit when both models saw the face: two
  // independent detectors agreeing is stronger evidence than either alone,
  // so a lone detection can be held to a higher bar at the same threshold.
  float agreement_logit_bonus = 0;
  // The lowest raw score a candidate of either model enters the merge with.
  // 0: each model keeps only what could reach the threshold on its own
  // once its offset and the bonus are applied (cheapest). A weaker member
  // still gives its group the agreement bonus, so a preset calibrated on
  // detections saved at 0.1 (eval/merge_sweep.cpp) sets 0.1 here to run as
  // it was measured.
  float member_floor = 0;
};

// Weighted NMS over both lists after calibration: the best remaining
// candidate and every remaining one with IoU above the threshold form a
// group; its box is the score-weighted mean of all members, its score the
// best calibrated score (plus the agreement bonus when both models are in
// the group). A merged face has_keypoints when any BlazeFace member was in
// its group: the score-weighted mean of those members only. Groups come in
// the order of their best member's calibrated score.
std::vector<Face> MergeEnsemble(const std::vector<Face>& blazeface,
                                const std::vector<Face>& ssd,
                                const EnsembleOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_ENSEMBLE_H_
