// End-to-end: the faceveil command as a user runs it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <opencv2/imgcodecs.hpp>
#include <random>
#include <string>

#include "common/run_faceveil.h"
#include "test_images.h"

namespace {

namespace fs = std::filesystem;

using faceveil::testing::CommandRun;

CommandRun Faceveil(const std::string& args) {
  return faceveil::testing::RunFaceveil(args);
}

class AnonymizeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    root_ =
        fs::temp_directory_path() / ("faceveil_cli_" + std::to_string(rd()));
    fs::create_directories(root_ / "in");
    fs::copy_file(faceveil::testing::TestData("messi5.jpg"),
                  root_ / "in" / "messi.jpg");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(AnonymizeCliTest, OneFile) {
  const fs::path out = root_ / "messi-anon.jpg";
  CommandRun run =
      Faceveil("anonymize " + (root_ / "in" / "messi.jpg").string() + " -o " +
               out.string());
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("1 of 1 files anonymized"), std::string::npos)
      << run.out;
  EXPECT_FALSE(cv::imread(out.string()).empty());
}

TEST_F(AnonymizeCliTest, FolderWithABadFileExitsOne) {
  std::FILE* f = std::fopen((root_ / "in" / "broken.jpg").c_str(), "wb");
  std::fputs("\xff\xd8\xff garbage", f);
  std::fclose(f);
  CommandRun run = Faceveil("anonymize -q " + (root_ / "in").string() + " -o " +
                            (root_ / "out").string() + " --style pixelate");
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("broken.jpg"), std::string::npos) << run.out;
  EXPECT_TRUE(fs::exists(root_ / "out" / "messi.jpg"));
  EXPECT_FALSE(fs::exists(root_ / "out" / "broken.jpg"));
}

TEST_F(AnonymizeCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Faceveil("anonymize " + (root_ / "in").string()).exit_code, 2);
  EXPECT_EQ(Faceveil("anonymize x.jpg -o y.jpg --style smudge").exit_code, 2);
  EXPECT_EQ(Faceveil("anonymize x.jpg -o y.jpg --strength 0.1").exit_code, 2);
  EXPECT_EQ(Faceveil("anonymize /no/such/file.jpg -o y.jpg").exit_code, 2);
  EXPECT_EQ(Faceveil("frobnicate").exit_code, 2);
}

TEST_F(AnonymizeCliTest, HelpTeachesByExample) {
  CommandRun run = Faceveil("anonymize --help");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("Examples:"), std::string::npos);
  EXPECT_NE(run.out.find("--style"), std::string::npos);
  EXPECT_NE(run.out.find("--in-place"), std::string::npos);
}

}  // namespace
