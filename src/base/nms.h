// Grouping overlapping detections, and MediaPipe's "WEIGHTED" non-maximum
// suppression built on it. Every merge of candidate faces in faceveil (one
// network's candidates, the tiles of a multi-scale pass, the ensemble of two
// networks) groups with GroupOverlapping(); they differ only in how a group
// becomes one face.
#ifndef FACEVEIL_BASE_NMS_H_
#define FACEVEIL_BASE_NMS_H_

#include <vector>

#include "faceveil/face.h"

namespace faceveil {

// Repeatedly takes the best-scoring remaining candidate (the group's lead)
// together with every remaining candidate whose box has IoU above
// `iou_threshold` with the lead's box. Returns each group as indices into
// `faces`, lead first, then the members in descending score; groups come in
// descending order of their lead's score. The order is stable: equal scores
// keep their order in `faces` (the decoder's anchor order), so the result
// does not depend on the sort implementation.
std::vector<std::vector<int>> GroupOverlapping(const std::vector<Face>& faces,
                                               float iou_threshold);

// GroupOverlapping(), then one face per group whose box and keypoints are
// the score-weighted average of the group and whose score is the lead's.
// The result is ordered by descending score. Coordinates may be in any frame
// (relative or pixels) as long as all candidates share it.
std::vector<Face> WeightedNms(const std::vector<Face>& candidates,
                              float iou_threshold);

// The score-weighted mean of faces' boxes (averaged by corners, as
// MediaPipe does) and keypoints: the merge step of WeightedNms, shared with
// the multi-scale and ensemble merges. Faces are summed in the order added.
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

#endif  // FACEVEIL_BASE_NMS_H_
