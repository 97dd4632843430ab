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
  return std::max(0.5, feature_size * strength / 12.0);
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
  // Reflect the image at its border at full resolution, as the reference
  // does, so the coarse grid below never sees an edge of its own.
  const int pad = static_cast<int>(std::ceil(3 * sigma));
  const cv::Rect source = PaddedSource(image, rect, sigma);
  const int top = pad - (rect.y - source.y);
  const int left = pad - (rect.x - source.x);
  const int bottom = pad - (source.br().y - rect.br().y);
  const int right = pad - (source.br().x - rect.br().x);
  cv::Mat padded;
  cv::copyMakeBorder(image(source), padded, top, bottom, left, right,
                     cv::BORDER_REFLECT_101);
  const cv::Size small((padded.cols + factor - 1) / factor,
                       (padded.rows + factor - 1) / factor);
  cv::Mat reduced;
  cv::resize(padded, reduced, small, 0, 0, cv::INTER_AREA);
  // Area averaging adds a variance of about (f^2 - 1) / 12 and bilinear
  // upscaling about f^2 / 6 (full-resolution pixels^2); the small blur
  // supplies the rest so the total matches sigma.
  const double f = factor;
  const double rest = sigma * sigma - (f * f - 1) / 12 - f * f / 6;
  const double small_sigma = std::sqrt(std::max(rest, 1.0)) / f;
  const int ksize = 2 * static_cast<int>(std::ceil(3 * small_sigma)) + 1;
  cv::GaussianBlur(reduced, reduced, cv::Size(ksize, ksize), small_sigma,
                   small_sigma, cv::BORDER_REFLECT_101);
  cv::Mat full;
  cv::resize(reduced, full, padded.size(), 0, 0, cv::INTER_LINEAR);
  return full(cv::Rect(pad, pad, rect.width, rect.height)).clone();
}

}  // namespace faceveil::anonymize
