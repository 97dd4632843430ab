#include "infer/letterbox.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace faceveil {
namespace {

// The region resampled to S x S, 8-bit, same channels as `image`.
cv::Mat Resample(const cv::Mat& image, const SquareRegion& region, int size,
                 Resampling resampling) {
  const double s = size / static_cast<double>(region.side);
  if (resampling == Resampling::kArea) {
    // Scale the part of the image inside the region, then place it on a
    // black square. The placement rounds to whole input pixels while the
    // inverse transform keeps the exact scale: an error below one input
    // pixel, only on this path.
    const cv::Rect inside =
        cv::Rect(cvFloor(region.x), cvFloor(region.y),
                 cvCeil(region.x + region.side) - cvFloor(region.x),
                 cvCeil(region.y + region.side) - cvFloor(region.y)) &
        cv::Rect(0, 0, image.cols, image.rows);
    cv::Mat out(size, size, image.type(), cv::Scalar::all(0));
    if (inside.empty()) return out;
    const cv::Rect dst =
        cv::Rect(
            static_cast<int>(std::lround((inside.x - region.x) * s)),
            static_cast<int>(std::lround((inside.y - region.y) * s)),
            std::max(1, static_cast<int>(std::lround(inside.width * s))),
            std::max(1, static_cast<int>(std::lround(inside.height * s)))) &
        cv::Rect(0, 0, size, size);
    if (dst.empty()) return out;
    cv::Mat target = out(dst);
    cv::resize(image(inside), target, dst.size(), 0, 0,
               s < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    return out;
  }
  // dst(u) = src(M^-1 u) with u = (x - x0) * s (+ the half-pixel shift).
  const double shift = resampling == Resampling::kHalfPixel ? 0.5 * (s - 1) : 0;
  const cv::Matx23d m(s, 0, -region.x * s + shift, 0, s, -region.y * s + shift);
  cv::Mat out;
  cv::warpAffine(image, out, m, cv::Size(size, size), cv::INTER_LINEAR,
                 cv::BORDER_CONSTANT, cv::Scalar::all(0));
  return out;
}

}  // namespace

SquareRegion WholeImageRegion(cv::Size image) {
  const float side = static_cast<float>(std::max(image.width, image.height));
  return SquareRegion{(image.width - side) / 2, (image.height - side) / 2,
                      side};
}

cv::Mat MakeInputBlob(const cv::Mat& image, const SquareRegion& region,
                      int input_size, Resampling resampling) {
  CV_Assert(image.depth() == CV_8U && region.side > 0 && input_size > 0);
  cv::Mat resized = Resample(image, region, input_size, resampling);
  cv::Mat rgb;
  switch (resized.channels()) {
    case 1:
      cv::cvtColor(resized, rgb, cv::COLOR_GRAY2RGB);
      break;
    case 3:
      cv::cvtColor(resized, rgb, cv::COLOR_BGR2RGB);
      break;
    case 4:
      cv::cvtColor(resized, rgb, cv::COLOR_BGRA2RGB);
      break;
    default:
      CV_Error(cv::Error::StsBadArg, "image must have 1, 3 or 4 channels");
  }
  const int dims[] = {1, 3, input_size, input_size};
  cv::Mat blob(4, dims, CV_32F);
  cv::Mat planes[3];
  cv::split(rgb, planes);
  for (int c = 0; c < 3; ++c) {
    cv::Mat plane(input_size, input_size, CV_32F, blob.ptr<float>(0, c));
    // [0, 255] -> [-1, 1]
    planes[c].convertTo(plane, CV_32F, 2.0 / 255.0, -1.0);
  }
  return blob;
}

Point InputToImage(const SquareRegion& region, Point relative) {
  return Point{region.x + relative.x * region.side,
               region.y + relative.y * region.side};
}

Point ImageToInput(const SquareRegion& region, Point pixel) {
  return Point{(pixel.x - region.x) / region.side,
               (pixel.y - region.y) / region.side};
}

Face InputToImage(const SquareRegion& region, const Face& relative) {
  Face f = relative;
  const Point tl = InputToImage(region, Point{relative.box.x, relative.box.y});
  f.box = Box{tl.x, tl.y, relative.box.w * region.side,
              relative.box.h * region.side};
  for (int k = 0; k < kNumKeypoints; ++k) {
    f.keypoints[k] = InputToImage(region, relative.keypoints[k]);
  }
  return f;
}

}  // namespace faceveil
