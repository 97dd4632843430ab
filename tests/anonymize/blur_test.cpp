// The fast region blur against the plain full-resolution reference
// (ncnn-style: fixed seed, tolerance), and the blur/pixelate parameters.
#include "anonymize/blur.h"

#include <gtest/gtest.h>

#include <cmath>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "anonymize/pixelate.h"

namespace faceveil::anonymize {
namespace {

// A photo when the test data is there (its edges are the hard case), plus
// seeded noise so the comparison does not depend on one picture.
cv::Mat TestImage(cv::Size size) {
  cv::Mat image = cv::imread(FACEVEIL_TESTDATA_DIR "/astronaut.png");
  if (image.empty()) {
    image = cv::Mat(size, CV_8UC3, cv::Scalar(90, 120, 150));
    cv::rectangle(image, {size.width / 4, size.height / 4},
                  {size.width / 2, size.height / 2}, cv::Scalar(250, 10, 40),
                  cv::FILLED);
  }
  cv::resize(image, image, size);
  cv::RNG rng(12345);
  cv::Mat noise(size, CV_8UC3);
  rng.fill(noise, cv::RNG::UNIFORM, 0, 40);
  cv::add(image, noise, image);
  return image;
}

struct Case {
  cv::Rect rect;
  double sigma;
};

class FastBlurTest : public ::testing::TestWithParam<Case> {};

TEST_P(FastBlurTest, MatchesReference) {
  const cv::Mat image = TestImage(cv::Size(640, 480));
  const Case c = GetParam();
  const cv::Mat fast = GaussianBlurRegion(image, c.rect, c.sigma);
  const cv::Mat ref = GaussianBlurRegionReference(image, c.rect, c.sigma);
  ASSERT_EQ(fast.size(), c.rect.size());
  ASSERT_EQ(fast.type(), image.type());
  cv::Mat diff;
  cv::absdiff(fast, ref, diff);
  double max_diff = 0;
  cv::minMaxLoc(diff.reshape(1), nullptr, &max_diff);
  const double mean_diff = cv::mean(diff.reshape(1))[0];
  EXPECT_LT(mean_diff, 0.5) << "sigma " << c.sigma;
  EXPECT_LE(max_diff, 4) << "sigma " << c.sigma;
}

INSTANTIATE_TEST_SUITE_P(
    Regions, FastBlurTest,
    ::testing::Values(Case{{100, 100, 40, 40}, 3.0},     // reference path
                      Case{{200, 100, 200, 200}, 16.7},  // 200-px face
                      Case{{150, 50, 300, 300}, 25.0},
                      Case{{120, 40, 400, 400}, 33.3},     // 400-px face
                      Case{{0, 0, 120, 150}, 20.0},        // image corner
                      Case{{500, 380, 140, 100}, 12.0}));  // opposite corner

TEST(FastBlurTest, RemovesHighFrequencies) {
  const cv::Mat image = TestImage(cv::Size(640, 480));
  const cv::Rect rect(120, 40, 400, 400);
  cv::Mat lap_before, lap_after;
  cv::Laplacian(image(rect), lap_before, CV_32F);
  cv::Laplacian(GaussianBlurRegion(image, rect, 33.3), lap_after, CV_32F);
  cv::Scalar mean, dev_before, dev_after;
  cv::meanStdDev(lap_before, mean, dev_before);
  cv::meanStdDev(lap_after, mean, dev_after);
  // 8-bit rounding alone leaves a Laplacian deviation of sqrt(20/12).
  EXPECT_LT(dev_after[0], 0.01 * dev_before[0] + std::sqrt(20.0 / 12));
}

TEST(BlurSigmaTest, GrowsWithFaceSize) {
  EXPECT_DOUBLE_EQ(BlurSigma(400, 1.0f), 10 * BlurSigma(40, 1.0f));
  EXPECT_DOUBLE_EQ(BlurSigma(120, 2.0f), 2 * BlurSigma(120, 1.0f));
  EXPECT_GE(BlurSigma(1, 1.0f), 0.5);
}

TEST(PixelBlocksTest, NeverMoreThanTheDocumentedEight) {
  EXPECT_EQ(kMaxPixelBlocks, 8);  // README: "never more than ~8 blocks"
  EXPECT_EQ(PixelBlocksAcross(1.0f), 8);
  EXPECT_EQ(PixelBlocksAcross(0.8f), 8);  // the weakest allowed: was 10
  EXPECT_EQ(PixelBlocksAcross(2.0f), 4);
  EXPECT_EQ(PixelBlocksAcross(4.0f), 2);
  for (float s = 0.01f; s < 100; s *= 1.1f) {
    EXPECT_LE(PixelBlocksAcross(s), 8) << "strength " << s;
    EXPECT_GE(PixelBlocksAcross(s), 2) << "strength " << s;
  }
}

TEST(PixelateRegionTest, BlocksAreMeansOfVisiblePixels) {
  cv::Mat image(4, 4, CV_8UC1);
  for (int i = 0; i < 16; ++i) image.data[i] = static_cast<uint8_t>(i * 10);
  // Region 4x4 in 2x2 blocks; the visible part is the right half.
  const cv::Mat out =
      PixelateRegion(image, cv::Rect(0, 0, 4, 4), cv::Rect(2, 0, 2, 4), 2.0);
  ASSERT_EQ(out.size(), cv::Size(2, 4));
  // Top-right block: pixels 2, 3, 6, 7 -> mean 45.
  EXPECT_EQ(out.at<uint8_t>(0, 0), 45);
  EXPECT_EQ(out.at<uint8_t>(1, 1), 45);
  // Bottom-right block: 10, 11, 14, 15 -> 125.
  EXPECT_EQ(out.at<uint8_t>(3, 1), 125);
}

}  // namespace
}  // namespace faceveil::anonymize
