// A second view of the same photo, mirrored left to right: a face the
// network saw faintly one way round is often clear the other, while most
// texture that looked face-like once does not look so twice. Each view runs
// the whole detection (passes and verifier); their faces are paired and
// averaged (test-time augmentation).
#ifndef FACEVEIL_DETECT_MIRROR_H_
#define FACEVEIL_DETECT_MIRROR_H_

#include <vector>

#include "faceveil/face.h"

namespace faceveil {

struct MirrorFusionOptions {
  // A face of the mirrored view pairs with a face of the direct view when
  // their boxes (back in the photo's frame) overlap by at least this IoU.
  float match_iou = 0.5f;

  // A face one view found and the other did not (not above its floor)
  // keeps this share of its score: the other view's vote is missing.
  float lone_factor = 0.7f;

  // After pairing, fused faces overlapping a better one by more than this
  // IoU are dropped (a lone face beside a pair: the same face boxed twice).
  float nms_iou = 0.3f;

  // Each view keeps its faces down to this score (or the caller's
  // threshold when lower) for the pairing: what the fusion was measured
  // with (detections saved at 0.1).
  float view_floor = 0.1f;
};

// Faces found in a copy of a photo `width` pixels wide mirrored left to
// right, moved back into the photo's frame: boxes and keypoints mirrored,
// the keypoints' left and right swapped (eyes, ears).
void UnmirrorFaces(int width, std::vector<Face>* faces);

// The faces of both views, fused: every face of `direct` (best first) pairs
// with the unpaired face of `mirrored` (already in the photo's frame) that
// overlaps it most, if by at least options.match_iou; a pair scores the
// mean of the two and gets their score-weighted mean box (the direct
// view's keypoints where it has them, else the mirrored one's). Faces left
// unpaired keep options.lone_factor of their score. Best first; ties keep
// the direct view's order, then the mirrored one's.
std::vector<Face> FuseMirroredViews(const std::vector<Face>& direct,
                                    const std::vector<Face>& mirrored,
                                    const MirrorFusionOptions& options);

}  // namespace faceveil

#endif  // FACEVEIL_DETECT_MIRROR_H_
