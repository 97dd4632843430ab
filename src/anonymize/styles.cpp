#include "anonymize/styles.h"

#include <algorithm>

#include "anonymize/blur.h"
#include "anonymize/pixelate.h"

namespace faceveil::anonymize {

namespace {

class BlurRenderer : public StyleRenderer {
 public:
  explicit BlurRenderer(float strength) : strength_(strength) {}
  cv::Mat Render(const cv::Mat& image, const MaskGeometry& g) const override {
    return GaussianBlurRegion(image, g.clipped,
                              BlurSigma(g.feature_size, strength_));
  }

 private:
  float strength_;
};

// The blocks are means of the face blurred as the blur style blurs it: the
// means of the sharp face alone keep enough of its layout (a skin-coloured
// oval, darker eyes and mouth) for a detector to find it again in 1 of 4
// faces at 8 blocks (bench/refind_bench.cpp); blurred first, none.
class PixelateRenderer : public StyleRenderer {
 public:
  explicit PixelateRenderer(float strength) : strength_(strength) {}
  cv::Mat Render(const cv::Mat& image, const MaskGeometry& g) const override {
    const double block = g.feature_size / PixelBlocksAcross(strength_);
    const cv::Mat blurred = GaussianBlurRegion(
        image, g.clipped, BlurSigma(g.feature_size, strength_));
    const cv::Point origin = g.clipped.tl();
    return PixelateRegion(blurred, g.region - origin,
                          cv::Rect(cv::Point(0, 0), g.clipped.size()),
                          std::max(1.0, block));
  }

 private:
  float strength_;
};

class SolidRenderer : public StyleRenderer {
 public:
  explicit SolidRenderer(cv::Scalar color) : color_(color) {}
  cv::Mat Render(const cv::Mat& image, const MaskGeometry& g) const override {
    return cv::Mat(g.clipped.size(), image.type(), color_);
  }

 private:
  cv::Scalar color_;
};

}  // namespace

std::unique_ptr<StyleRenderer> MakeStyleRenderer(
    const AnonymizeOptions& options) {
  const float strength =
      std::clamp(options.strength, kMinStrength, kMaxStrength);
  switch (options.style) {
    case AnonymizeStyle::kBlur:
      return std::make_unique<BlurRenderer>(strength);
    case AnonymizeStyle::kPixelate:
      return std::make_unique<PixelateRenderer>(strength);
    case AnonymizeStyle::kSolid:
      return std::make_unique<SolidRenderer>(options.color);
  }
  return nullptr;
}

}  // namespace faceveil::anonymize
