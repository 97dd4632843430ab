#include "anonymize/blur.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace faceveil::anonymize {

namespace {
// Sigma (in downscaled pixels) the fast path keeps for its small blur; 3 is
// enough for the 7-tap-per-sigma kernel to be smooth after upscaling.
constexpr double kSmallSigma = 3.0;

// The part of `image` the blur of `rect` reads: rect grown by 3 sigma.
cv::Rect PaddedSource(const cv::Mat& image, cv::Rect rect, double sigma) {
  const int pad = static_cast<int>(std::ceil(3 * sigma));
  cv::Rect padded(rect.x - pad, rect.y - pad, rect.width + 2 * pad,
                  rect.height + 2 * pad);
  return padded & cv::Rect(0, 0, image.cols, image.rows);
}
}  // namespace

double BlurSigma(double feature_size, float strength) {
  return std::max(0.5, feature_size * strength / 3.0);
}

cv::Mat GaussianBlurRegionReference(const cv::Mat& image, cv::Rect rect,
                                    double sigma) {
  const cv::Rect source = PaddedSource(image, rect, sigma);
  const int ksize = 2 * static_cast<int>(std::ceil(3 * sigma)) + 1;
  cv::Mat blurred;
  cv::GaussianBlur(image(source), blurred, cv::Size(ksize, ksize), sigma, sigma,
                   cv::BORDER_REFLECT_101);
  return blurred(rect - source.tl()).clone();
}

cv::Mat GaussianBlurRegion(const cv::Mat& image, cv::Rect rect, double sigma) {
  const int factor = static_cast<int>(sigma / kSmallSigma);
  if (factor < 2) return GaussianBlurRegionReference(image, rect, sigma);
  // Reduce the visible neighbourhood (a view, never copied at full size, so
  // memory stays bounded whatever the sigma), reflect it at the image
  // border at the small scale, blur, and interpolate back only `rect`.
  const cv::Rect source = PaddedSource(image, rect, sigma);
  const cv::Size small((source.width + factor - 1) / factor,
                       (source.height + factor - 1) / factor);
  cv::Mat reduced;
  cv::resize(image(source), reduced, small, 0, 0, cv::INTER_AREA);
  const double sx = static_cast<double>(source.width) / small.width;
  const double sy = static_cast<double>(source.height) / small.height;
  // Cells missing on each side (where the image ended before 3 sigma),
  // never more than the reduced image itself can mirror.
  const int pad = static_cast<int>(std::ceil(3 * sigma));
  auto cells = [](int missing, double scale, int limit) {
    return std::clamp(static_cast<int>(std::ceil(missing / scale)), 0,
                      limit - 1);
  };
  const int top = cells(pad - (rect.y - source.y), sy, small.height);
  const int bottom =
      cells(pad - (source.br().y - rect.br().y), sy, small.height);
  const int left = cells(pad - (rect.x - source.x), sx, small.width);
  const int right = cells(pad - (source.br().x - rect.br().x), sx, small.width);
  cv::copyMakeBorder(reduced, reduced, top, bottom, left, right,
                     cv::BORDER_REFLECT);
  // Area averaging adds a variance of about (f^2 - 1) / 12 and bilinear
  // interpolation about f^2 / 6 (full-resolution pixels^2); the small blur
  // supplies the rest so the total matches sigma.
  const double f = factor;
  const double rest = sigma * sigma - (f * f - 1) / 12 - f * f / 6;
  const double small_sigma = std::sqrt(std::max(rest, 1.0)) / f;
  const int ksize = 2 * static_cast<int>(std::ceil(3 * small_sigma)) + 1;
  cv::GaussianBlur(reduced, reduced, cv::Size(ksize, ksize), small_sigma,
                   small_sigma, cv::BORDER_REFLECT_101);
  // Output pixel (x, y) of rect has its centre at source coordinate
  // (x + rect.x - source.x + 0.5), i.e. reduced cell (that / sx - 0.5),
  // shifted by the reflected cells.
  const cv::Matx23d to_reduced(
      1 / sx, 0, (rect.x - source.x + 0.5) / sx - 0.5 + left,  //
      0, 1 / sy, (rect.y - source.y + 0.5) / sy - 0.5 + top);
  cv::Mat out;
  cv::warpAffine(reduced, out, to_reduced, rect.size(),
                 cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
  return out;
}

}  // namespace faceveil::anonymize
