// Our SSD against face-api's own runtime (TensorFlow.js, WebAssembly
// backend, through Node.js; scripts/oracle) on the same 512x512 input.
//
// Tolerances: every anchor's score within 1e-4 and, for anchors scoring at
// least 0.01, box corners within 1e-4 of the input side (0.05 px at 512);
// every face face-api reports (score >= 0.3) matched by ours with
// IoU >= 0.99. Measured differences are below 1e-6 (float summation order,
// the batch norm folded into the depthwise weights).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "common/node_oracle.h"
#include "ssd/ssd_mobilenet.h"

namespace faceveil::ssd {
namespace {

namespace fs = std::filesystem;
const std::string kOracleDir = FACEVEIL_ORACLE_DIR;
const std::string kTestData = FACEVEIL_TESTDATA_DIR;
constexpr float kScoreTolerance = 1e-4f;
constexpr float kBoxTolerance = 1e-4f;

// face-api's input for `image`: padded to a square at the bottom or right
// with black, then scaled to 512x512.
cv::Mat FaceApiSquare(const cv::Mat& image) {
  const int side = std::max(image.cols, image.rows);
  cv::Mat square = cv::Mat::zeros(side, side, CV_8UC3);
  image.copyTo(square(cv::Rect(0, 0, image.cols, image.rows)));
  cv::Mat out;
  cv::resize(square, out, cv::Size(512, 512), 0, 0, cv::INTER_AREA);
  return out;
}

void CompareWithOracle(const std::string& name) {
  ASSERT_TRUE(fs::exists(kOracleDir + "/node_modules/@vladmandic/face-api"))
      << "the oracle's node_modules are missing: run `npm ci` in " << kOracleDir
      << " (scripts/setup.sh --test does)";
  ASSERT_EQ(std::system("node --version > /dev/null 2>&1"), 0)
      << "Node.js is needed for the oracle (Debian package nodejs, with npm)";
  const cv::Mat image = cv::imread(kTestData + "/" + name, cv::IMREAD_COLOR);
  ASSERT_FALSE(image.empty()) << name;
  const cv::Mat input = FaceApiSquare(image);
  const std::string ppm = (fs::temp_directory_path() /
                           ("faceveil_ssd_oracle_" +
                            std::to_string(::getpid()) + "_" + name + ".ppm"))
                              .string();
  testing::WriteOraclePpm(input, ppm);
  std::string error;
  const nlohmann::json oracle = testing::RunNodeOracle(
      kOracleDir, "ssd_oracle.js '" + ppm + "' 0.3", ppm, &error);
  fs::remove(ppm);
  ASSERT_FALSE(oracle.is_discarded()) << error;

  Result<std::unique_ptr<SsdMobileNet>> net = SsdMobileNet::Create();
  ASSERT_TRUE(net.ok()) << net.status().ToString();
  Result<std::vector<Prediction>> ours = (*net)->Predict(input);
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();

  const std::vector<float> scores = oracle["scores"].get<std::vector<float>>();
  const std::vector<float> boxes = oracle["boxes"].get<std::vector<float>>();
  ASSERT_EQ(scores.size(), ours->size());
  ASSERT_EQ(boxes.size(), 4 * ours->size());
  float score_diff = 0, box_diff = 0;
  int confident = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const Prediction& p = (*ours)[i];
    score_diff = std::max(score_diff, std::abs(p.score - scores[i]));
    if (scores[i] < 0.01f) continue;
    ++confident;
    const float* b = &boxes[4 * i];
    box_diff =
        std::max({box_diff, std::abs(p.ymin - b[0]), std::abs(p.xmin - b[1]),
                  std::abs(p.ymax - b[2]), std::abs(p.xmax - b[3])});
  }
  EXPECT_LT(score_diff, kScoreTolerance) << name;
  EXPECT_LT(box_diff, kBoxTolerance) << name;
  EXPECT_GT(confident, 0) << name;

  // face-api's final faces (its NMS, min confidence 0.3), in 512 pixels.
  ASSERT_FALSE(oracle["faces"].empty()) << name;
  for (const auto& f : oracle["faces"]) {
    const Box theirs{f["box"][0].get<float>(), f["box"][1].get<float>(),
                     f["box"][2].get<float>(), f["box"][3].get<float>()};
    const float score = f["score"].get<float>();
    float best = 0;
    for (const Prediction& p : *ours) {
      if (std::abs(p.score - score) > kScoreTolerance) continue;
      // face-api clips to [0, 1] before reporting.
      const float x0 = std::clamp(p.xmin, 0.f, 1.f) * 512;
      const float y0 = std::clamp(p.ymin, 0.f, 1.f) * 512;
      const float x1 = std::clamp(p.xmax, 0.f, 1.f) * 512;
      const float y1 = std::clamp(p.ymax, 0.f, 1.f) * 512;
      best = std::max(best, IoU(Box{x0, y0, x1 - x0, y1 - y0}, theirs));
    }
    EXPECT_GE(best, 0.99f) << name << " face at " << theirs.x << "," << theirs.y
                           << " score " << score;
  }
  std::printf(
      "%s: %d confident anchors, %zu faces, max score diff %.2g, "
      "max box diff %.2g\n",
      name.c_str(), confident, oracle["faces"].size(), score_diff, box_diff);
}

TEST(SsdOracleTest, MatchesFaceApiOnMessi) { CompareWithOracle("messi5.jpg"); }
TEST(SsdOracleTest, MatchesFaceApiOnAstronaut) {
  CompareWithOracle("astronaut.png");
}

}  // namespace
}  // namespace faceveil::ssd
