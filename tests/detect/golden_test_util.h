// MediaPipe's published expected output of its face detection graph with
// the short-range model on sergey.png, and helpers for tests comparing
// against it. The values are copied from
// ../shared/data/golden/sergey_expected_short_range.pbtxt (MediaPipe's
// mediapipe/calculators/tensor/testdata/expected_detection.pbtxt): they are
// MediaPipe's results, not ours.
#ifndef FACEVEIL_TESTS_DETECT_GOLDEN_TEST_UTIL_H_
#define FACEVEIL_TESTS_DETECT_GOLDEN_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <opencv2/core.hpp>
#include <string>

#include "faceveil/face.h"

namespace faceveil::testing {

inline constexpr float kGoldenScore = 0.92843366f;
// Relative to the image: xmin, ymin, width, height.
inline constexpr float kGoldenBox[4] = {0.21061149f, 0.29150677f, 0.5657704f,
                                        0.5657307f};
inline constexpr float kGoldenKeypoints[kNumKeypoints][2] = {
    {0.37730268f, 0.44038114f}, {0.6250565f, 0.44425336f},
    {0.50687385f, 0.5767085f},  {0.50173956f, 0.6991459f},
    {0.2383742f, 0.49879026f},  {0.7404449f, 0.50361776f}};
// The agreement the issue asks for (fp16 weights, one resampling method).
inline constexpr float kGoldenTolerance = 2e-3f;

inline std::string GoldenImagePath() {
  return std::string(FACEVEIL_SHARED_DIR) + "/data/golden/sergey.png";
}

// The largest difference between `face` (in pixels of an image of `size`)
// and the golden detection, relative coordinates and score alike.
inline float GoldenMaxDiff(const Face& face, cv::Size size, bool print) {
  const float w = static_cast<float>(size.width);
  const float h = static_cast<float>(size.height);
  float worst = std::abs(face.score - kGoldenScore);
  auto check = [&](const char* what, float got, float want) {
    const float d = std::abs(got - want);
    worst = std::max(worst, d);
    EXPECT_NEAR(got, want, kGoldenTolerance) << what;
    if (print)
      std::printf("  %-12s %.6f vs %.6f  (%+.6f)\n", what, got, want,
                  got - want);
  };
  check("score", face.score, kGoldenScore);
  check("xmin", face.box.x / w, kGoldenBox[0]);
  check("ymin", face.box.y / h, kGoldenBox[1]);
  check("width", face.box.w / w, kGoldenBox[2]);
  check("height", face.box.h / h, kGoldenBox[3]);
  for (int k = 0; k < kNumKeypoints; ++k) {
    check(("kp" + std::to_string(k) + ".x").c_str(), face.keypoints[k].x / w,
          kGoldenKeypoints[k][0]);
    check(("kp" + std::to_string(k) + ".y").c_str(), face.keypoints[k].y / h,
          kGoldenKeypoints[k][1]);
  }
  return worst;
}

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_DETECT_GOLDEN_TEST_UTIL_H_
