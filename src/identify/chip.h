// The face as dlib's recognition network was trained to see it: dlib's
// "face chip" (dlib get_face_chip_details / extract_image_chip with size
// 150 and padding 0.25, as dlib's face recognition example feeds the
// network), from the same 68 landmarks.
//
// face-api's own alignment (align.h, DlibSquare) is an axis-aligned square
// around the eyes and mouth: it does not turn a tilted face upright, its
// scale rests on two distances only, and it samples a large face without
// smoothing. dlib's chip instead fits the 51 inner landmarks (brows, nose,
// eyes, mouth: points 17-67) to dlib's mean face shape by the least-squares
// similarity (scale, rotation, shift), so a face tilted, mirrored or
// rescaled lands on the same chip; a face larger than the chip is first
// averaged down (dlib uses an image pyramid for the same reason).
#ifndef FACEVEIL_IDENTIFY_CHIP_H_
#define FACEVEIL_IDENTIFY_CHIP_H_

#include <opencv2/core/mat.hpp>
#include <opencv2/core/matx.hpp>

#include "faceveil/status.h"
#include "identify/align.h"

namespace faceveil::identify {

// dlib's padding for the recognition network: the mean face shape spans
// [0.25, 1.25] of a chip 1.5 shapes wide.
inline constexpr double kChipPadding = 0.25;

// The similarity from image pixels to pixels of an n x n chip (pixel
// centres at whole numbers) that puts the landmarks onto dlib's mean face
// shape. kInvalidArgument when the landmarks are degenerate (all in one
// point, or not finite).
Result<cv::Matx23d> ChipTransform(const Landmarks& landmarks, int n);

// The chip itself as the network's input blob [1, 3, n, n] (RGB, face-api's
// mean subtracted, / 255): bilinear, after an area-average when the face
// is larger than the chip; outside the image reads black. `mirror`: the
// chip of the mirrored face instead (flipped about the mean shape's own
// axis of symmetry, so a face and its mirror image give the same pair of
// chips). `image`: 8-bit, 1, 3 or 4 channels (BGR order).
cv::Mat SampleChip(const cv::Mat& image, const cv::Matx23d& to_chip, int n,
                   bool mirror);

}  // namespace faceveil::identify

#endif  // FACEVEIL_IDENTIFY_CHIP_H_
