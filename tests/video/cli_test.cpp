// `faceveil anonymize` on real clips, end to end: the per-video summary, the
// quiet flag, and a folder mixing photos and videos.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/run_faceveil.h"
#include "video/clip_test.h"

namespace {

namespace fs = std::filesystem;

using faceveil::testing::CommandRun;

CommandRun Faceveil(const std::string& args) {
  return faceveil::testing::RunFaceveil(args);
}

class VideoCliTest : public faceveil::testing::ClipTest {};

TEST_F(VideoCliTest, ClipPrintsItsSummary) {
  const fs::path out = dir_ / "out.mp4";
  CommandRun run =
      Faceveil("anonymize '" + Clip("pan.mp4") + "' -o '" + out.string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  ASSERT_TRUE(fs::exists(out));
  // Frames, video duration, speed, faces, streams copied, size written.
  EXPECT_NE(run.out.find("pan.mp4: 50 frames (0:02 of video) in "),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find(" fps; "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(" followed, up to "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("; 1 stream copied; "), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("dropped"), std::string::npos)  // nothing was
      << run.out;
  EXPECT_NE(run.out.find(" kB written"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1 of 1 files anonymized"), std::string::npos)
      << run.out;
}

TEST_F(VideoCliTest, SummarySaysWhatWasDroppedAndKeepSubtitlesKeepsThem) {
  CommandRun run = Faceveil("anonymize '" + Clip("drone.mp4") + "' -o '" +
                            (dir_ / "out.mp4").string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("; 1 stream copied; dropped 1 subtitle stream "
                         "(drones write GPS there; --keep-subtitles keeps "
                         "them), 1 more video track (only the first is "
                         "anonymized), 2 data streams (may hold GPS); "),
            std::string::npos)
      << run.out;

  run = Faceveil("anonymize --keep-subtitles '" + Clip("drone.mp4") + "' -o '" +
                 (dir_ / "kept.mp4").string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("; 2 streams copied; dropped 1 more video track "),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("subtitle"), std::string::npos) << run.out;
}

TEST_F(VideoCliTest, QuietPrintsNothing) {
  CommandRun run = Faceveil("anonymize -q '" + Clip("pan.mp4") + "' -o '" +
                            (dir_ / "out.mp4").string() + "'");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(fs::exists(dir_ / "out.mp4"));
}

TEST_F(VideoCliTest, FolderOfPhotosAndVideos) {
  const fs::path in = dir_ / "in";
  fs::create_directories(in / "clips");
  fs::copy_file(std::string(FACEVEIL_TESTDATA_DIR) + "/astronaut.png",
                in / "astronaut.png");
  fs::copy_file(Clip("pan.mp4"), in / "clips" / "pan.mp4");
  fs::copy_file(Clip("small.avi"), in / "clips" / "small.avi");
  CommandRun run = Faceveil("anonymize '" + in.string() + "' -o '" +
                            (dir_ / "out").string() + "' --detect-every 2");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_TRUE(fs::exists(dir_ / "out" / "astronaut.png"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "clips" / "pan.mp4"));
  EXPECT_TRUE(fs::exists(dir_ / "out" / "clips" / "small.avi"));
  EXPECT_NE(run.out.find("pan.mp4: 50 frames"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("small.avi: 25 frames"), std::string::npos) << run.out;
  // The file count at the end (plain lines: not a terminal).
  EXPECT_NE(run.out.find("progress: 3/3 files"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("3 of 3 files anonymized"), std::string::npos)
      << run.out;
}

}  // namespace
