// What a detector finds: a face's box, its score and (from BlazeFace) six
// keypoints, all in the pixel coordinates of the upright input image.
#ifndef FACEVEIL_FACE_H_
#define FACEVEIL_FACE_H_

#include <array>
#include <vector>

namespace faceveil {

struct Point {
  float x = 0;
  float y = 0;
};

// Axis-aligned box: top-left corner and size, in pixels.
struct Box {
  float x = 0;
  float y = 0;
  float w = 0;
  float h = 0;

  float area() const { return w > 0 && h > 0 ? w * h : 0.0f; }
  float cx() const { return x + w / 2; }
  float cy() const { return y + h / 2; }
};

// Intersection over union of two boxes; 0 when either is empty.
float IoU(const Box& a, const Box& b);

// BlazeFace's six keypoints, in this order. Right and left are the
// subject's own (the right eye appears on the left of a frontal photo).
enum class Keypoint {
  kRightEye = 0,
  kLeftEye = 1,
  kNoseTip = 2,
  kMouthCenter = 3,
  kRightEarTragion = 4,
  kLeftEarTragion = 5,
};
inline constexpr int kNumKeypoints = 6;

struct Face {
  Box box;
  float score = 0;  // detector confidence in [0, 1]
  // Meaningful only when has_keypoints; all zero otherwise.
  std::array<Point, kNumKeypoints> keypoints{};
  // False when no detector that gives keypoints saw this face (the SSD of
  // DetectorModels::kSsd and kEnsemble has none).
  bool has_keypoints = true;
};

}  // namespace faceveil

#endif  // FACEVEIL_FACE_H_
