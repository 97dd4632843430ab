// `faceveil eval` end to end on a hand-made ground truth and detections
// file (no model involved).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/run_faceveil.h"
#include "detect/multiscale.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

struct Output {
  int exit_code = -1;
  std::string text;  // stdout and stderr
};

Output RunFaceveil(const std::string& args) {
  const auto run = faceveil::testing::RunFaceveil(args);
  return {run.exit_code, run.out};
}

class EvalCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("faceveil_eval_cli_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    Write("gt.tsv",
          "images/e/a.jpg\t10\t10\t20\t20\teasy,blur:0\n"
          "images/e/a.jpg\t100\t100\t30\t30\thard,blur:2\n"
          "images/e/b.jpg\t50\t50\t12\t12\tignore,invalid\n");
    // a.jpg: the easy face found, a false positive; b.jpg: an error.
    Write("det.jsonl", R"({"file": "/data/images/e/a.jpg", "faces": [)"
                       R"({"box": [10, 10, 20, 20], "score": 0.9},)"
                       R"({"box": [400, 400, 20, 20], "score": 0.6}], "ms": 4})"
                       "\n"
                       R"({"file": "images/e/b.jpg", "error": "corrupt"})"
                       "\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  fs::path dir_;
};

TEST_F(EvalCli, ScoresADetectionsFile) {
  const Output out = RunFaceveil("eval --gt " + Path("gt.tsv") +
                                 " --detections " + Path("det.jsonl") +
                                 " --threshold 0.5 --out " + Path("r.json"));
  // One image failed (an error line), so the exit code says so.
  EXPECT_EQ(out.exit_code, 1) << out.text;
  EXPECT_THAT(out.text, HasSubstr("Easy"));
  std::ifstream in(Path("r.json"));
  const nlohmann::json r = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(r.is_discarded()) << out.text;
  EXPECT_EQ(r["images"], 2);
  EXPECT_EQ(r["failed_images"], 1);
  // Easy: the only easy face found, before the false positive: AP 1.
  EXPECT_NEAR(r["ap"]["easy"].get<double>(), 1.0, 1e-9);
  // Hard: 1 of 2 faces at precision 1, then a false positive: AP 0.5.
  EXPECT_NEAR(r["ap"]["hard"].get<double>(), 0.5, 1e-9);
  EXPECT_EQ(r["privacy_recall"]["faces"], 3);
  EXPECT_EQ(r["privacy_recall"]["covered"], 1);
  EXPECT_EQ(r["false_positives"], 1);
  EXPECT_NEAR(r["fp_per_image"].get<double>(), 1.0, 1e-9);
  EXPECT_NEAR(r["ms_per_image"].get<double>(), 4.0, 1e-9);
}

TEST_F(EvalCli, ThresholdFiltersTheOperatingPoint) {
  const Output out = RunFaceveil("eval --gt " + Path("gt.tsv") +
                                 " --detections " + Path("det.jsonl") +
                                 " --threshold 0.95 --out " + Path("r.json"));
  EXPECT_EQ(out.exit_code, 1) << out.text;
  std::ifstream in(Path("r.json"));
  const nlohmann::json r = nlohmann::json::parse(in, nullptr, false);
  ASSERT_FALSE(r.is_discarded()) << out.text;
  EXPECT_EQ(r["detections"], 0);
  EXPECT_EQ(r["privacy_recall"]["covered"], 0);
}

TEST_F(EvalCli, BadGroundTruthNamesTheLine) {
  Write("bad.tsv", "images/e/a.jpg\t10\t10\t20\t20\teasy\nimages/e/a.jpg\t1\n");
  const Output out = RunFaceveil("eval --gt " + Path("bad.tsv") +
                                 " --detections " + Path("det.jsonl"));
  EXPECT_EQ(out.exit_code, 1);
  EXPECT_THAT(out.text, HasSubstr("bad.tsv:2:"));
}

TEST_F(EvalCli, BadTuningIsRefusedByName) {
  const Output out = RunFaceveil("eval --gt " + Path("gt.tsv") +
                                 " --tune \"tiles=384 speed=3\"");
  EXPECT_NE(out.exit_code, 0) << out.text;
  EXPECT_THAT(out.text, HasSubstr("\"speed=3\""));
}

// A bad --tune exited 1, as a run whose images failed does; it is a usage
// error (exit 2) like any bad flag, refused before a network loads, and an
// unknown key's message names it and lists the keys there are.
TEST_F(EvalCli, BadTuningIsAUsageErrorListingTheKeys) {
  const Output unknown =
      RunFaceveil("eval --gt " + Path("gt.tsv") + " --tune nonsense=3");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.text;
  EXPECT_THAT(unknown.text, HasSubstr("--tune"));
  EXPECT_THAT(unknown.text, HasSubstr("\"nonsense\""));
  ASSERT_FALSE(faceveil::MultiScaleOverrideKeys().empty());
  for (std::string_view key : faceveil::MultiScaleOverrideKeys()) {
    EXPECT_THAT(unknown.text, HasSubstr(std::string(key))) << key;
  }
  for (const char* bad : {"overlap=1.5", "overlap", "edges=1 tiles=8"}) {
    const Output out =
        RunFaceveil("eval --gt " + Path("gt.tsv") + " --tune \"" + bad + "\"");
    EXPECT_EQ(out.exit_code, 2) << bad << ": " << out.text;
    EXPECT_THAT(out.text, HasSubstr("--tune")) << bad;
  }
}

TEST_F(EvalCli, MissingGroundTruthIsAUsageError) {
  const Output out = RunFaceveil("eval --gt " + Path("none.tsv"));
  EXPECT_EQ(out.exit_code, 2) << out.text;
}

}  // namespace
