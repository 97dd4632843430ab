// The transform between an image and BlazeFace's square input: a square
// region of the image is scaled to input_size x input_size, keeping the
// aspect ratio; whatever of the region lies outside the image reads as black
// (-1 after normalisation), as MediaPipe's ImageToTensor does.
#ifndef FACEVEIL_INFER_LETTERBOX_H_
#define FACEVEIL_INFER_LETTERBOX_H_

#include <opencv2/core/mat.hpp>

#include "faceveil/face.h"

namespace faceveil {

// A square in image pixel coordinates (continuous: pixel (i, j) covers
// [i, i+1) x [j, j+1)). It may extend past the image's edges.
struct SquareRegion {
  float x = 0;     // left edge
  float y = 0;     // top edge
  float side = 0;  // width and height; > 0
};

// The square of side max(width, height) centred on the image: the whole
// image, letterboxed.
SquareRegion WholeImageRegion(cv::Size image);

// How the region is resampled to the model input.
enum class Resampling {
  // Bilinear, input pixel u samples the image at x + u * side / S, without
  // half-pixel centres: MediaPipe's CPU ImageToTensor (warpPerspective of
  // the region's corners onto the tensor's corners). Reproduces MediaPipe.
  kCornerAligned,
  // Bilinear with pixel centres aligned: input pixel u samples the image at
  // x + (u + 0.5) * side / S - 0.5. No anti-aliasing either.
  kHalfPixel,
  // Pixel-area averaging when shrinking (cv::INTER_AREA), which removes the
  // aliasing bilinear sampling has on large downscales.
  kArea,
};

// The model input for `region` of `image`: NCHW [1, 3, S, S] float32 blob in
// RGB order with values in [-1, 1]. `image` is 8-bit with 1 (gray),
// 3 (BGR) or 4 (BGRA) channels. Throws cv::Exception on failure, like the
// OpenCV calls it makes; callers at the library boundary catch it.
cv::Mat MakeInputBlob(const cv::Mat& image, const SquareRegion& region,
                      int input_size, Resampling resampling);

// Maps a point relative to the model input ([0, 1] across it) to image
// pixels, and back.
Point InputToImage(const SquareRegion& region, Point relative);
Point ImageToInput(const SquareRegion& region, Point pixel);

// Maps a face decoded relative to the model input to image pixels.
Face InputToImage(const SquareRegion& region, const Face& relative);

}  // namespace faceveil

#endif  // FACEVEIL_INFER_LETTERBOX_H_
