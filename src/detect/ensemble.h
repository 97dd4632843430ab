// Merging the faces of several detectors (CrowdNet, BlazeFace with
// keypoints, the SSD), in image coordinates: each model's scores are
// calibrated by a logit offset, then one weighted NMS runs over all of
// them (base/nms.h's rule).
#ifndef FACEVEIL_DETECT_ENSEMBLE_H_
#define FACEVEIL_DETECT_ENSEMBLE_H_

#include <span>
#include <vector>

#include "faceveil/face.h"

namespace faceveil {

// One model's faces entering the merge.
struct EnsembleMember {
  // The model's faces (with its own NMS applied); not owned.
  std::span<const Face> faces;
  // Added to the logit of every score of this model before merging, so
  // that one threshold means the same for every model (measured on WIDER
  // val).
  float logit_offset = 0;
  // This model's vote: added to the logit of a merged face it saw when
  // another model's candidate leads the group. Independent detectors
  // agreeing is stronger evidence than any one alone, so a lone detection
  // can be held to a higher bar at the same threshold; a weaker model's
  // agreement may count for less.
  float agreement_logit_bonus = 0;
};

struct EnsembleOptions {
  // Candidates overlapping the group's best by more than this IoU join it.
  float iou_threshold = 0.3f;
  // > 0: the raw score from which every model's candidates enter the
  // merge, whatever the threshold. A weak candidate still gives its group
  // its model's vote, so a preset calibrated on detections saved at 0.1
  // (eval/merge_sweep.cpp) sets 0.1 here to run as it was measured, at its
  // threshold and at any other (a low threshold also costs no more than
  // the floor allows). 0: each model keeps only what could reach the
  // threshold on its own once its offset and the other models' votes are
  // applied.
  float member_floor = 0;
};

// Weighted NMS over all members after calibration: the best remaining
// candidate and every remaining one with IoU above the threshold form a
// group; its box is the score-weighted mean of all its candidates, its
// score the best calibrated score plus the vote of every other model in the
// group (the best candidate's own model does not vote again). A merged face
// has_keypoints when any member with keypoints (BlazeFace) was in its group:
// the score-weighted mean of those members only. Groups come in the order of
// their best candidate's calibrated score; equal scores keep the members'
// order.
std::vector<Face> MergeEnsemble(std::span<const EnsembleMember> members,
                                const EnsembleOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_ENSEMBLE_H_
