// Our landmark and recognition networks and alignment against face-api's own
// runtime (TensorFlow.js, WebAssembly backend, through Node.js;
// scripts/oracle/identity_oracle.js) on the same photo and face box.
//
// Tolerances (float noise: summation order, the scale layers folded into
// the convolutions): landmarks within 0.005 px; the aligned square the same
// to a pixel (its corner is a floor() of float sums); each descriptor value
// within 2e-5 and the descriptors 1e-4 apart at most (different people are
// ~0.5 and more apart). Measured: landmarks 3e-5 px, values 3e-7,
// distance 1.2e-6 on both photos.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "common/node_oracle.h"
#include "identify/identify_test_util.h"

namespace faceveil::identify {
namespace {

namespace fs = std::filesystem;
const std::string kOracleDir = FACEVEIL_ORACLE_DIR;
constexpr float kLandmarkTolerance = 0.005f;
constexpr float kValueTolerance = 2e-5f;
constexpr float kDistanceTolerance = 1e-4f;

void CompareIdentityWithOracle(const std::string& path) {
  ASSERT_TRUE(fs::exists(kOracleDir + "/node_modules/@vladmandic/face-api"))
      << "the oracle's node_modules are missing: run `npm ci` in " << kOracleDir
      << " (scripts/setup.sh --test does)";
  ASSERT_EQ(std::system("node --version > /dev/null 2>&1"), 0)
      << "Node.js is needed for the oracle (Debian package nodejs, with npm)";
  const cv::Mat image = cv::imread(path, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty()) << path;
  const Face found = testing::LargestFace(image);
  ASSERT_GT(found.box.h, 24) << "no face in " << path;
  // Whole pixels: face-api crops whole pixels and shifts its landmarks by
  // the unrounded box, we by the crop (align.h).
  const cv::Rect box(
      static_cast<int>(found.box.x), static_cast<int>(found.box.y),
      static_cast<int>(found.box.w), static_cast<int>(found.box.h));
  ASSERT_EQ(box & cv::Rect(0, 0, image.cols, image.rows), box);
  const std::string ppm =
      (fs::temp_directory_path() /
       ("faceveil_identity_oracle_" + std::to_string(::getpid()) + ".ppm"))
          .string();
  faceveil::testing::WriteOraclePpm(image, ppm);
  std::string error;
  const nlohmann::json oracle = faceveil::testing::RunNodeOracle(
      kOracleDir,
      "identity_oracle.js '" + ppm + "' " + std::to_string(box.x) + " " +
          std::to_string(box.y) + " " + std::to_string(box.width) + " " +
          std::to_string(box.height),
      ppm, &error);
  fs::remove(ppm);
  ASSERT_FALSE(oracle.is_discarded()) << error;

  // face-api's chain; the product's own alignment (the dlib chip) differs
  // by design, its networks do not.
  const Identifier& id = testing::FaceApiIdentifier();
  EmbedDetails details;
  Result<FaceEmbedding> ours = id.EmbedWithDetails(
      image,
      testing::FaceAt(Box{static_cast<float>(box.x), static_cast<float>(box.y),
                          static_cast<float>(box.width),
                          static_cast<float>(box.height)}),
      &details);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();

  ASSERT_EQ(oracle["landmarks"].size(), static_cast<size_t>(kNumLandmarks));
  float landmark_diff = 0;
  for (int i = 0; i < kNumLandmarks; ++i) {
    const float x = oracle["landmarks"][i][0].get<float>();
    const float y = oracle["landmarks"][i][1].get<float>();
    landmark_diff =
        std::max({landmark_diff, std::abs(details.landmarks[i].x - x),
                  std::abs(details.landmarks[i].y - y)});
  }
  EXPECT_LT(landmark_diff, kLandmarkTolerance) << path;

  const std::vector<int> a = oracle["aligned"].get<std::vector<int>>();
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(a[2], a[3]) << "face-api clipped its aligned square: pick a face "
                           "inside the image";
  EXPECT_LE(std::abs(details.aligned.x - a[0]), 1) << path;
  EXPECT_LE(std::abs(details.aligned.y - a[1]), 1) << path;
  EXPECT_LE(std::abs(details.aligned.side - a[2]), 1) << path;

  // The recognition network alone, on face-api's own square.
  const std::vector<float> theirs =
      oracle["descriptor"].get<std::vector<float>>();
  ASSERT_EQ(theirs.size(), static_cast<size_t>(kDescriptorSize));
  Result<FaceEmbedding> same_square =
      id.EmbedSquare(image, Square{a[0], a[1], a[2]});
  ASSERT_TRUE(same_square.ok()) << same_square.status().ToString();
  FaceEmbedding t;
  float value_diff = 0;
  for (int i = 0; i < kDescriptorSize; ++i) {
    t.values[i] = theirs[i];
    value_diff =
        std::max(value_diff, std::abs(same_square->values[i] - theirs[i]));
  }
  EXPECT_LT(value_diff, kValueTolerance) << path;
  const float d = FaceIdentifier::Distance(*ours, t);
  EXPECT_LT(d, kDistanceTolerance) << path;
  std::printf(
      "%s: max landmark diff %.2g px, max descriptor value diff %.2g, "
      "distance to face-api's descriptor %.2g\n",
      fs::path(path).filename().c_str(), landmark_diff, value_diff, d);
}

TEST(IdentityOracleTest, MatchesFaceApiOnAstronaut) {
  CompareIdentityWithOracle(std::string(FACEVEIL_TESTDATA_DIR) +
                            "/astronaut.png");
}
TEST(IdentityOracleTest, MatchesFaceApiOnMessi) {
  CompareIdentityWithOracle(std::string(FACEVEIL_TESTDATA_DIR) + "/messi5.jpg");
}

}  // namespace
}  // namespace faceveil::identify
