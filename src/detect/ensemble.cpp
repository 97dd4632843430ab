#include "detect/ensemble.h"

#include <vector>

#include "base/nms.h"
#include "detect/multiscale.h"

namespace faceveil {

std::vector<Face> MergeEnsemble(std::span<const EnsembleMember> members,
                                const EnsembleOptions& options) {
  // Calibrated scores of every member's faces, and which member each is.
  std::vector<Face> all;
  std::vector<int> member_of;
  for (size_t m = 0; m < members.size(); ++m) {
    for (const Face& f : members[m].faces) {
      all.push_back(f);
      all.back().score = ShiftScore(f.score, members[m].logit_offset);
      member_of.push_back(static_cast<int>(m));
    }
  }
  std::vector<Face> out;
  std::vector<bool> seen(members.size());
  for (const std::vector<int>& group :
       GroupOverlapping(all, options.iou_threshold)) {
    WeightedFaceMean box, keypoints;
    bool any_keypoints = false;
    float votes = 0;
    seen.assign(members.size(), false);
    seen[member_of[group.front()]] = true;  // the lead's model
    for (int i : group) {
      box.Add(all[i]);
      if (all[i].has_keypoints) {
        keypoints.Add(all[i]);
        any_keypoints = true;
      }
      if (!seen[member_of[i]]) {
        seen[member_of[i]] = true;
        votes += members[member_of[i]].agreement_logit_bonus;
      }
    }
    // The box is the mean of every candidate; keypoints come from the
    // candidates that have them only.
    Face merged = all[group.front()];
    box.WriteTo(&merged);
    merged.keypoints = {};
    merged.has_keypoints = any_keypoints;
    if (any_keypoints) {
      Face with_keypoints;
      keypoints.WriteTo(&with_keypoints);
      merged.keypoints = with_keypoints.keypoints;
    }
    if (votes != 0) merged.score = ShiftScore(merged.score, votes);
    out.push_back(merged);
  }
  return out;
}

}  // namespace faceveil
