// `faceveil detect` end to end: the built command on real files, its JSON
// Lines and its exit codes.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "common/run_faceveil.h"

namespace {

struct CliRun {
  int exit_code = -1;
  std::vector<std::string> lines;  // stdout
};

// Runs the faceveil command with `args` (already shell-quoted), capturing
// stdout; stderr goes to the test log.
CliRun Faceveil(const std::string& args) {
  const auto run =
      faceveil::testing::RunFaceveil(args, faceveil::testing::Stderr::kToLog);
  return {run.exit_code, run.Lines()};
}

const std::string kAstronaut =
    std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png";

TEST(DetectCliTest, AstronautGivesOneFaceAsJson) {
  const CliRun run = Faceveil("detect --model short '" + kAstronaut + "'");
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_EQ(run.lines.size(), 1u);
  const nlohmann::json j = nlohmann::json::parse(run.lines[0]);
  EXPECT_EQ(j["file"], kAstronaut);
  EXPECT_EQ(j["width"], 512);
  EXPECT_EQ(j["height"], 512);
  EXPECT_GE(j["ms"].get<double>(), 0.0);
  ASSERT_EQ(j["faces"].size(), 1u);
  const nlohmann::json& face = j["faces"][0];
  ASSERT_EQ(face["box"].size(), 4u);
  // The face lies at about x 178..265, y 70..180 (see detector_test.cpp).
  const double cx =
      face["box"][0].get<double>() + face["box"][2].get<double>() / 2;
  const double cy =
      face["box"][1].get<double>() + face["box"][3].get<double>() / 2;
  EXPECT_NEAR(cx, 221, 20);
  EXPECT_NEAR(cy, 125, 25);
  EXPECT_GT(face["score"].get<double>(), 0.5);
  EXPECT_LE(face["score"].get<double>(), 1.0);
  ASSERT_EQ(face["keypoints"].size(), 6u);
  EXPECT_EQ(face["keypoints"][0].size(), 2u);
}

TEST(DetectCliTest, ThresholdAboveEveryScoreFindsNothing) {
  const CliRun run = Faceveil("detect --threshold 1 '" + kAstronaut + "'");
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_EQ(run.lines.size(), 1u);
  EXPECT_TRUE(nlohmann::json::parse(run.lines[0])["faces"].empty());
}

TEST(DetectCliTest, BadFileGivesAnErrorLineAndTheOthersStillRun) {
  const std::string corrupt = ::testing::TempDir() + "/faceveil_corrupt.jpg";
  {
    std::ofstream f(corrupt, std::ios::binary);
    f << "\xFF\xD8\xFF\xE0 this is not really a JPEG";
  }
  const CliRun run = Faceveil("detect '" + corrupt + "' '" + kAstronaut +
                              "' /nonexistent.png");
  EXPECT_EQ(run.exit_code, 1);
  ASSERT_EQ(run.lines.size(), 3u);
  const nlohmann::json bad = nlohmann::json::parse(run.lines[0]);
  EXPECT_EQ(bad["file"], corrupt);
  EXPECT_FALSE(bad["error"].get<std::string>().empty());
  EXPECT_FALSE(bad.contains("faces"));
  const nlohmann::json good = nlohmann::json::parse(run.lines[1]);
  EXPECT_EQ(good["faces"].size(), 1u);
  const nlohmann::json missing = nlohmann::json::parse(run.lines[2]);
  EXPECT_NE(missing["error"].get<std::string>().find("no such file"),
            std::string::npos);
  std::filesystem::remove(corrupt);
}

TEST(DetectCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Faceveil("detect 2>/dev/null").exit_code, 2);  // no FILE
  EXPECT_EQ(Faceveil("detect --model medium x.jpg 2>/dev/null").exit_code, 2);
  EXPECT_EQ(Faceveil("detect --threshold 2 x.jpg 2>/dev/null").exit_code, 2);
  // A model file of the wrong kind is the user's to fix.
  const std::string full =
      std::string(FACEVEIL_MODEL_DIR) + "/full_range.tflite";
  const CliRun wrong = Faceveil("detect --model short --model-file '" + full +
                                "' '" + kAstronaut + "' 2>/dev/null");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_TRUE(wrong.lines.empty());
}

TEST(DetectCliTest, HelpTeachesTheModels) {
  const CliRun run = Faceveil("detect --help");
  EXPECT_EQ(run.exit_code, 0);
  std::string all;
  for (const std::string& l : run.lines) all += l + "\n";
  for (const char* word :
       {"--model", "--threshold", "full-sparse", "short", "Example", "JSON"}) {
    EXPECT_NE(all.find(word), std::string::npos) << word;
  }
}

}  // namespace
