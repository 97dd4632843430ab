// Where a face is and how the recognition network wants to see it,
// following face-api's own pipeline (globalApi: detectAllFaces ->
// withFaceLandmarks -> withFaceDescriptors):
//
// 1. The detector's box, floored to whole pixels, padded to a square with
//    black (centred: the odd pixel after), scaled to 112x112 -> the 68
//    landmarks, mapped back as face-api's postProcess does.
// 2. dlib's alignment (FaceLandmarks.alignDlib): the centres of both eyes
//    and the mouth; the square of side floor(mean eye-to-mouth distance /
//    0.45) with those centres' mean at 50% across and 43% down.
// 3. That square scaled to 150x150 -> the descriptor.
//
// Scaling is TensorFlow's resizeBilinear (no half-pixel centres), exactly as
// face-api's tensors are resized. One deliberate difference: face-api clips
// both squares at the image border (and then re-centres the cut square, so
// a face at the edge shifts); here the part outside the image is black and
// the face stays where it is. For a square inside the image both agree.
#ifndef FACEVEIL_IDENTIFY_ALIGN_H_
#define FACEVEIL_IDENTIFY_ALIGN_H_

#include <array>
#include <opencv2/core/mat.hpp>

#include "faceveil/face.h"
#include "faceveil/status.h"
#include "identify/networks.h"

namespace faceveil::identify {

using Landmarks = std::array<Point, kNumLandmarks>;

// A square of whole pixels in image coordinates; may reach outside.
struct Square {
  int x = 0, y = 0, side = 0;
};

// The network blob [1, 3, n, n] of the `square` of `image` (8-bit, 1, 3 or
// 4 channels, BGR order): resized as tf.image.resizeBilinear(alignCorners
// false, halfPixelCenters false), RGB, mean subtracted, / 255. Pixels
// outside `valid` (clipped to the image) read as black.
cv::Mat SampleSquare(const cv::Mat& image, const Square& square,
                     const cv::Rect& valid, int n);

// Step 1 for `box` (finite, at least 1 pixel wide and tall, overlapping
// the image: the caller checks).
Result<Landmarks> FindLandmarks(const LandmarkNet& net, const cv::Mat& image,
                                const Box& box);

// Step 2. kInvalidArgument when the landmarks give no usable square.
Result<Square> DlibSquare(const Landmarks& landmarks);

}  // namespace faceveil::identify

#endif  // FACEVEIL_IDENTIFY_ALIGN_H_
