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

  // The report of that clip: one line, whose tracks say per face followed,
  // not per frame, who was kept: the astronaut (left) matched person 1 and
  // visible in all 20 frames, every other face unmatched and hidden in all
  // of them.
  static void CheckPerTrackReport(const std::string& report) {
    const auto lines = ReadReport(report);
    ASSERT_EQ(lines.size(), 1u);
    const nlohmann::json& line = lines[0];
    SCOPED_TRACE(line.dump());
    EXPECT_EQ(line["frames"], 20);
    EXPECT_EQ(line["tracks_visible"], 1);
    // Hers, Messi's and one more face BlazeFace finds in his photo.
    ASSERT_GE(line["tracks"].size(), 2u);
    int kept = 0;
    for (const nlohmann::json& track : line["tracks"]) {
      EXPECT_EQ(track["frames"], nlohmann::json::array({0, 19}));
      EXPECT_EQ(track["key_frames"], 4);  // frames 0, 5, 10, 15
      EXPECT_LE(track["embedded"], 4);
      ASSERT_EQ(track["decisions"].size(), 1u);  // no flicker
      const nlohmann::json& only = track["decisions"][0];
      EXPECT_EQ(only["frames"], track["frames"]);
      EXPECT_EQ(only["hidden"], track["hidden"]);
      EXPECT_EQ(only["distance"], track["distance"]);
      if (!track["hidden"].get<bool>()) {
        ++kept;
        EXPECT_TRUE(track["matched"].get<bool>());
        EXPECT_EQ(track["person"], 1);
        EXPECT_LE(track["distance"].get<double>(), 0.35);
        EXPECT_EQ(track["visible_frames"], 20);
      } else {
        EXPECT_FALSE(track["matched"].get<bool>());
        EXPECT_FALSE(track.contains("person"));
        EXPECT_GT(track["distance"].get<double>(), 0.35);
        EXPECT_EQ(track["visible_frames"], 0);
      }
    }
    EXPECT_EQ(kept, 1);
  }

  // A face's box from a report, in whole pixels.
  static cv::Rect Box(const nlohmann::json& face) {
    const auto& b = face["box"];
    return cv::Rect(static_cast<int>(b[0].get<double>()),
                    static_cast<int>(b[1].get<double>()),
                    static_cast<int>(b[2].get<double>()),
                    static_cast<int>(b[3].get<double>()));
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
  const std::string report = Out("r.jsonl");
  const CommandRun run =
      Faceveil("anonymize '" + clip + "' -o '" + out + "' --keep-person '" +
               Path("reference.jpg") + "' --report '" + report +
               "' --detect-every 5 --crf 0 --style solid --color black");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("faces followed (1 left visible)"), std::string::npos)
      << run.out;
  CheckPerTrackReport(report);

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

// The kept person leaves and a stranger appears in the same place (a cut
// at 1 s, a key frame): the tracker hands the kept track on to Messi, who
// must not inherit "kept". He is hidden from his first frame, the report
// shows the one track with its two decisions, and the summary counts it as
// left visible (it was, while it showed her). Under the earlier rule (the
// median of three key frames, 1.5x hysteresis) he stayed visible until the
// key frame after, frames 10-14.
TEST_F(KeepPersonVideoTest, StrangerTakingOverTheKeptTrackIsHiddenAtOnce) {
  // Her half of the two-person photo, and his half moved so that his face
  // lies where hers was (their boxes from the photo).
  const CommandRun detect = Faceveil("detect '" + Path("pair.png") + "'");
  ASSERT_EQ(detect.exit_code, 0) << detect.out;
  const nlohmann::json faces =
      nlohmann::json::parse(detect.Lines().back())["faces"];
  ASSERT_EQ(faces.size(), 2u) << faces.dump();
  const bool first_is_hers = OnLeft(faces[0]);
  const cv::Rect her_box = Box(faces[first_is_hers ? 0 : 1]);
  const cv::Rect his_box =
      Box(faces[first_is_hers ? 1 : 0]) - cv::Point(kPairSplitX, 0);
  const cv::Mat her = pair_(cv::Rect(0, 0, kPairSplitX, pair_.rows)).clone();
  cv::imwrite(Out("her.png"), her);
  const cv::Mat messi = pair_(cv::Rect(kPairSplitX, 0, 540, 510)).clone();
  cv::Mat him(her.size(), her.type(), cv::Scalar(90, 90, 90));
  const cv::Point shift =
      (her_box.tl() + her_box.br()) / 2 - (his_box.tl() + his_box.br()) / 2;
  const cv::Mat move = (cv::Mat_<double>(2, 3) << 1, 0, shift.x, 0, 1, shift.y);
  cv::warpAffine(messi, him, move, him.size(), cv::INTER_NEAREST,
                 cv::BORDER_TRANSPARENT);
  cv::imwrite(Out("him.png"), him);
  const cv::Rect his_place = his_box + shift;
  ASSERT_GT((his_place & her_box).area(), his_place.area() / 2)
      << "his face must be where hers was";

  // 1 s of her, 1 s of him, 10 fps, lossless.
  const std::string clip = Out("swap.mkv");
  const std::string make =
      "ffmpeg -hide_banner -loglevel error -nostdin -y -loop 1 -framerate 10 "
      "-t 1 -i '" +
      Out("her.png") + "' -loop 1 -framerate 10 -t 1 -i '" + Out("him.png") +
      "' -filter_complex concat=n=2:v=1 -pix_fmt yuv444p -c:v ffv1 '" + clip +
      "'";
  ASSERT_EQ(std::system(make.c_str()), 0)
      << "ffmpeg CLI needed (scripts/setup.sh --test)";
  const std::string out = Out("out.mp4"), report = Out("r.jsonl");
  const CommandRun run =
      Faceveil("anonymize '" + clip + "' -o '" + out + "' --keep-person '" +
               Path("reference.jpg") + "' --report '" + report +
               "' --detect-every 5 --crf 0 --style solid --color black");
  ASSERT_EQ(run.exit_code, 0) << run.out;

  // One track, handed over at frame 10: kept, then hidden.
  const auto lines = ReadReport(report);
  ASSERT_EQ(lines.size(), 1u);
  SCOPED_TRACE(lines[0].dump());
  ASSERT_EQ(lines[0]["tracks"].size(), 1u) << "the tracker did not hand over";
  const nlohmann::json& track = lines[0]["tracks"][0];
  EXPECT_EQ(track["frames"], nlohmann::json::array({0, 19}));
  EXPECT_TRUE(track["matched"].get<bool>());
  EXPECT_FALSE(track["hidden"].get<bool>());
  EXPECT_EQ(track["visible_frames"], 10);
  ASSERT_EQ(track["decisions"].size(), 2u);
  const nlohmann::json& kept = track["decisions"][0];
  const nlohmann::json& taken = track["decisions"][1];
  EXPECT_EQ(kept["frames"], nlohmann::json::array({0, 9}));
  EXPECT_FALSE(kept["hidden"].get<bool>());
  EXPECT_EQ(kept["person"], 1);
  EXPECT_EQ(taken["frames"], nlohmann::json::array({10, 19}));
  EXPECT_TRUE(taken["hidden"].get<bool>());
  EXPECT_FALSE(taken["matched"].get<bool>());
  EXPECT_GT(taken["distance"].get<double>(), 0.35);
  EXPECT_EQ(lines[0]["tracks_visible"], 1);

  // The pixels: her face as it was in frames 0-9, his dark in 10-19.
  const cv::Rect inner(his_place.x + his_place.width / 10,
                       his_place.y + his_place.height / 10,
                       his_place.width * 8 / 10, his_place.height * 8 / 10);
  cv::VideoCapture video(out);
  ASSERT_TRUE(video.isOpened());
  int frames = 0;
  for (cv::Mat frame; video.read(frame); ++frames) {
    SCOPED_TRACE("frame " + std::to_string(frames));
    if (frames < 10) {
      EXPECT_LT(MeanDiff(frame, her, her_box), 3.0);
    } else {
      EXPECT_LT(Brightest(frame, inner), 40);
    }
  }
  EXPECT_EQ(frames, 20);
}

}  // namespace
}  // namespace faceveil::testing
