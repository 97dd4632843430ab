// Irreversibility and containment on a real photo: the astronaut portrait
// (face at about x 170-330, y 20-220) with a hand-made BlazeFace-like box,
// so these tests do not depend on the detector.
#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <tuple>
#include <vector>

#include "faceveil/anonymizer.h"

namespace faceveil {
namespace {

cv::Mat Astronaut(double scale = 1.0) {
  cv::Mat image = cv::imread(FACEVEIL_TESTDATA_DIR "/astronaut.png");
  if (!image.empty() && scale != 1.0) {
    cv::resize(image, image, cv::Size(), scale, scale, cv::INTER_CUBIC);
  }
  return image;
}

// What BlazeFace reports for a face 200 px tall centred at (250, 120): a
// square 0.86 x the height, centred 7% of the height lower.
Face AstronautFace(double scale = 1.0) {
  const float s = static_cast<float>(scale);
  Face face;
  face.box = Box{164 * s, 48 * s, 172 * s, 172 * s};
  face.score = 0.95f;
  return face;
}

// The hand-labelled face: what must become unrecognisable.
cv::Rect FaceCore(double scale = 1.0) {
  return cv::Rect(
      cv::Point(static_cast<int>(170 * scale), static_cast<int>(20 * scale)),
      cv::Point(static_cast<int>(330 * scale), static_cast<int>(220 * scale)));
}

#define REQUIRE_IMAGE(image) \
  if ((image).empty())       \
  GTEST_SKIP() << "astronaut.png missing: run scripts/fetch-testdata.sh"

// Pixels outside `regions` (clipped to the image) compare equal.
void ExpectUnchangedOutside(const cv::Mat& before, const cv::Mat& after,
                            const std::vector<Box>& regions) {
  cv::Mat outside(before.size(), CV_8UC1, cv::Scalar(255));
  for (const Box& r : regions) {
    const cv::Rect rect(cv::Point(static_cast<int>(std::floor(r.x)),
                                  static_cast<int>(std::floor(r.y))),
                        cv::Point(static_cast<int>(std::ceil(r.x + r.w)),
                                  static_cast<int>(std::ceil(r.y + r.h))));
    outside(rect & cv::Rect(0, 0, before.cols, before.rows)).setTo(0);
  }
  cv::Mat diff;
  cv::absdiff(before, after, diff);
  cv::Mat changed;
  cv::cvtColor(diff, changed, cv::COLOR_BGR2GRAY);
  changed = changed > 0;
  cv::bitwise_and(changed, outside, changed);
  EXPECT_EQ(cv::countNonZero(changed), 0);
}

double FractionChanged(const cv::Mat& before, const cv::Mat& after,
                       cv::Rect rect) {
  cv::Mat diff, gray;
  cv::absdiff(before(rect), after(rect), diff);
  cv::cvtColor(diff, gray, cv::COLOR_BGR2GRAY);
  return cv::countNonZero(gray) / static_cast<double>(rect.area());
}

double LaplacianVariance(const cv::Mat& bgr) {
  cv::Mat gray, lap;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  cv::Laplacian(gray, lap, CV_64F);
  cv::Scalar mean, dev;
  cv::meanStdDev(lap, mean, dev);
  return dev[0] * dev[0];
}

// Spectral energy at more than `cycles` cycles across the patch, mean
// removed and Hann-windowed (so the patch edges add no leakage).
double HighFrequencyEnergy(const cv::Mat& bgr, double cycles) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  gray.convertTo(gray, CV_32F);
  gray -= cv::mean(gray)[0];
  cv::Mat window;
  cv::createHanningWindow(window, gray.size(), CV_32F);
  gray = gray.mul(window);
  cv::Mat spectrum;
  cv::dft(gray, spectrum, cv::DFT_COMPLEX_OUTPUT);
  double energy = 0;
  for (int v = 0; v < spectrum.rows; ++v) {
    const int fv = std::min(v, spectrum.rows - v);
    for (int u = 0; u < spectrum.cols; ++u) {
      const int fu = std::min(u, spectrum.cols - u);
      if (std::hypot(fu, fv) <= cycles) continue;
      const cv::Vec2f c = spectrum.at<cv::Vec2f>(v, u);
      energy += c[0] * c[0] + c[1] * c[1];
    }
  }
  return energy;
}

// Largest number of constant runs along any row or column of `patch`.
int MaxRunsAcross(const cv::Mat& patch) {
  int worst = 0;
  for (int y = 0; y < patch.rows; ++y) {
    int runs = 1;
    for (int x = 1; x < patch.cols; ++x) {
      runs += patch.at<cv::Vec3b>(y, x) != patch.at<cv::Vec3b>(y, x - 1);
    }
    worst = std::max(worst, runs);
  }
  for (int x = 0; x < patch.cols; ++x) {
    int runs = 1;
    for (int y = 1; y < patch.rows; ++y) {
      runs += patch.at<cv::Vec3b>(y, x) != patch.at<cv::Vec3b>(y - 1, x);
    }
    worst = std::max(worst, runs);
  }
  return worst;
}

using StyleShape = std::tuple<AnonymizeStyle, MaskShape, bool>;
class ContainmentTest : public ::testing::TestWithParam<StyleShape> {};

TEST_P(ContainmentTest, OnlyMaskRegionsChangeAndFaceIsReplaced) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  AnonymizeOptions options;
  std::tie(options.style, options.shape, options.outline) = GetParam();
  // One whole face, one cut by the left border, one overlapping the first.
  std::vector<Face> faces = {AstronautFace(), AstronautFace(), AstronautFace()};
  faces[1].box = Box{-60, 300, 150, 150};
  faces[2].box = Box{250, 120, 120, 120};
  cv::Mat image = original.clone();
  ASSERT_TRUE(Anonymize(image, faces, options).ok());
  std::vector<Box> regions;
  for (const Face& f : faces) regions.push_back(MaskRegion(f, options));
  ExpectUnchangedOutside(original, image, regions);
  EXPECT_GT(FractionChanged(original, image, FaceCore()), 0.9);
  EXPECT_GT(FractionChanged(original, image, cv::Rect(0, 300, 60, 150)), 0.8);
}

INSTANTIATE_TEST_SUITE_P(
    AllStyles, ContainmentTest,
    ::testing::Combine(::testing::Values(AnonymizeStyle::kBlur,
                                         AnonymizeStyle::kPixelate,
                                         AnonymizeStyle::kSolid),
                       ::testing::Values(MaskShape::kBox, MaskShape::kEllipse),
                       ::testing::Bool()));

class ScaleTest : public ::testing::TestWithParam<double> {};

TEST_P(ScaleTest, PixelatedFaceKeepsFewBlocks) {
  const double scale = GetParam();
  const cv::Mat original = Astronaut(scale);
  REQUIRE_IMAGE(original);
  // The default, the weakest allowed, and below the floor (clamped).
  for (float strength : {1.0f, kMinStrength, 0.01f}) {
    cv::Mat image = original.clone();
    AnonymizeOptions options;
    options.style = AnonymizeStyle::kPixelate;
    options.strength = strength;
    const Face face = AstronautFace(scale);
    ASSERT_TRUE(Anonymize(image, {&face, 1}, options).ok());
    const int runs = MaxRunsAcross(image(FaceCore(scale)));
    // README: never more than ~8 blocks across a face.
    EXPECT_LE(runs, 8) << "scale " << scale << " strength " << strength;
    EXPECT_GE(runs, 4) << "pixelation should still show coarse structure";
  }
}

TEST_P(ScaleTest, BlurredFaceLosesHighFrequencies) {
  const double scale = GetParam();
  const cv::Mat original = Astronaut(scale);
  REQUIRE_IMAGE(original);
  cv::Mat image = original.clone();
  const Face face = AstronautFace(scale);
  ASSERT_TRUE(Anonymize(image, {&face, 1}, AnonymizeOptions{}).ok());
  const cv::Rect core = FaceCore(scale);
  // Relative to the face size, so the bound is the same at every scale:
  // almost nothing above 8 cycles across the face survives.
  EXPECT_LT(HighFrequencyEnergy(image(core), 8),
            0.01 * HighFrequencyEnergy(original(core), 8));
  // 8-bit rounding alone leaves a Laplacian variance of 20/12 (the kernel
  // weights squared sum to 20, rounding noise is 1/12).
  EXPECT_LT(LaplacianVariance(image(core)),
            0.01 * LaplacianVariance(original(core)) + 20.0 / 12);
}

// 0.25: a ~50-px face; 2.0: a ~400-px face.
INSTANTIATE_TEST_SUITE_P(FaceSizes, ScaleTest,
                         ::testing::Values(0.25, 1.0, 2.0));

TEST(AnonymizeTest, SolidFillsTheBoxWithTheColor) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  cv::Mat image = original.clone();
  AnonymizeOptions options;
  options.style = AnonymizeStyle::kSolid;
  options.color = cv::Scalar(128, 128, 128);
  const Box region{10.0f, 20.0f, 50.0f, 40.0f};
  ASSERT_TRUE(AnonymizeRegions(image, {&region, 1}, options).ok());
  cv::Mat patch = image(cv::Rect(10, 20, 50, 40)).reshape(1);
  EXPECT_EQ(cv::countNonZero(patch != 128), 0);
  ExpectUnchangedOutside(original, image, {region});
}

TEST(AnonymizeTest, HandRegionIsUsedAsIs) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  cv::Mat image = original.clone();
  AnonymizeOptions options;
  options.mask_scale = 3.0f;  // must not apply to final regions
  const Box region{300.0f, 300.0f, 100.0f, 60.0f};
  ASSERT_TRUE(AnonymizeRegions(image, {&region, 1}, options).ok());
  ExpectUnchangedOutside(original, image, {region});
  EXPECT_GT(FractionChanged(original, image, cv::Rect(300, 300, 100, 60)), 0.9);
}

TEST(AnonymizeTest, WorksOnGrayAndBgra) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  for (int code : {cv::COLOR_BGR2GRAY, cv::COLOR_BGR2BGRA}) {
    cv::Mat converted;
    cv::cvtColor(original, converted, code);
    for (auto style : {AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate,
                       AnonymizeStyle::kSolid}) {
      cv::Mat image = converted.clone();
      AnonymizeOptions options;
      options.style = style;
      options.shape = MaskShape::kEllipse;
      const Face face = AstronautFace();
      ASSERT_TRUE(Anonymize(image, {&face, 1}, options).ok());
      EXPECT_EQ(image.type(), converted.type());
      cv::Mat diff;
      cv::absdiff(image(FaceCore()), converted(FaceCore()), diff);
      EXPECT_GT(cv::countNonZero(diff.reshape(1) > 0), 0);
    }
  }
}

TEST(AnonymizeTest, FaceOutsideImageIsIgnored) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  cv::Mat image = original.clone();
  Face face;
  face.box = Box{2000, 2000, 100, 100};
  ASSERT_TRUE(Anonymize(image, {&face, 1}, AnonymizeOptions{}).ok());
  EXPECT_EQ(cv::norm(image, original, cv::NORM_INF), 0);
}

TEST(AnonymizeTest, RejectsBadInputWithoutTouchingTheImage) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  const Face good = AstronautFace();
  Face bad = good;
  bad.box.w = NAN;
  const std::vector<Face> faces = {good, bad};
  cv::Mat image = original.clone();
  Status status = Anonymize(image, faces, AnonymizeOptions{});
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(cv::norm(image, original, cv::NORM_INF), 0);

  AnonymizeOptions small_mask;
  small_mask.mask_scale = 0.5f;
  EXPECT_FALSE(Anonymize(image, {&good, 1}, small_mask).ok());
  AnonymizeOptions nan_strength;
  nan_strength.strength = NAN;
  EXPECT_FALSE(Anonymize(image, {&good, 1}, nan_strength).ok());
  EXPECT_EQ(cv::norm(image, original, cv::NORM_INF), 0);

  cv::Mat floats(100, 100, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5));
  EXPECT_FALSE(Anonymize(floats, {&good, 1}, AnonymizeOptions{}).ok());
  cv::Mat empty;
  EXPECT_FALSE(Anonymize(empty, {&good, 1}, AnonymizeOptions{}).ok());
}

}  // namespace
}  // namespace faceveil

namespace faceveil {
namespace {

// Regions drawn by hand reach the library from the web UI: absurdly large
// or thin ones must finish quickly with bounded memory, and still replace
// the visible pixels.
TEST(AnonymizeTest, HugeAndThinRegionsStayCheap) {
  const cv::Mat original = Astronaut();
  REQUIRE_IMAGE(original);
  const std::vector<Box> regions = {Box{-1e7f, -1e7f, 2e7f, 2e7f},
                                    Box{-5e7f, 100, 1e8f, 20}};
  for (auto style : {AnonymizeStyle::kBlur, AnonymizeStyle::kPixelate}) {
    for (auto shape : {MaskShape::kBox, MaskShape::kEllipse}) {
      for (const Box& region : regions) {
        cv::Mat image = original.clone();
        AnonymizeOptions options;
        options.style = style;
        options.shape = shape;
        options.outline = true;
        ASSERT_TRUE(AnonymizeRegions(image, {&region, 1}, options).ok());
        const cv::Rect row(0, 105, image.cols, 10);
        EXPECT_GT(FractionChanged(original, image, row), 0.5)
            << AnonymizeStyleName(style) << " " << MaskShapeName(shape);
      }
    }
  }
}

}  // namespace
}  // namespace faceveil
