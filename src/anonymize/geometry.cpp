#include "anonymize/geometry.h"

#include <algorithm>
#include <cmath>
#include <opencv2/core.hpp>

namespace faceveil {

namespace {
// Coordinates beyond this are not a picture (and would overflow int).
constexpr float kMaxCoordinate = 1e8f;
}  // namespace

const char* AnonymizeStyleName(AnonymizeStyle style) {
  switch (style) {
    case AnonymizeStyle::kBlur:
      return "blur";
    case AnonymizeStyle::kPixelate:
      return "pixelate";
    case AnonymizeStyle::kSolid:
      return "solid";
  }
  return "unknown";
}

Result<AnonymizeStyle> ParseAnonymizeStyle(const std::string& name) {
  for (AnonymizeStyle s : {AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate,
                           AnonymizeStyle::kSolid}) {
    if (name == AnonymizeStyleName(s)) return s;
  }
  return Status::InvalidArgument("unknown anonymization style '" + name +
                                 "' (expected blur, pixelate or solid)");
}

const char* MaskShapeName(MaskShape shape) {
  switch (shape) {
    case MaskShape::kBox:
      return "box";
    case MaskShape::kEllipse:
      return "ellipse";
  }
  return "unknown";
}

Result<MaskShape> ParseMaskShape(const std::string& name) {
  for (MaskShape s : {MaskShape::kBox, MaskShape::kEllipse}) {
    if (name == MaskShapeName(s)) return s;
  }
  return Status::InvalidArgument("unknown mask shape '" + name +
                                 "' (expected box or ellipse)");
}

Box MaskRegion(const Face& face, const AnonymizeOptions& options) {
  const float side = std::max(face.box.w, face.box.h);
  const float cx = face.box.cx();
  const float cy = face.box.cy() - anonymize::kShiftUp * side;
  float extent = options.mask_scale * side;  // the fully covered square
  if (options.shape == MaskShape::kEllipse) {
    // The core ellipse passes through the square's corners; the feather
    // takes kFeatherFraction of the region on each side.
    extent = extent * std::sqrt(2.0f) / (1 - 2 * anonymize::kFeatherFraction);
  }
  return Box{cx - extent / 2, cy - extent / 2, extent, extent};
}

namespace anonymize {

bool MakeGeometry(const Box& box, MaskShape shape, cv::Size image_size,
                  MaskGeometry* out) {
  for (float v : {box.x, box.y, box.w, box.h}) {
    if (!std::isfinite(v) || std::abs(v) > kMaxCoordinate) return false;
  }
  if (box.w <= 0 || box.h <= 0) return false;
  const int x0 = static_cast<int>(std::floor(box.x));
  const int y0 = static_cast<int>(std::floor(box.y));
  const int x1 = static_cast<int>(std::ceil(box.x + box.w));
  const int y1 = static_cast<int>(std::ceil(box.y + box.h));
  out->region = cv::Rect(x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0));
  out->clipped = out->region & cv::Rect(cv::Point(0, 0), image_size);
  out->shape = shape;
  const double min_side = std::min(out->region.width, out->region.height);
  out->feature_size =
      shape == MaskShape::kBox
          ? min_side
          : min_side * (1 - 2 * kFeatherFraction) / std::sqrt(2.0);
  return true;
}

cv::Mat MaskWeights(const MaskGeometry& g) {
  if (g.shape == MaskShape::kBox || g.clipped.empty()) return cv::Mat();
  const double feather =
      std::max(1.0, double{kFeatherFraction} *
                        std::min(g.region.width, g.region.height));
  // Core ellipse: inscribed in the region inset by the feather.
  const double a = std::max(0.5, g.region.width / 2.0 - feather);
  const double b = std::max(0.5, g.region.height / 2.0 - feather);
  const double cx = g.region.x + g.region.width / 2.0;
  const double cy = g.region.y + g.region.height / 2.0;
  const double min_axis = std::min(a, b);
  cv::Mat weights(g.clipped.size(), CV_32FC1);
  for (int y = 0; y < weights.rows; ++y) {
    float* row = weights.ptr<float>(y);
    const double dy = (g.clipped.y + y + 0.5 - cy) / b;
    for (int x = 0; x < weights.cols; ++x) {
      const double dx = (g.clipped.x + x + 0.5 - cx) / a;
      const double r = std::sqrt(dx * dx + dy * dy);
      // (r - 1) * min_axis never exceeds the true distance to the core
      // ellipse (r * E contains E grown by (r - 1) * min_axis), so the
      // feather errs towards more anonymization, and r <= 1 is always 1.
      const double outside = std::max(0.0, (r - 1) * min_axis);
      row[x] = static_cast<float>(std::clamp(1 - outside / feather, 0.0, 1.0));
    }
  }
  return weights;
}

}  // namespace anonymize
}  // namespace faceveil
