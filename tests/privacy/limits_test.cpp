// Every documented limit (docs/LIMITS.md) refuses with a clear error, and
// leaves nothing behind: pixels per photo (library and `faceveil anonymize
// --max-pixels`), file bytes in a batch, video frame size. The server's
// limits (upload bytes, pixels, concurrent work) are in
// tests/server/errors_test.cpp and tests/server/limits_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "faceveil/image.h"
#include "faceveil/status.h"
#include "faceveil/video.h"
#include "privacy/privacy_util.h"
#include "server/serve_process.h"

namespace faceveil::testing {
namespace {

const std::string kTestData = FACEVEIL_TESTDATA_DIR;

TEST(LimitsTest, PixelLimitRefusesBeforeDecoding) {
  std::ifstream in(kTestData + "/astronaut.png", std::ios::binary);
  const std::vector<uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
  ASSERT_FALSE(bytes.empty());
  DecodeOptions options;
  options.max_pixels = 512 * 512 - 1;
  auto refused = DecodeImage(bytes, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kTooLarge);
  EXPECT_NE(refused.status().message().find("512x512"), std::string::npos)
      << refused.status().ToString();
  options.max_pixels = 512 * 512;
  EXPECT_TRUE(DecodeImage(bytes, options).ok()) << "the limit is inclusive";
}

TEST(LimitsTest, FileBytesLimitRefuses) {
  auto refused = ReadFileBytes(kTestData + "/messi5.jpg", 1000);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kTooLarge);
}

TEST(LimitsTest, AnonymizeMaxPixelsFailsTheFileAndWritesNothing) {
  const fs::path root = MakeTestRoot("limits-cli");
  ASSERT_FALSE(root.empty());
  ChildProcess child(
      {FACEVEIL_BINARY, "anonymize", "--max-pixels", "10000",
       kTestData + "/messi5.jpg", "-o", (root / "out.jpg").string()},
      "", ChildEnv());
  ASSERT_TRUE(child.ok());
  const int status = child.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_NE(WEXITSTATUS(status), 0) << "a refused file fails the run";
  EXPECT_NE(child.err().find("too large"), std::string::npos) << child.err();
  EXPECT_FALSE(fs::exists(root / "out.jpg"));
  fs::remove_all(root);
}

TEST(LimitsTest, VideoFrameSizeLimitRefusesAndLeavesNoOutput) {
  const std::string clip = kTestData + "/clips/v2/small.webm";
  if (!fs::exists(clip)) {
    GTEST_SKIP() << "no test clips (scripts/make-test-clips.sh makes them)";
  }
  const fs::path root = MakeTestRoot("limits-video");
  ASSERT_FALSE(root.empty());
  VideoOptions options;
  options.max_pixels = 16 * 16;
  FrameFunction keep([](cv::Mat&, int64_t, double) { return Status::Ok(); });
  auto stats =
      TranscodeVideo(clip, (root / "out.webm").string(), options, keep);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().code(), Status::Code::kTooLarge)
      << stats.status().ToString();
  EXPECT_TRUE(Snapshot(root).empty()) << "no output, no temporary file";
  fs::remove_all(root);
}

}  // namespace
}  // namespace faceveil::testing
