// Gaussian blur of one mask region, in two implementations: a plain
// full-resolution reference and a fast one for large sigmas, tested
// against each other (tests/anonymize/blur_test.cpp).
#ifndef FACEVEIL_ANONYMIZE_BLUR_H_
#define FACEVEIL_ANONYMIZE_BLUR_H_

#include <opencv2/core/mat.hpp>

namespace faceveil::anonymize {

// Sigma, in pixels, for a face that fills a square of `feature_size` pixels
// at `strength` (already clamped): 1/12 of the face, so the ~8-blocks-across
// detail a pixelated face keeps is attenuated to ~10% here.
double BlurSigma(double feature_size, float strength);

// Both return the blurred pixels of `rect` (which must lie inside `image`),
// same type as `image`. Each output pixel is computed from `image` around it
// (3 sigma), reflected at the image border, never from outside pixels that
// are not there; so a region cut by the image border is blurred as strongly
// as a whole one.
cv::Mat GaussianBlurRegionReference(const cv::Mat& image, cv::Rect rect,
                                    double sigma);
// Downscale (area), blur with a small kernel, upscale (bilinear): cost
// independent of sigma. Falls back to the reference for small sigmas.
cv::Mat GaussianBlurRegion(const cv::Mat& image, cv::Rect rect, double sigma);

}  // namespace faceveil::anonymize

#endif  // FACEVEIL_ANONYMIZE_BLUR_H_
