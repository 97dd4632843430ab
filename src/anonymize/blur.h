// Gaussian blur of one mask region, in two implementations: a plain
// full-resolution reference and a fast one for large sigmas, tested
// against each other (tests/anonymize/blur_test.cpp).
#ifndef FACEVEIL_ANONYMIZE_BLUR_H_
#define FACEVEIL_ANONYMIZE_BLUR_H_

#include <opencv2/core/mat.hpp>

namespace faceveil::anonymize {

// Sigma, in pixels, for a face that fills a square of `feature_size` pixels
// at `strength` (already clamped): a third of the square. Measured on the
// dlib group photos (bench/refind_bench.cpp), faceveil's own detector on
// the output re-finds at its default threshold / at 0.3: 1/12 of the square
// (the old default) 4 / 25 of 43 faces, 1/6 0 / 4, 1/4 0 / 2, 1/3 0 / 1;
// the weakest strength (0.8, 1/3.75) 0 / 2.
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
