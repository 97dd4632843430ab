// Mask geometry shared by the styles: where a region is, which part of it
// is inside the image, and how much of each pixel is anonymized.
#ifndef FACEVEIL_ANONYMIZE_GEOMETRY_H_
#define FACEVEIL_ANONYMIZE_GEOMETRY_H_

#include <opencv2/core/mat.hpp>

#include "faceveil/anonymizer.h"
#include "faceveil/face.h"

namespace faceveil::anonymize {

// Fraction of an ellipse region's smaller side given to the outward feather
// on each side; the core ellipse is inscribed in the rest.
inline constexpr float kFeatherFraction = 0.05f;
// BlazeFace box centres sit 7% of the face height (= 0.07 / 0.86 of the box
// side) below the hand-labelled face centre.
inline constexpr float kShiftUp = 0.07f / 0.86f;
// Side of the hand-labelled face box, in detector box sides.
inline constexpr float kLabelledFaceScale = 1.0f / 0.86f;

// One mask, in integer pixels.
struct MaskGeometry {
  cv::Rect region;   // whole region, unclipped (may leave the image)
  cv::Rect clipped;  // region ∩ image; empty when the mask is not visible
  MaskShape shape = MaskShape::kBox;
  // Side of the square the mask fully covers: sets blur sigma and blocks.
  double feature_size = 0;
};

// Rounds `box` outward to whole pixels and clips it to `image_size`.
// Returns false when the box is not finite or has no positive area.
bool MakeGeometry(const Box& box, MaskShape shape, cv::Size image_size,
                  MaskGeometry* out);

// Weight of the anonymized pixels over geometry.clipped (CV_32FC1, in
// [0, 1]): 1 inside the core, falling linearly to 0 across the feather,
// 0 beyond. Empty Mat for a box mask, which is 1 everywhere.
cv::Mat MaskWeights(const MaskGeometry& geometry);

}  // namespace faceveil::anonymize

#endif  // FACEVEIL_ANONYMIZE_GEOMETRY_H_
