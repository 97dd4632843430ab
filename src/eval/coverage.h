// What anonymization would hide: faces covered by detections, and
// detections that hide no face.
#ifndef FACEVEIL_SRC_EVAL_COVERAGE_H_
#define FACEVEIL_SRC_EVAL_COVERAGE_H_

#include <vector>

#include "faceveil/eval.h"
#include "faceveil/face.h"

namespace faceveil::eval {

// Share of `target`'s area inside the union of `boxes` (overlaps between
// boxes counted once), in [0, 1]; 0 for an empty target. Exact: the area is
// summed over the grid the box edges cut the target into.
double CoveredFraction(const Box& target, const std::vector<Box>& boxes);

// Whether `face` counts as anonymized by `detections`: some detection has
// IoU >= cover_iou with it, or >= cover_fraction of its area lies inside
// the union of the detections.
bool IsCovered(const Box& face, const std::vector<Box>& detections,
               float cover_iou, float cover_fraction);

// Whether `detection` hides (part of) an annotated face: some face has
// IoU >= cover_iou with it or lies >= cover_fraction inside it, or the
// detection lies >= cover_fraction inside the union of the faces.
bool HitsAFace(const Box& detection, const std::vector<Box>& faces,
               float cover_iou, float cover_fraction);

// Height buckets of privacy recall: ">=64", "32-63", "16-31", "10-15"
// (the last starts at min_face_height). -1 for faces below it.
int HeightBucket(float height, float min_face_height);
inline constexpr int kNumHeightBuckets = 4;
const char* HeightBucketLabel(int bucket);

// Privacy recall overall, by height and by flag, and false positives, of
// the detections scoring >= options.score_threshold. Fills the matching
// fields of *report.
void ComputeCoverage(const GroundTruth& gt,
                     const std::vector<ImageDetections>& per_image,
                     const EvalOptions& options, EvalReport* report);

}  // namespace faceveil::eval

#endif  // FACEVEIL_SRC_EVAL_COVERAGE_H_
