// Photos for the --keep-person / --hide-person tests, made at test time
// from the Debian test photos (nothing committed): two different people
// side by side, the astronaut (Eileen Collins, left) and Messi (right,
// enlarged so his face is as large as hers), plus the astronaut's reference
// as a user might give it: a crop of her face, mirrored, rescaled,
// brightened and saved again as JPEG.
#ifndef FACEVEIL_TESTS_CLI_PEOPLE_FIXTURE_H_
#define FACEVEIL_TESTS_CLI_PEOPLE_FIXTURE_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "common/run_faceveil.h"

namespace faceveil::testing {

// The width of the astronaut's half of the two-person photo.
inline constexpr int kPairSplitX = 512;

class PeopleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    suite_dir_ = std::filesystem::temp_directory_path() /
                 ("faceveil_people_" + std::to_string(getpid()));
    std::filesystem::create_directories(suite_dir_);
    const std::string data = FACEVEIL_TESTDATA_DIR;
    const cv::Mat astronaut = cv::imread(data + "/astronaut.png");
    const cv::Mat messi = cv::imread(data + "/messi5.jpg");
    if (astronaut.empty() || messi.empty()) return;
    // Messi's face is ~35x40 px at (221, 89) in messi5.jpg: crop around
    // it and enlarge 3x, to about the astronaut's face size.
    cv::Mat messi_big;
    cv::resize(messi(cv::Rect(150, 30, 180, 170)), messi_big,
               cv::Size(540, 510), 0, 0, cv::INTER_CUBIC);
    pair_ = cv::Mat(512, kPairSplitX + 540, CV_8UC3, cv::Scalar(90, 90, 90));
    astronaut.copyTo(pair_(cv::Rect(0, 0, 512, 512)));
    messi_big.copyTo(pair_(cv::Rect(kPairSplitX, 0, 540, 510)));
    cv::imwrite(Path("pair.png"), pair_);
    // The reference: her face and hair, mirrored, at 0.75x, brighter.
    cv::Mat crop = astronaut(cv::Rect(120, 10, 220, 240)).clone();
    cv::Mat flipped, small, bright;
    cv::flip(crop, flipped, 1);
    cv::resize(flipped, small, cv::Size(), 0.75, 0.75, cv::INTER_AREA);
    small.convertTo(bright, -1, 1.0, 35);
    cv::imwrite(Path("reference.jpg"), bright);
    ready_ = true;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(suite_dir_); }

  void SetUp() override {
    ASSERT_TRUE(ready_) << "test photos missing: run scripts/fetch-testdata.sh";
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = suite_dir_ / info->name();
    std::filesystem::create_directories(dir_);
  }

  static std::string Path(const std::string& name) {
    return (suite_dir_ / name).string();
  }
  std::string Out(const std::string& name) const {
    return (dir_ / name).string();
  }

  static CommandRun Faceveil(const std::string& args) {
    return RunFaceveil(args);
  }

  // The report's lines, parsed.
  static std::vector<nlohmann::json> ReadReport(const std::string& path) {
    std::vector<nlohmann::json> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
      lines.push_back(nlohmann::json::parse(line));
    }
    return lines;
  }

  // A face's box from the report, shrunk by 10% on each side (what the
  // checks look at: well inside the detector's box).
  static cv::Rect Inner(const nlohmann::json& face) {
    const auto& b = face["box"];
    const double x = b[0], y = b[1], w = b[2], h = b[3];
    return cv::Rect(static_cast<int>(x + 0.1 * w),
                    static_cast<int>(y + 0.1 * h), static_cast<int>(0.8 * w),
                    static_cast<int>(0.8 * h));
  }
  static bool OnLeft(const nlohmann::json& face) {
    return face["box"][0].get<double>() + face["box"][2].get<double>() / 2 <
           kPairSplitX;
  }

  // Largest absolute difference of two images' pixels in `r`.
  static double MaxDiff(const cv::Mat& a, const cv::Mat& b, cv::Rect r) {
    double max = 0;
    cv::Mat diff;
    cv::absdiff(a(r), b(r), diff);
    cv::minMaxLoc(diff.reshape(1), nullptr, &max);
    return max;
  }
  static double MeanDiff(const cv::Mat& a, const cv::Mat& b, cv::Rect r) {
    cv::Mat diff;
    cv::absdiff(a(r), b(r), diff);
    const cv::Scalar m = cv::mean(diff);
    return (m[0] + m[1] + m[2]) / 3;
  }
  static double Brightest(const cv::Mat& image, cv::Rect r) {
    double max = 0;
    cv::minMaxLoc(image(r).reshape(1), nullptr, &max);
    return max;
  }

  static inline std::filesystem::path suite_dir_;
  static inline cv::Mat pair_;
  static inline bool ready_ = false;
  std::filesystem::path dir_;
};

}  // namespace faceveil::testing

#endif  // FACEVEIL_TESTS_CLI_PEOPLE_FIXTURE_H_
