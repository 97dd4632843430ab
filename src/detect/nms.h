// MediaPipe's "WEIGHTED" non-maximum suppression.
#ifndef FACEVEIL_DETECT_NMS_H_
#define FACEVEIL_DETECT_NMS_H_

#include <vector>

#include "faceveil/face.h"

namespace faceveil {

// Repeatedly takes the best-scoring remaining candidate together with every
// remaining candidate whose IoU with it exceeds `iou_threshold` (itself
// included), and emits one face whose box and keypoints are the
// score-weighted average of that group and whose score is the best one's.
// The result is ordered by descending score. Coordinates may be in any frame
// (relative or pixels) as long as all candidates share it.
std::vector<Face> WeightedNms(std::vector<Face> candidates,
                              float iou_threshold);

// The score-weighted mean of faces' boxes (averaged by corners, as
// MediaPipe does) and keypoints: the merge step of WeightedNms, shared with
// the multi-scale merge.
class WeightedFaceMean {
 public:
  void Add(const Face& face);
  // Replaces `face`'s box and keypoints with the mean; leaves it unchanged
  // when no positive weight was added. The score is not touched.
  void WriteTo(Face* face) const;

 private:
  double x0_ = 0, y0_ = 0, x1_ = 0, y1_ = 0, total_ = 0;
  double kx_[kNumKeypoints] = {}, ky_[kNumKeypoints] = {};
};

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_NMS_H_
