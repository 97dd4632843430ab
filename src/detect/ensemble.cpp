#include "detect/ensemble.h"

#include <algorithm>

#include "detect/multiscale.h"
#include "detect/nms.h"

namespace faceveil {
namespace {

struct Member {
  Face face;  // calibrated score
  bool blazeface;
};

}  // namespace

std::vector<Face> MergeEnsemble(const std::vector<Face>& blazeface,
                                const std::vector<Face>& ssd,
                                const EnsembleOptions& options) {
  std::vector<Member> all;
  all.reserve(blazeface.size() + ssd.size());
  for (const Face& f : blazeface) {
    Member m{f, true};
    m.face.score = ShiftScore(f.score, options.blazeface_logit_offset);
    all.push_back(m);
  }
  for (const Face& f : ssd) {
    Member m{f, false};
    m.face.score = ShiftScore(f.score, options.ssd_logit_offset);
    all.push_back(m);
  }
  std::stable_sort(all.begin(), all.end(),
                   [](const Member& a, const Member& b) {
                     return a.face.score > b.face.score;
                   });
  std::vector<Face> out;
  std::vector<bool> used(all.size(), false);
  for (size_t i = 0; i < all.size(); ++i) {
    if (used[i]) continue;
    WeightedFaceMean box, keypoints;
    bool any_blazeface = false;
    bool any_ssd = false;
    for (size_t j = i; j < all.size(); ++j) {
      if (used[j]) continue;
      if (j != i &&
          IoU(all[i].face.box, all[j].face.box) <= options.iou_threshold) {
        continue;
      }
      used[j] = true;
      box.Add(all[j].face);
      if (all[j].blazeface) {
        keypoints.Add(all[j].face);
        any_blazeface = true;
      } else {
        any_ssd = true;
      }
    }
    // The box is the mean of every member; keypoints come from BlazeFace
    // members only (the SSD has none).
    Face merged = all[i].face;
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
