#include "detect/ensemble.h"

#include <vector>

#include "base/nms.h"
#include "detect/multiscale.h"

namespace faceveil {
std::vector<Face> MergeEnsemble(const std::vector<Face>& blazeface,
                                const std::vector<Face>& ssd,
                                const EnsembleOptions& options) {
  // Calibrated scores; the first blazeface.size() are BlazeFace's.
  std::vector<Face> all;
  all.reserve(blazeface.size() + ssd.size());
  for (const Face& f : blazeface) {
    all.push_back(f);
    all.back().score = ShiftScore(f.score, options.blazeface_logit_offset);
  }
  for (const Face& f : ssd) {
    all.push_back(f);
    all.back().score = ShiftScore(f.score, options.ssd_logit_offset);
  }
  const auto from_blazeface = [&](int i) {
    return static_cast<size_t>(i) < blazeface.size();
  };
  std::vector<Face> out;
  for (const std::vector<int>& group :
       GroupOverlapping(all, options.iou_threshold)) {
    WeightedFaceMean box, keypoints;
    bool any_blazeface = false;
    bool any_ssd = false;
    for (int i : group) {
      box.Add(all[i]);
      if (from_blazeface(i)) {
        keypoints.Add(all[i]);
        any_blazeface = true;
      } else {
        any_ssd = true;
      }
    }
    // The box is the mean of every member; keypoints come from BlazeFace
    // members only (the SSD has none).
    Face merged = all[group.front()];
    box.WriteTo(&merged);
    merged.keypoints = {};
    merged.has_keypoints = any_blazeface;
    if (any_blazeface) {
      Face blazeface_mean;
      keypoints.WriteTo(&blazeface_mean);
      merged.keypoints = blazeface_mean.keypoints;
    }
    if (any_blazeface && any_ssd) {
      merged.score = ShiftScore(merged.score, options.agreement_logit_bonus);
    }
    out.push_back(merged);
  }
  return out;
}

}  // namespace faceveil
