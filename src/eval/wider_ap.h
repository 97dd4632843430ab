// Average precision as the official WIDER FACE evaluation computes it
// (evaluation.py of the WIDER FACE toolbox, the Python port of the MATLAB
// code that every published WIDER FACE figure comes from).
//
// The protocol, per setting (Easy, Medium, Hard):
//  - Scores are min-max normalized over the whole run. As in the official
//    code the minimum starts at 1 and the maximum at 0, so a run whose
//    scores all lie in [0.5, 0.99] maps 0.5 -> 0 and 0.99 -> 1.
//  - Per image, detections are taken by decreasing score. Each one is
//    compared with every ground-truth face and takes the face of highest
//    IoU (the first on ties), whether or not that face is already matched.
//    If that IoU >= 0.5: a face outside the setting ("ignore" for it) makes
//    the detection no proposal at all and the face uncounted; a face of the
//    setting not yet recalled becomes recalled; a face already recalled
//    leaves the detection a plain false positive (a duplicate).
//  - For t = 0..999 the threshold is 1 - (t + 1) / 1000; the detections at
//    or above it give, summed over images, proposals and recalled faces.
//    precision = recalled / proposals, recall = recalled / faces of the
//    setting (counted in every image, detections or not).
//  - AP is the VOC area under the monotone precision envelope, with the
//    sentinels (recall 0, precision 0) and (recall 1, precision 0).
//
// Quirks reproduced on purpose:
//  - IoU uses the official pixel-inclusive convention: a box x, y, w, h
//    spans x .. x + w inclusive, so its width counts as w + 1 (this lifts
//    the IoU of small boxes noticeably).
//  - An image with no ground-truth face contributes nothing, even its
//    detections (the official code skips it).
//  - "invalid" faces need no special case: the official difficulty lists
//    leave every invalid face out of every setting, so gt.tsv marks them
//    "ignore" and they are handled as ignored faces.
//
// Deliberate deviations, both of cases the official code turns into NaN:
//  - precision at a threshold with no proposal is taken as 0 (there the
//    recall is 0 too, so the AP is unchanged);
//  - when every score of the run is equal, each normalizes to 1 (the
//    official code divides by zero and scores nothing).
#ifndef FACEVEIL_SRC_EVAL_WIDER_AP_H_
#define FACEVEIL_SRC_EVAL_WIDER_AP_H_

#include <array>
#include <cstdint>
#include <vector>

#include "faceveil/eval.h"
#include "faceveil/face.h"

namespace faceveil::eval {

// IoU with the official "+1" pixel convention.
double OfficialIoU(const Box& a, const Box& b);

// The normalization's (min, max) over every score, as the official code
// seeds them: min starts at 1, max at 0.
struct ScoreRange {
  double min = 1;
  double max = 0;
  void Add(double score);
  double Normalize(double score) const;
};

// A detection, normalized score attached.
struct ScoredBox {
  Box box;
  double score = 0;  // normalized to [0, 1]
};

// Proposal and recall counts at each of the PR thresholds, summed over
// images.
struct PrCounts {
  explicit PrCounts(int thresholds)
      : proposals(thresholds, 0), recalled(thresholds, 0) {}
  std::vector<int64_t> proposals;
  std::vector<int64_t> recalled;
};

// Adds one image's counts for one setting to `counts`. `in_setting[g]`
// says whether face g belongs to the setting.
void AccumulateImage(const std::vector<ScoredBox>& detections,
                     const std::vector<Box>& faces,
                     const std::vector<bool>& in_setting, double iou_threshold,
                     PrCounts* counts);

// VOC area under the monotone envelope of a PR curve given as parallel
// arrays (any order of points the official code produces: by decreasing
// threshold). Sentinels are added here.
double VocAp(const std::vector<double>& recall,
             const std::vector<double>& precision);

// PR curve of summed counts, then its VocAp. `faces` is the setting's face
// count; 0 gives AP 0.
double ApFromCounts(const PrCounts& counts, int64_t faces);

// Easy, Medium, Hard AP of `per_image` (one entry per ground-truth image;
// errors count as no detections) using detections scoring >= min_score.
// Also returns the face counts of each setting and the detections used.
struct WiderApResult {
  std::array<double, 3> ap{};
  std::array<int, 3> faces{};
  int detections = 0;
};
WiderApResult ComputeWiderAp(const GroundTruth& gt,
                             const std::vector<ImageDetections>& per_image,
                             float min_score, double iou_threshold,
                             int thresholds);

}  // namespace faceveil::eval

#endif  // FACEVEIL_SRC_EVAL_WIDER_AP_H_
