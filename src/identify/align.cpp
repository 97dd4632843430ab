#include "identify/align.h"

#include <algorithm>
#include <cmath>

namespace faceveil::identify {
namespace {

// dlib's alignment constants (face-api FaceLandmarks.ts: relX, relY,
// relScale).
constexpr double kRelX = 0.5;
constexpr double kRelY = 0.43;
constexpr double kRelScale = 0.45;

// One source index pair and weight per output index, as tfjs's
// resizeBilinear computes them (ratio in / out, no half-pixel offset).
struct Tap {
  int lo = 0, hi = 0;
  float frac = 0;
};

std::vector<Tap> Taps(int in, int out) {
  std::vector<Tap> taps(out);
  const double ratio = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double src = ratio * o;
    Tap& t = taps[o];
    t.lo = std::max(0, static_cast<int>(std::floor(src)));
    t.hi = std::min(in - 1, static_cast<int>(std::ceil(src)));
    t.frac = static_cast<float>(src - t.lo);
  }
  return taps;
}

Point Mean(const Landmarks& l, int from, int to) {
  double x = 0, y = 0;
  for (int i = from; i < to; ++i) {
    x += l[i].x;
    y += l[i].y;
  }
  return {static_cast<float>(x / (to - from)),
          static_cast<float>(y / (to - from))};
}

double Dist(Point a, Point b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

cv::Mat SampleSquare(const cv::Mat& image, const Square& square,
                     const cv::Rect& valid, int n) {
  const cv::Rect inside = valid & cv::Rect(0, 0, image.cols, image.rows);
  const int channels = image.channels();
  // Channel offsets of R, G, B in the source pixel.
  const int rgb[3] = {channels >= 3 ? 2 : 0, channels >= 3 ? 1 : 0, 0};
  auto pixel = [&](int sx, int sy, float out[3]) {
    const int x = square.x + sx, y = square.y + sy;
    if (!inside.contains(cv::Point(x, y))) {
      out[0] = out[1] = out[2] = 0;
      return;
    }
    const uint8_t* p =
        image.ptr<uint8_t>(y) + static_cast<size_t>(x) * channels;
    for (int c = 0; c < 3; ++c) out[c] = p[rgb[c]];
  };
  const std::vector<Tap> taps = Taps(square.side, n);
  const int sizes[] = {1, 3, n, n};
  cv::Mat blob(4, sizes, CV_32F);
  float* planes[3];
  for (int c = 0; c < 3; ++c) planes[c] = blob.ptr<float>() + c * n * n;
  for (int oy = 0; oy < n; ++oy) {
    const Tap& ty = taps[oy];
    for (int ox = 0; ox < n; ++ox) {
      const Tap& tx = taps[ox];
      float tl[3], tr[3], bl[3], br[3];
      pixel(tx.lo, ty.lo, tl);
      pixel(tx.hi, ty.lo, tr);
      pixel(tx.lo, ty.hi, bl);
      pixel(tx.hi, ty.hi, br);
      for (int c = 0; c < 3; ++c) {
        const float top = tl[c] + (tr[c] - tl[c]) * tx.frac;
        const float bottom = bl[c] + (br[c] - bl[c]) * tx.frac;
        const float v = top + (bottom - top) * ty.frac;
        planes[c][oy * n + ox] = (v - kMeanRgb[c]) / 255.0f;
      }
    }
  }
  return blob;
}

Result<Landmarks> FindLandmarks(const LandmarkNet& net, const cv::Mat& image,
                                const Box& box) {
  // extractFaceTensors: the box in whole pixels.
  const cv::Rect crop(static_cast<int>(std::floor(box.x)),
                      static_cast<int>(std::floor(box.y)),
                      std::max(1, static_cast<int>(std::floor(box.w))),
                      std::max(1, static_cast<int>(std::floor(box.h))));
  // padToSquare(centred): the short side gets floor(diff / 2) before.
  const int side = std::max(crop.width, crop.height);
  const int before = std::abs(crop.width - crop.height) / 2;
  Square square{crop.x, crop.y, side};
  if (crop.width < crop.height) square.x -= before;
  if (crop.height < crop.width) square.y -= before;
  const cv::Mat blob = SampleSquare(image, square, crop, kLandmarkInput);
  Result<std::array<float, 2 * kNumLandmarks>> rel = net.Run(blob);
  if (!rel.ok()) return rel.status();
  // FaceLandmark68NetBase.postProcess, in the crop's pixels, then shifted
  // to the image.
  const double n = kLandmarkInput;
  const double w = crop.width * n / side, h = crop.height * n / side;
  const double pad_x = w < h ? std::abs(w - h) / 2 : 0;
  const double pad_y = h < w ? std::abs(w - h) / 2 : 0;
  Landmarks out;
  for (int i = 0; i < kNumLandmarks; ++i) {
    const double rx = ((*rel)[2 * i] * n - pad_x) / w;
    const double ry = ((*rel)[2 * i + 1] * n - pad_y) / h;
    if (!std::isfinite(rx) || !std::isfinite(ry)) {
      return Status::Internal("landmark network gave a non-finite point");
    }
    out[i] = {static_cast<float>(crop.x + rx * crop.width),
              static_cast<float>(crop.y + ry * crop.height)};
  }
  return out;
}

Result<Square> DlibSquare(const Landmarks& l) {
  // FaceLandmarks68.getRefPointsForAlignment: eyes 36-41 and 42-47, mouth
  // 48-67.
  const Point left_eye = Mean(l, 36, 42);
  const Point right_eye = Mean(l, 42, 48);
  const Point mouth = Mean(l, 48, 68);
  const double eye_to_mouth =
      (Dist(mouth, left_eye) + Dist(mouth, right_eye)) / 2;
  const double size = std::floor(eye_to_mouth / kRelScale);
  if (!(size >= 1) || size > (1 << 24)) {
    return Status::InvalidArgument(
        "the face's landmarks give no usable alignment");
  }
  const double ref_x = (left_eye.x + right_eye.x + mouth.x) / 3;
  const double ref_y = (left_eye.y + right_eye.y + mouth.y) / 3;
  return Square{static_cast<int>(std::floor(ref_x - kRelX * size)),
                static_cast<int>(std::floor(ref_y - kRelY * size)),
                static_cast<int>(size)};
}

}  // namespace faceveil::identify
