// Anonymize() and AnonymizeRegions(): validation, compositing of the style's
// pixels through the mask, and the outline.
#include <algorithm>
#include <cmath>
#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "anonymize/geometry.h"
#include "anonymize/styles.h"
#include "faceveil/anonymizer.h"

namespace faceveil {

namespace {

Status CheckInputs(const cv::Mat& image, const AnonymizeOptions& options) {
  if (image.empty()) return Status::InvalidArgument("empty image");
  if (image.depth() != CV_8U || image.channels() < 1 || image.channels() > 4) {
    return Status::InvalidArgument(
        "anonymization needs an 8-bit image with 1 to 4 channels");
  }
  if (!std::isfinite(options.mask_scale) || options.mask_scale < 1.0f ||
      options.mask_scale > 10.0f) {
    return Status::InvalidArgument("mask_scale must be in [1, 10]");
  }
  if (!std::isfinite(options.strength)) {
    return Status::InvalidArgument("strength must be a finite number");
  }
  return Status::Ok();
}

// dst = weight * src + (1 - weight) * dst, per pixel, rounded.
void BlendInto(const cv::Mat& src, const cv::Mat& weights, cv::Mat& dst) {
  const int channels = dst.channels();
  for (int y = 0; y < dst.rows; ++y) {
    const uint8_t* s = src.ptr<uint8_t>(y);
    const float* w = weights.ptr<float>(y);
    uint8_t* d = dst.ptr<uint8_t>(y);
    for (int x = 0; x < dst.cols; ++x) {
      const float a = w[x];
      if (a <= 0) continue;
      for (int c = 0; c < channels; ++c) {
        const int i = x * channels + c;
        d[i] = cv::saturate_cast<uint8_t>(a * s[i] + (1 - a) * d[i]);
      }
    }
  }
}

// A marker line drawn inside the region, thick enough to see on big photos.
// Drawing into the region's own view of the image confines it there.
void DrawOutline(cv::Mat& image, const anonymize::MaskGeometry& g,
                 const cv::Scalar& color) {
  const int side = std::min(g.region.width, g.region.height);
  const int thickness =
      std::max(1, std::min({side / 4, 64, std::max(2, side / 60)}));
  const int inset = (thickness + 1) / 2;
  const int w = g.region.width - 2 * inset - 1;
  const int h = g.region.height - 2 * inset - 1;
  if (w < 1 || h < 1) return;
  cv::Mat view = image(g.clipped);
  // Region-relative coordinates shifted into the clipped view; the region
  // is within ±1e8, which OpenCV's drawing handles (it clips to the view).
  const cv::Point tl = g.region.tl() - g.clipped.tl() + cv::Point(inset, inset);
  if (g.shape == MaskShape::kBox) {
    cv::rectangle(view, tl, tl + cv::Point(w, h), color, thickness, cv::LINE_8);
  } else {
    cv::ellipse(view, tl + cv::Point(w / 2, h / 2), cv::Size(w / 2, h / 2), 0,
                0, 360, color, thickness, cv::LINE_8);
  }
}

}  // namespace

Status AnonymizeRegions(cv::Mat& image, std::span<const Box> regions,
                        const AnonymizeOptions& options) {
  FACEVEIL_RETURN_IF_ERROR(CheckInputs(image, options));
  std::vector<anonymize::MaskGeometry> masks;
  masks.reserve(regions.size());
  for (const Box& box : regions) {
    anonymize::MaskGeometry g;
    if (!anonymize::MakeGeometry(box, options.shape, image.size(), &g)) {
      return Status::InvalidArgument(
          "mask region is not a finite box with positive size");
    }
    if (!g.clipped.empty()) masks.push_back(g);
  }
  try {
    const auto renderer = anonymize::MakeStyleRenderer(options);
    if (!renderer) return Status::InvalidArgument("unknown style");
    for (const anonymize::MaskGeometry& g : masks) {
      const cv::Mat replacement = renderer->Render(image, g);
      cv::Mat target = image(g.clipped);
      const cv::Mat weights = anonymize::MaskWeights(g);
      if (weights.empty()) {
        replacement.copyTo(target);
      } else {
        BlendInto(replacement, weights, target);
      }
    }
    // After every region is anonymized, so no later blur smears a marker.
    if (options.outline) {
      for (const anonymize::MaskGeometry& g : masks) {
        DrawOutline(image, g, options.outline_color);
      }
    }
  } catch (const cv::Exception& e) {
    return Status::Internal(std::string("anonymization failed: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("anonymization failed: ") + e.what());
  }
  return Status::Ok();
}

Status Anonymize(cv::Mat& image, std::span<const Face> faces,
                 const AnonymizeOptions& options) {
  std::vector<Box> regions;
  regions.reserve(faces.size());
  for (const Face& face : faces) regions.push_back(MaskRegion(face, options));
  return AnonymizeRegions(image, regions, options);
}

}  // namespace faceveil
