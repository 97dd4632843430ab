#include "detect/mirror.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "base/nms.h"

namespace faceveil {
namespace {

// Indices of `faces`, best score first; equal scores keep their order.
std::vector<int> MirrorScoreOrder(const std::vector<Face>& faces) {
  std::vector<int> order(faces.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return faces[a].score > faces[b].score;
  });
  return order;
}

}  // namespace

void UnmirrorFaces(int width, std::vector<Face>* faces) {
  const float w = static_cast<float>(width);
  for (Face& f : *faces) {
    f.box.x = w - f.box.x - f.box.w;
    if (!f.has_keypoints) continue;
    for (Point& p : f.keypoints) p.x = w - p.x;
    // Right eye, left eye, nose, mouth, right ear, left ear: mirrored, the
    // eyes and the ears trade places.
    std::swap(f.keypoints[0], f.keypoints[1]);
    std::swap(f.keypoints[4], f.keypoints[5]);
  }
}

std::vector<Face> FuseMirroredViews(const std::vector<Face>& direct,
                                    const std::vector<Face>& mirrored,
                                    const MirrorFusionOptions& options) {
  std::vector<Face> fused;
  fused.reserve(direct.size() + mirrored.size());
  std::vector<bool> paired(mirrored.size(), false);
  for (int i : MirrorScoreOrder(direct)) {
    const Face& a = direct[i];
    int best = -1;
    float best_iou = options.match_iou;
    for (size_t j = 0; j < mirrored.size(); ++j) {
      if (paired[j]) continue;
      const float iou = IoU(a.box, mirrored[j].box);
      if (iou >= best_iou && (best < 0 || iou > best_iou)) {
        best = static_cast<int>(j);
        best_iou = iou;
      }
    }
    if (best < 0) {
      Face lone = a;
      lone.score *= options.lone_factor;
      fused.push_back(lone);
      continue;
    }
    paired[best] = true;
    const Face& b = mirrored[best];
    Face pair = a.has_keypoints || !b.has_keypoints ? a : b;
    WeightedFaceMean mean;
    mean.Add(a);
    mean.Add(b);
    Face averaged = pair;
    mean.WriteTo(&averaged);
    pair.box = averaged.box;  // the keypoints stay one view's
    pair.score = (a.score + b.score) / 2;
    fused.push_back(pair);
  }
  for (int j : MirrorScoreOrder(mirrored)) {
    if (paired[j]) continue;
    Face lone = mirrored[j];
    lone.score *= options.lone_factor;
    fused.push_back(lone);
  }
  std::vector<Face> out;
  for (const std::vector<int>& group :
       GroupOverlapping(fused, options.nms_iou)) {
    out.push_back(fused[group.front()]);
  }
  return out;
}

}  // namespace faceveil
