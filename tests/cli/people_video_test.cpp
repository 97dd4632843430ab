// --keep-person in a video: decided per track, so the kept face is left as
// it was in every frame, the frames between key frames included (where no
// face is embedded), and every other face is hidden in every frame.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <opencv2/videoio.hpp>
#include <string>

#include "cli/people_fixture.h"

namespace faceveil::testing {
namespace {

class KeepPersonVideoTest : public PeopleTest {
 protected:
  // A 2 s, 10 fps clip of the two-person photo, lossless (FFV1) so that
  // any change in the output comes from faceveil.
  std::string MakeClip() {
    const std::string clip = Out("pair.mkv");
    const std::string cmd =
        "ffmpeg -hide_banner -loglevel error -nostdin -y -loop 1 "
        "-framerate 10 -i '" +
        Path("pair.png") + "' -t 2 -pix_fmt yuv444p -c:v ffv1 '" + clip + "'";
    return std::system(cmd.c_str()) == 0 ? clip : "";
  }
};

TEST_F(KeepPersonVideoTest, KeptFaceUnchangedAndOtherHiddenInEveryFrame) {
  const std::string clip = MakeClip();
  ASSERT_FALSE(clip.empty()) << "ffmpeg CLI needed (scripts/setup.sh --test)";
  // The faces' boxes, from the photo the clip shows.
  const CommandRun detect = Faceveil("detect '" + Path("pair.png") + "'");
  ASSERT_EQ(detect.exit_code, 0) << detect.out;
  const nlohmann::json faces =
      nlohmann::json::parse(detect.Lines().back())["faces"];
  ASSERT_EQ(faces.size(), 2u) << faces.dump();
  const cv::Rect kept = Inner(OnLeft(faces[0]) ? faces[0] : faces[1]);
  const cv::Rect other = Inner(OnLeft(faces[0]) ? faces[1] : faces[0]);

  // Full detection (and embedding) on every 5th frame only.
  const std::string out = Out("out.mp4");
  const CommandRun run =
      Faceveil("anonymize '" + clip + "' -o '" + out + "' --keep-person '" +
               Path("reference.jpg") +
               "' --detect-every 5 --crf 0 --style solid --color black");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("(1 left visible)"), std::string::npos) << run.out;

  cv::VideoCapture video(out);
  ASSERT_TRUE(video.isOpened());
  int frames = 0;
  for (cv::Mat frame; video.read(frame); ++frames) {
    SCOPED_TRACE("frame " + std::to_string(frames));
    ASSERT_EQ(frame.size(), pair_.size());
    // H.264 at CRF 0 in 4:2:0 with a colour conversion each way: the kept
    // face differs from the photo by rounding only (a blur or fill would
    // change it by tens of levels).
    EXPECT_LT(MeanDiff(frame, pair_, kept), 3.0);
    EXPECT_LT(Brightest(frame, other), 40);
  }
  EXPECT_EQ(frames, 20);
}

}  // namespace
}  // namespace faceveil::testing
