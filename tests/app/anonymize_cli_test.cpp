// End-to-end: the faceveil command as a user runs it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
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

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

std::string ReadText(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST_F(AnonymizeCliTest, ReportNeverReplacesAnInputOrAnExistingFile) {
  const fs::path photo = root_ / "in" / "messi.jpg";
  const std::string before = ReadText(photo);
  // anonymize -o out/ --report *.jpg: the first photo named as the report.
  CommandRun run = Faceveil("anonymize -q -o " + Quote(root_ / "out") +
                            "/ --report " + Quote(photo) + " " + Quote(photo));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(run.out.find("is one of the inputs"), std::string::npos) << run.out;
  EXPECT_EQ(ReadText(photo), before);

  const fs::path out = root_ / "anon.jpg";
  run = Faceveil("anonymize -q " + Quote(photo) + " -o " + Quote(out) +
                 " --report " + Quote(out));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(run.out.find("is also an output"), std::string::npos) << run.out;

  const fs::path report = root_ / "faces.jsonl";
  std::ofstream(report) << "precious\n";
  run = Faceveil("anonymize -q " + Quote(photo) + " -o " + Quote(out) +
                 " --report " + Quote(report));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(run.out.find("exists already"), std::string::npos) << run.out;
  EXPECT_EQ(ReadText(report), "precious\n");
  EXPECT_FALSE(fs::exists(out));  // refused before any work

  run = Faceveil("anonymize -q " + Quote(photo) + " -o " + Quote(out) +
                 " --report " + Quote(report) + " --overwrite");
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(ReadText(report).find("\"faces\""), std::string::npos);
}

TEST_F(AnonymizeCliTest, FolderWithNothingToDoExitsOne) {
  fs::create_directories(root_ / "empty" / "sub");
  std::ofstream(root_ / "empty" / "sub" / "notes.txt") << "text";
  CommandRun run = Faceveil("anonymize " + Quote(root_ / "empty") + " -o " +
                            Quote(root_ / "out"));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("nothing to do in"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("no photo or video found"), std::string::npos)
      << run.out;
}

TEST_F(AnonymizeCliTest, SkippedFoldersAndLinksAreListed) {
  fs::create_directories(root_ / "elsewhere");
  fs::copy_file(root_ / "in" / "messi.jpg", root_ / "elsewhere" / "m.jpg");
  fs::create_directory_symlink(root_ / "elsewhere", root_ / "in" / "linked");
  fs::create_symlink(root_ / "gone.jpg", root_ / "in" / "dangling.jpg");
  const bool can_lock = ::geteuid() != 0;  // root reads any folder
  if (can_lock) {
    fs::create_directories(root_ / "in" / "locked");
    fs::permissions(root_ / "in" / "locked", fs::perms::none);
  }
  CommandRun run = Faceveil("anonymize -q " + Quote(root_ / "in") + " -o " +
                            Quote(root_ / "out"));
  if (can_lock) {
    fs::permissions(root_ / "in" / "locked", fs::perms::owner_all);
  }
  // Skipped entries are worth knowing but not a failure.
  EXPECT_EQ(run.exit_code, 0) << run.out;
  run = Faceveil("anonymize " + Quote(root_ / "in") + " -o " +
                 Quote(root_ / "out2"));
  EXPECT_NE(run.out.find("not walked"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("linked: link to a folder, not followed"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("dangling.jpg: broken link"), std::string::npos)
      << run.out;
  if (can_lock) {
    EXPECT_NE(run.out.find("locked: folder cannot be read"), std::string::npos)
        << run.out;
  }
  EXPECT_FALSE(fs::exists(root_ / "out2" / "linked"));
}

TEST_F(AnonymizeCliTest, ControlCharactersInNamesAreEscaped) {
  // A broken file whose name would print a fake summary line in red.
  const std::string evil =
      "x\n1 of 1 files anonymized, 0 faces\x1b[31m\xc2\x9b"
      "2J.jpg";
  std::FILE* f = std::fopen((root_ / "in" / evil).c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("\xff\xd8\xff garbage", f);
  std::fclose(f);
  CommandRun run = Faceveil("anonymize " + Quote(root_ / "in") + " -o " +
                            Quote(root_ / "out"));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_EQ(run.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(run.out.find("\xc2\x9b"), std::string::npos);
  for (const std::string& line : run.Lines()) {
    EXPECT_NE(line.rfind("1 of 1 files", 0), 0u) << "forged line: " << line;
  }
  EXPECT_NE(run.out.find("x\\n1 of 1 files anonymized, 0 faces\\x1b[31m"
                         "\\u009b2J.jpg"),
            std::string::npos)
      << run.out;
}

TEST_F(AnonymizeCliTest, OutputNamesMustFitWhatIsWritten) {
  const fs::path photo = root_ / "in" / "messi.jpg";
  CommandRun run = Faceveil("anonymize -q " + Quote(photo) + " -o " +
                            Quote(root_ / "x.gif"));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(run.out.find("cannot write x.gif"), std::string::npos) << run.out;
  EXPECT_FALSE(fs::exists(root_ / "x.gif"));

  // A folder into an existing file: one usage error, not one per photo.
  fs::copy_file(photo, root_ / "in" / "second.jpg");
  std::ofstream(root_ / "taken.jpg") << "x";
  run = Faceveil("anonymize -q " + Quote(root_ / "in") + " -o " +
                 Quote(root_ / "taken.jpg"));
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(run.out.find("names a file"), std::string::npos) << run.out;
  EXPECT_EQ(run.Lines().size(), 2u) << run.out;  // the error and the hint
  EXPECT_EQ(ReadText(root_ / "taken.jpg"), "x");
}

TEST_F(AnonymizeCliTest, WhatAnOutputLosesIsInTheSummary) {
  cv::Mat deep(64, 64, CV_16UC3, cv::Scalar(1000, 30000, 65535));
  ASSERT_TRUE(cv::imwrite((root_ / "in" / "deep.png").string(), deep));
  CommandRun run = Faceveil("anonymize " + Quote(root_ / "in") + " -o " +
                            Quote(root_ / "out"));
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("deep.png: 16-bit samples written with 8 bits"),
            std::string::npos)
      << run.out;
}

TEST_F(AnonymizeCliTest, KeepMetadataErrorsUseTheDocumentedNames) {
  CommandRun run = Faceveil("anonymize x.jpg -o y.jpg --keep-metadata all");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.out.find("keep-metadata must be none or safe, not 'all'"),
            std::string::npos)
      << run.out;
}

}  // namespace
