#include "faceveil/batch.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <sstream>

#include "test_images.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;
using testing::ReadBytes;
using testing::TestData;
using testing::WriteBytes;

class BatchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto p = Pipeline::Create({});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    pipeline_ = std::move(p).value().release();
  }
  static void TearDownTestSuite() { delete pipeline_; }

  void SetUp() override {
    std::random_device rd;
    root_ =
        fs::temp_directory_path() / ("faceveil_batch_" + std::to_string(rd()));
    in_ = root_ / "in";
    fs::create_directories(in_ / "sub");
    fs::copy_file(TestData("astronaut.png"), in_ / "astronaut.png");
    fs::copy_file(TestData("messi5.jpg"), in_ / "sub" / "messi.jpg");
    std::vector<uint8_t> truncated = ReadBytes(TestData("messi5.jpg"));
    truncated.resize(2000);
    WriteBytes((in_ / "sub" / "truncated.jpg").string(), truncated);
    WriteBytes((in_ / "empty.png").string(), {});
    std::ofstream(in_ / "notes.txt") << "not an image";
  }
  void TearDown() override { fs::remove_all(root_); }

  BatchOptions Quiet() {
    BatchOptions options;
    options.quiet = true;
    options.jobs = 2;
    return options;
  }

  static std::vector<fs::path> FilesBelow(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file())
        files.push_back(e.path().lexically_relative(dir));
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  static Pipeline* pipeline_;
  fs::path root_, in_;
};
Pipeline* BatchTest::pipeline_ = nullptr;

TEST_F(BatchTest, MirrorsTheTreeAndReportsFailures) {
  BatchOptions options = Quiet();
  options.report_path = (root_ / "report.jsonl").string();
  auto summary =
      RunBatch(*pipeline_, {in_.string()}, (root_ / "out").string(), options);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->files, 4);  // notes.txt is not media
  EXPECT_EQ(summary->done, 2);
  EXPECT_EQ(summary->failed, 2);
  EXPECT_GE(summary->faces, 2);
  ASSERT_EQ(summary->failures.size(), 2u);

  // Only the outputs of the good files exist: no partial or temp files.
  const std::vector<fs::path> expected = {"astronaut.png", "sub/messi.jpg"};
  EXPECT_EQ(FilesBelow(root_ / "out"), expected);
  EXPECT_FALSE(
      cv::imread((root_ / "out" / "sub" / "messi.jpg").string()).empty());

  std::ifstream report(options.report_path);
  std::string line;
  int lines = 0, errors = 0;
  while (std::getline(report, line)) {
    ++lines;
    if (line.find("\"error\"") != std::string::npos) ++errors;
  }
  EXPECT_EQ(lines, 4);
  EXPECT_EQ(errors, 2);
  const std::string text = FormatSummary(*summary);
  EXPECT_NE(text.find("2 of 4 files anonymized"), std::string::npos) << text;
  EXPECT_NE(text.find("truncated.jpg"), std::string::npos) << text;
}

TEST_F(BatchTest, SkipsExistingOutputsUnlessOverwrite) {
  const fs::path out = root_ / "one.png";
  WriteBytes(out.string(), {1, 2, 3});
  auto skipped = RunBatch(*pipeline_, {(in_ / "astronaut.png").string()},
                          out.string(), Quiet());
  ASSERT_TRUE(skipped.ok());
  EXPECT_EQ(skipped->skipped_existing, 1);
  EXPECT_EQ(fs::file_size(out), 3u);

  BatchOptions options = Quiet();
  options.overwrite = true;
  auto replaced = RunBatch(*pipeline_, {(in_ / "astronaut.png").string()},
                           out.string(), options);
  ASSERT_TRUE(replaced.ok());
  EXPECT_EQ(replaced->done, 1);
  EXPECT_GT(fs::file_size(out), 1000u);
}

TEST_F(BatchTest, NeverWritesOverInputsUnlessInPlace) {
  const std::string input = (in_ / "astronaut.png").string();
  const auto original = ReadBytes(input);
  auto refused = RunBatch(*pipeline_, {input}, input, Quiet());
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(ReadBytes(input), original);

  BatchOptions options = Quiet();
  options.in_place = true;
  auto in_place = RunBatch(*pipeline_, {input}, "", options);
  ASSERT_TRUE(in_place.ok()) << in_place.status().ToString();
  EXPECT_EQ(in_place->done, 1);
  EXPECT_NE(ReadBytes(input), original);
}

TEST_F(BatchTest, HeicIsWrittenAsJpegAndFormatCanBeForced) {
  PipelineOptions po;
  po.output_format = ImageFormat::kWebp;
  auto webp = Pipeline::Create(po);
  ASSERT_TRUE(webp.ok());
  auto summary = RunBatch(**webp, {(in_ / "astronaut.png").string()},
                          (root_ / "out/").string(), Quiet());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_TRUE(fs::exists(root_ / "out" / "astronaut.webp"));
}

}  // namespace
}  // namespace faceveil

namespace faceveil {
namespace {

TEST_F(BatchTest, OutputFileNameChoosesTheFormat) {
  const fs::path out = root_ / "messi.png";
  auto summary = RunBatch(*pipeline_, {(in_ / "sub" / "messi.jpg").string()},
                          out.string(), Quiet());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const std::vector<uint8_t> bytes = ReadBytes(out.string());
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(SniffImageFormat(bytes), ImageFormat::kPng);
}

}  // namespace
}  // namespace faceveil
