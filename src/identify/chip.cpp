#include "identify/chip.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace faceveil::identify {
namespace {

// dlib's mean face shape (dlib/image_transforms/interpolation.h,
// get_face_chip_details): where landmarks 17-67 of the iBUG layout sit on
// average, relative to a unit square. It is symmetric about x = kAxis.
// Measured data (dlib, Boost Software License 1.0), not code: the chip the
// recognition network was trained on is defined by it.
constexpr int kFirstPoint = 17;
constexpr int kShapePoints = kNumLandmarks - kFirstPoint;
constexpr double kShapeX[kShapePoints] = {
    0.000213256, 0.0752622, 0.18113,  0.29077,  0.393397, 0.586856, 0.689483,
    0.799124,    0.904991,  0.98004,  0.490127, 0.490127, 0.490127, 0.490127,
    0.36688,     0.426036,  0.490127, 0.554217, 0.613373, 0.121737, 0.187122,
    0.265825,    0.334606,  0.260918, 0.182743, 0.645647, 0.714428, 0.793132,
    0.858516,    0.79751,   0.719335, 0.254149, 0.340985, 0.428858, 0.490127,
    0.551395,    0.639268,  0.726104, 0.642159, 0.556721, 0.490127, 0.423532,
    0.338094,    0.290379,  0.428096, 0.490127, 0.552157, 0.689874, 0.553364,
    0.490127,    0.42689};
constexpr double kShapeY[kShapePoints] = {
    0.106454,  0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891,
    0.0187482, 0.038915, 0.106454,  0.203352,  0.307009,  0.409805,  0.515625,
    0.587326,  0.609345, 0.628106,  0.609345,  0.587326,  0.216423,  0.178758,
    0.179852,  0.231733, 0.245099,  0.244077,  0.231733,  0.179852,  0.178758,
    0.216423,  0.244077, 0.245099,  0.780233,  0.745405,  0.727388,  0.742578,
    0.727388,  0.745405, 0.780233,  0.864805,  0.902192,  0.909281,  0.902192,
    0.864805,  0.784792, 0.778746,  0.785343,  0.778746,  0.784792,  0.824182,
    0.831803,  0.824182};
constexpr double kAxis = 0.490127;

// A unit-square shape coordinate in pixels of an n-pixel chip: the shape
// spans [padding, 1 + padding] of 1 + 2 * padding, and the chip's first and
// last pixel centres are its edges (as dlib's chip_details maps them).
double ToChip(double v, int n) {
  return (kChipPadding + v) / (1 + 2 * kChipPadding) * (n - 1);
}

}  // namespace

Result<cv::Matx23d> ChipTransform(const Landmarks& landmarks, int n) {
  // The least-squares similarity q = [a -b; b a] p + t (Procrustes, no
  // reflection): in 2-D, with both point sets centred, a and b are the
  // normalised dot and cross sums.
  double px = 0, py = 0, qx = 0, qy = 0;
  for (int i = 0; i < kShapePoints; ++i) {
    px += landmarks[kFirstPoint + i].x;
    py += landmarks[kFirstPoint + i].y;
    qx += ToChip(kShapeX[i], n);
    qy += ToChip(kShapeY[i], n);
  }
  px /= kShapePoints;
  py /= kShapePoints;
  qx /= kShapePoints;
  qy /= kShapePoints;
  double dot = 0, cross = 0, norm = 0;
  for (int i = 0; i < kShapePoints; ++i) {
    const double ux = landmarks[kFirstPoint + i].x - px;
    const double uy = landmarks[kFirstPoint + i].y - py;
    const double vx = ToChip(kShapeX[i], n) - qx;
    const double vy = ToChip(kShapeY[i], n) - qy;
    dot += ux * vx + uy * vy;
    cross += ux * vy - uy * vx;
    norm += ux * ux + uy * uy;
  }
  if (!std::isfinite(norm) || norm < 1e-6 || !std::isfinite(dot) ||
      !std::isfinite(cross)) {
    return Status::InvalidArgument(
        "the face's landmarks give no usable alignment");
  }
  const double a = dot / norm, b = cross / norm;
  if (!(std::hypot(a, b) > 1e-7)) {
    return Status::InvalidArgument(
        "the face's landmarks give no usable alignment");
  }
  return cv::Matx23d(a, -b, qx - (a * px - b * py),  //
                     b, a, qy - (b * px + a * py));
}

cv::Mat SampleChip(const cv::Mat& image, const cv::Matx23d& to_chip, int n,
                   bool mirror) {
  cv::Matx23d m = to_chip;
  if (mirror) {
    // u -> 2 * axis - u in chip pixels.
    const double axis2 = 2 * ToChip(kAxis, n);
    for (int c = 0; c < 3; ++c) m(0, c) = -m(0, c);
    m(0, 2) += axis2;
  }
  // The part of the image the chip shows (its corners mapped back), with a
  // margin for the interpolation, clipped to the image.
  cv::Matx23d back;
  cv::invertAffineTransform(m, back);
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (double u : {-1.0, static_cast<double>(n)}) {
    for (double v : {-1.0, static_cast<double>(n)}) {
      const double x = back(0, 0) * u + back(0, 1) * v + back(0, 2);
      const double y = back(1, 0) * u + back(1, 1) * v + back(1, 2);
      x0 = std::min(x0, x);
      y0 = std::min(y0, y);
      x1 = std::max(x1, x);
      y1 = std::max(y1, y);
    }
  }
  const cv::Rect2d wanted(x0 - 2, y0 - 2, x1 - x0 + 4, y1 - y0 + 4);
  const cv::Rect region =
      cv::Rect(static_cast<int>(std::floor(wanted.x)),
               static_cast<int>(std::floor(wanted.y)),
               static_cast<int>(std::ceil(wanted.width)) + 1,
               static_cast<int>(std::ceil(wanted.height)) + 1) &
      cv::Rect(0, 0, image.cols, image.rows);
  cv::Mat chip(n, n, CV_8UC3, cv::Scalar::all(0));
  if (!region.empty()) {
    cv::Mat bgr;
    const cv::Mat part = image(region);
    if (image.channels() == 1) {
      cv::cvtColor(part, bgr, cv::COLOR_GRAY2BGR);
    } else if (image.channels() == 4) {
      cv::cvtColor(part, bgr, cv::COLOR_BGRA2BGR);
    } else {
      bgr = part;
    }
    // Image pixels per chip pixel > 1: average down first, so the bilinear
    // sampling does not alias (the residual warp is then about 1:1).
    const double scale = std::hypot(m(0, 0), m(1, 0));
    double rx = 1, ry = 1;
    cv::Mat src = bgr;
    if (scale < 1) {
      const int w =
          std::max(1, static_cast<int>(std::lround(region.width * scale)));
      const int h =
          std::max(1, static_cast<int>(std::lround(region.height * scale)));
      cv::resize(bgr, src, cv::Size(w, h), 0, 0, cv::INTER_AREA);
      rx = static_cast<double>(w) / region.width;
      ry = static_cast<double>(h) / region.height;
    }
    // Image x = (x_src + 0.5) / rx - 0.5 + region.x (OpenCV's resize puts
    // pixel centres so); the warp from `src` is m after that.
    const double ox = 0.5 / rx - 0.5 + region.x;
    const double oy = 0.5 / ry - 0.5 + region.y;
    cv::Matx23d w;
    for (int r = 0; r < 2; ++r) {
      w(r, 0) = m(r, 0) / rx;
      w(r, 1) = m(r, 1) / ry;
      w(r, 2) = m(r, 0) * ox + m(r, 1) * oy + m(r, 2);
    }
    cv::warpAffine(src, chip, w, cv::Size(n, n), cv::INTER_LINEAR,
                   cv::BORDER_CONSTANT, cv::Scalar::all(0));
  }
  const int sizes[] = {1, 3, n, n};
  cv::Mat blob(4, sizes, CV_32F);
  for (int c = 0; c < 3; ++c) {
    float* plane = blob.ptr<float>() + c * n * n;
    const int from = 2 - c;  // BGR -> RGB
    for (int y = 0; y < n; ++y) {
      const uint8_t* row = chip.ptr<uint8_t>(y);
      for (int x = 0; x < n; ++x) {
        plane[y * n + x] = (row[3 * x + from] - kMeanRgb[c]) / 255.0f;
      }
    }
  }
  return blob;
}

}  // namespace faceveil::identify
