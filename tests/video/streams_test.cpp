// What TranscodeVideo keeps of the other streams (drone.mp4: audio, a GPS
// subtitle track, a second video track, timecode data), and how the output
// file itself is made: in place over the input, with the umask's mode.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <string>

#include "faceveil/video.h"
#include "video/clip_probe.h"
#include "video/clip_test.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;
using testing::ProbeClip;
using testing::ReadAll;

// The GPS latitude drone.mp4's subtitle track carries.
constexpr char kLatitude[] = "47.376";

// Paints the top-left corner white, so a processed output is recognisable.
FrameFunction Painter() {
  return FrameFunction([](cv::Mat& bgr, int64_t, double) {
    bgr(cv::Rect(0, 0, 64, 64)) = cv::Scalar(255, 255, 255);
    return Status::Ok();
  });
}

class StreamsTest : public faceveil::testing::ClipTest {};

TEST_F(StreamsTest, SubtitlesDataAndExtraVideoDroppedAudioBitIdentical) {
  auto in = ProbeClip(Clip("drone.mp4"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  // The clip is what a drone writes: GPS as text in a subtitle track.
  ASSERT_EQ(in->Count(AVMEDIA_TYPE_SUBTITLE), 1);
  ASSERT_EQ(in->Count(AVMEDIA_TYPE_VIDEO), 2);
  ASSERT_EQ(in->Count(AVMEDIA_TYPE_DATA), 2);
  ASSERT_NE(ReadAll(Clip("drone.mp4")).find(kLatitude), std::string::npos);

  FrameFunction painter = Painter();
  auto stats = TranscodeVideo(Clip("drone.mp4"), Out("out.mp4"), {}, painter);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto out = ProbeClip(Out("out.mp4"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->Count(AVMEDIA_TYPE_SUBTITLE), 0);
  EXPECT_EQ(out->Count(AVMEDIA_TYPE_DATA), 0);
  EXPECT_EQ(out->Count(AVMEDIA_TYPE_VIDEO), 1);
  EXPECT_EQ(ReadAll(Out("out.mp4")).find(kLatitude), std::string::npos)
      << "the GPS track survived";
  EXPECT_EQ(stats->streams_copied, 1);
  EXPECT_EQ(stats->subtitles_dropped, 1);
  EXPECT_EQ(stats->videos_dropped, 1);
  EXPECT_EQ(stats->data_dropped, 2);
  EXPECT_EQ(stats->streams_dropped, 4);

  // Audio: every packet bit for bit, with its timestamp.
  const auto* a = in->First(AVMEDIA_TYPE_AUDIO);
  const auto* b = out->First(AVMEDIA_TYPE_AUDIO);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_GT(a->packet_hashes.size(), 50u);
  EXPECT_EQ(b->packet_hashes, a->packet_hashes);
  EXPECT_EQ(b->packet_pts_s, a->packet_pts_s);
}

TEST_F(StreamsTest, KeepSubtitlesCopiesThemUntouched) {
  VideoOptions options;
  options.keep_subtitles = true;
  FrameFunction painter = Painter();
  auto stats =
      TranscodeVideo(Clip("drone.mp4"), Out("out.mp4"), options, painter);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto in = ProbeClip(Clip("drone.mp4"));
  auto out = ProbeClip(Out("out.mp4"));
  ASSERT_TRUE(in.ok() && out.ok());
  const auto* a = in->First(AVMEDIA_TYPE_SUBTITLE);
  const auto* b = out->First(AVMEDIA_TYPE_SUBTITLE);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->packet_hashes, a->packet_hashes);
  EXPECT_EQ(b->packet_pts_s, a->packet_pts_s);
  EXPECT_EQ(stats->streams_copied, 2);
  EXPECT_EQ(stats->subtitles_dropped, 0);
  EXPECT_EQ(stats->streams_dropped, 3);  // the extra video, the timecodes
  EXPECT_EQ(out->Count(AVMEDIA_TYPE_DATA), 0);
}

TEST_F(StreamsTest, InPlaceReplacesTheInputAtomically) {
  const std::string path = Out("clip.mp4");
  fs::copy_file(Clip("pan.mp4"), path);
  const std::string before = ReadAll(path);
  FrameFunction painter = Painter();

  // Without in_place an output that is the input is refused...
  VideoOptions overwrite;
  overwrite.overwrite = true;
  auto refused = TranscodeVideo(path, path, overwrite, painter);
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ReadAll(path), before);
  // ... and in_place with an output that is not the input too.
  VideoOptions in_place;
  in_place.in_place = true;
  auto elsewhere = TranscodeVideo(path, Out("other.mp4"), in_place, painter);
  EXPECT_EQ(elsewhere.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(fs::exists(Out("other.mp4")));

  // A failure half-way leaves the input as it was.
  FrameFunction failing([](cv::Mat&, int64_t index, double) {
    return index == 20 ? Status::Internal("stop") : Status::Ok();
  });
  EXPECT_FALSE(TranscodeVideo(path, path, in_place, failing).ok());
  EXPECT_EQ(ReadAll(path), before);
  EXPECT_EQ(FilesInDir(), 1u);

  auto stats = TranscodeVideo(path, path, in_place, painter);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->frames, 50);
  EXPECT_NE(ReadAll(path), before);
  auto out = ProbeClip(path);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->First(AVMEDIA_TYPE_VIDEO)->packet_hashes.size(), 50u);
  EXPECT_EQ(FilesInDir(), 1u);  // no temporary file left
}

TEST_F(StreamsTest, OutputFollowsTheUmaskAsPhotosDo) {
  const mode_t saved = ::umask(027);
  FrameFunction painter = Painter();
  auto stats = TranscodeVideo(Clip("small.webm"), Out("out.mkv"), {}, painter);
  ::umask(saved);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  struct stat st;
  ASSERT_EQ(::stat(Out("out.mkv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);  // 0644 less the umask
}

}  // namespace
}  // namespace faceveil
