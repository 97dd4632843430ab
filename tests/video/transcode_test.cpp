// End-to-end tests of TranscodeVideo on clips made from a real photo by
// scripts/make-test-clips.sh; outputs are read back with libav* directly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "faceveil/video.h"
#include "video/clip_probe.h"
#include "video/clip_test.h"

namespace faceveil {
namespace {

namespace fs = std::filesystem;
using testing::ClipProbe;
using testing::DecodeClip;
using testing::ProbeClip;
using testing::ReadAll;

const cv::Rect kMark(40, 30, 100, 60);   // upright coordinates
const cv::Scalar kMagenta(255, 0, 255);  // BGR

// Paints kMark solid magenta and records what it was given.
class MarkingProcessor : public FrameProcessor {
 public:
  Status Process(cv::Mat& bgr, int64_t index, double time_s) override {
    if (index == 0) first = bgr.clone();
    bgr(kMark) = kMagenta;
    indices.push_back(index);
    times.push_back(time_s);
    sizes.push_back(bgr.size());
    return Status::Ok();
  }
  cv::Mat first;
  std::vector<int64_t> indices;
  std::vector<double> times;
  std::vector<cv::Size> sizes;
};

bool HasMark(const cv::Mat& upright) {
  if (upright.cols < kMark.br().x || upright.rows < kMark.br().y) return false;
  // Inset: chroma subsampling and compression blur the edges.
  cv::Scalar mean = cv::mean(upright(
      cv::Rect(kMark.x + 4, kMark.y + 4, kMark.width - 8, kMark.height - 8)));
  return cv::norm(mean - kMagenta) < 30;
}

std::vector<double> Sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class TranscodeTest : public faceveil::testing::ClipTest {};

TEST_F(TranscodeTest, Mp4KeepsAudioFramesAndTimestamps) {
  MarkingProcessor marker;
  int64_t progress_calls = 0;
  auto stats = TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), {}, marker,
                              [&](const VideoProgress& p) {
                                EXPECT_EQ(p.frames_done, ++progress_calls);
                                EXPECT_NEAR(p.duration_s, 2.0, 0.1);
                                return true;
                              });
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto in = ProbeClip(Clip("pan.mp4"));
  auto out = ProbeClip(Out("out.mp4"));
  ASSERT_TRUE(in.ok() && out.ok());

  const auto* in_video = in->First(AVMEDIA_TYPE_VIDEO);
  const auto* out_video = out->First(AVMEDIA_TYPE_VIDEO);
  ASSERT_NE(out_video, nullptr);
  EXPECT_EQ(out_video->codec, "h264");
  EXPECT_EQ(stats->frames, 50);
  EXPECT_EQ(progress_calls, 50);
  EXPECT_EQ(in_video->packet_hashes.size(), 50u);
  EXPECT_EQ(out_video->packet_hashes.size(), 50u);
  auto in_pts = Sorted(in_video->packet_pts_s);
  auto out_pts = Sorted(out_video->packet_pts_s);
  ASSERT_EQ(in_pts.size(), out_pts.size());
  for (size_t i = 0; i < in_pts.size(); ++i) {
    EXPECT_NEAR(out_pts[i], in_pts[i], 1e-3) << "frame " << i;
  }
  EXPECT_NEAR(out->duration_s, in->duration_s, 0.04);

  // Audio: copied bit for bit, same timestamps.
  const auto* in_audio = in->First(AVMEDIA_TYPE_AUDIO);
  const auto* out_audio = out->First(AVMEDIA_TYPE_AUDIO);
  ASSERT_NE(in_audio, nullptr);
  ASSERT_NE(out_audio, nullptr);
  EXPECT_EQ(out_audio->codec, "aac");
  EXPECT_GT(in_audio->packet_hashes.size(), 50u);
  EXPECT_EQ(out_audio->packet_hashes, in_audio->packet_hashes);
  EXPECT_EQ(out_audio->packet_pts_s, in_audio->packet_pts_s);
  EXPECT_EQ(stats->streams_copied, 1);

  // The processor saw every frame once, in order, with increasing times.
  ASSERT_EQ(marker.indices.size(), 50u);
  for (size_t i = 0; i < marker.indices.size(); ++i) {
    EXPECT_EQ(marker.indices[i], static_cast<int64_t>(i));
    EXPECT_EQ(marker.sizes[i], cv::Size(640, 360));
    EXPECT_NEAR(marker.times[i], i / 25.0, 1e-3);
  }
  // And what it painted is in every output frame.
  int marked = 0;
  auto decoded = DecodeClip(Out("out.mp4"), [&](const cv::Mat& bgr, double) {
    marked += HasMark(bgr);
  });
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, 50);
  EXPECT_EQ(marked, 50);
  EXPECT_EQ(FilesInDir(), 1u);  // no temporary file left behind
}

TEST_F(TranscodeTest, StripsLocationAndDeviceMetadata) {
  const std::string coordinates = "+48.8584+002.2945";
  auto in = ProbeClip(Clip("pan.mov"));
  ASSERT_TRUE(in.ok());
  // The input really carries what must go.
  ASSERT_EQ(in->metadata.count("com.apple.quicktime.location.ISO6709"), 1u);
  ASSERT_EQ(in->metadata.count("location"), 1u);
  ASSERT_EQ(in->metadata.count("com.apple.quicktime.model"), 1u);
  ASSERT_NE(ReadAll(Clip("pan.mov")).find(coordinates), std::string::npos);

  for (bool keep : {false, true}) {
    SCOPED_TRACE(keep ? "keep_metadata" : "default");
    VideoOptions options;
    options.keep_metadata = keep;
    MarkingProcessor marker;
    const std::string path = Out(keep ? "keep.mov" : "strip.mov");
    auto stats = TranscodeVideo(Clip("pan.mov"), path, options, marker);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    auto out = ProbeClip(path);
    ASSERT_TRUE(out.ok());
    for (const auto& [key, value] : out->metadata) {
      EXPECT_EQ(key.find("location"), std::string::npos) << key;
      EXPECT_EQ(key.find("make"), std::string::npos) << key;
      EXPECT_EQ(key.find("model"), std::string::npos) << key;
      EXPECT_EQ(key.find("software"), std::string::npos) << key;
    }
    EXPECT_EQ(ReadAll(path).find(coordinates), std::string::npos);
    EXPECT_EQ(ReadAll(path).find("iPhone"), std::string::npos);
    EXPECT_EQ(out->metadata.count("title"), keep ? 1u : 0u);
    ASSERT_NE(out->First(AVMEDIA_TYPE_AUDIO), nullptr);
  }
}

TEST_F(TranscodeTest, RotatedPhoneVideoIsUprightForProcessorAndKeepsMatrix) {
  auto in = ProbeClip(Clip("rotated.mp4"));
  ASSERT_TRUE(in.ok());
  ASSERT_TRUE(in->First(AVMEDIA_TYPE_VIDEO)->has_display_matrix);
  const double ccw = in->First(AVMEDIA_TYPE_VIDEO)->display_rotation_ccw;

  MarkingProcessor marker;
  auto stats = TranscodeVideo(Clip("rotated.mp4"), Out("out.mp4"), {}, marker);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  // ffmpeg 5.1's `-metadata:s:v rotate=90` stores a matrix that players
  // turn 90 degrees counter-clockwise (270 clockwise).
  const int clockwise = (360 - static_cast<int>(std::lround(ccw))) % 360;
  EXPECT_EQ(clockwise, 270);
  EXPECT_EQ(stats->rotation_degrees, clockwise);
  ASSERT_FALSE(marker.sizes.empty());
  EXPECT_EQ(marker.sizes[0], cv::Size(360, 640));

  // Upright as ffmpeg's own CLI shows it (autorotate), not the other way.
  cv::Mat reference = cv::imread(Clip("rotated-first.png"));
  ASSERT_EQ(reference.size(), marker.first.size());
  cv::Mat diff;
  cv::absdiff(reference, marker.first, diff);
  EXPECT_LT(cv::mean(diff)[0], 4.0);
  cv::Mat wrong;
  cv::rotate(marker.first, wrong, cv::ROTATE_180);
  cv::absdiff(reference, wrong, diff);
  EXPECT_GT(cv::mean(diff)[0], 20.0);  // the comparison can tell

  // MP4 keeps the stored orientation and the display matrix.
  auto out = ProbeClip(Out("out.mp4"));
  ASSERT_TRUE(out.ok());
  const auto* video = out->First(AVMEDIA_TYPE_VIDEO);
  ASSERT_TRUE(video->has_display_matrix);
  EXPECT_DOUBLE_EQ(video->display_rotation_ccw, ccw);
  int marked = 0, frames = 0;
  auto decoded = DecodeClip(Out("out.mp4"), [&](const cv::Mat& stored, double) {
    EXPECT_EQ(stored.size(), cv::Size(640, 360));
    cv::Mat upright;
    cv::rotate(stored, upright, cv::ROTATE_90_COUNTERCLOCKWISE);  // 270 cw
    marked += HasMark(upright);
    ++frames;
  });
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(frames, 50);
  EXPECT_EQ(marked, 50);

  // Matroska cannot carry the matrix: it gets upright pixels instead.
  MarkingProcessor marker2;
  ASSERT_TRUE(
      TranscodeVideo(Clip("rotated.mp4"), Out("out.mkv"), {}, marker2).ok());
  auto mkv = ProbeClip(Out("out.mkv"));
  ASSERT_TRUE(mkv.ok());
  EXPECT_FALSE(mkv->First(AVMEDIA_TYPE_VIDEO)->has_display_matrix);
  marked = 0;
  decoded = DecodeClip(Out("out.mkv"), [&](const cv::Mat& stored, double) {
    EXPECT_EQ(stored.size(), cv::Size(360, 640));
    marked += HasMark(stored);
  });
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, 50);
  EXPECT_EQ(marked, 50);
}

TEST_F(TranscodeTest, VariableFrameRateMkvKeepsTimestampsAndSubtitles) {
  MarkingProcessor marker;
  VideoOptions options;
  options.keep_subtitles = true;  // dropped by default (streams_test.cpp)
  auto stats =
      TranscodeVideo(Clip("vfr-subs.mkv"), Out("out.mkv"), options, marker);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->video_codec, "mpeg4");
  auto in = ProbeClip(Clip("vfr-subs.mkv"));
  auto out = ProbeClip(Out("out.mkv"));
  ASSERT_TRUE(in.ok() && out.ok());

  auto in_pts = Sorted(in->First(AVMEDIA_TYPE_VIDEO)->packet_pts_s);
  auto out_pts = Sorted(out->First(AVMEDIA_TYPE_VIDEO)->packet_pts_s);
  ASSERT_EQ(out_pts.size(), in_pts.size());
  ASSERT_GT(in_pts.size(), 25u);
  // The clip really is VFR: 40 ms steps, then longer ones.
  EXPECT_NEAR(in_pts[1] - in_pts[0], 0.04, 2e-3);
  EXPECT_GT(in_pts.back() - in_pts[in_pts.size() - 2], 0.07);
  // Matroska cannot start below 0, so the muxer may shift every stream by
  // the same small amount (here the Opus pre-skip); intervals and sync stay.
  const double shift = out_pts[0] - in_pts[0];
  EXPECT_LT(std::abs(shift), 0.05);
  for (size_t i = 0; i < in_pts.size(); ++i) {
    EXPECT_NEAR(out_pts[i] - shift, in_pts[i], 1e-3) << "frame " << i;
  }
  for (AVMediaType type : {AVMEDIA_TYPE_AUDIO, AVMEDIA_TYPE_SUBTITLE}) {
    const auto* a = in->First(type);
    const auto* b = out->First(type);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr) << av_get_media_type_string(type) << " lost";
    EXPECT_EQ(b->codec, a->codec);
    EXPECT_EQ(b->packet_hashes, a->packet_hashes);
    ASSERT_EQ(b->packet_pts_s.size(), a->packet_pts_s.size());
    for (size_t i = 0; i < a->packet_pts_s.size(); ++i) {
      EXPECT_NEAR(b->packet_pts_s[i] - shift, a->packet_pts_s[i], 1e-3);
    }
  }
  EXPECT_EQ(out->First(AVMEDIA_TYPE_SUBTITLE)->packet_hashes.size(), 2u);
  EXPECT_EQ(stats->streams_copied, 2);
}

TEST_F(TranscodeTest, WebmAndAviInputsAndOutputs) {
  MarkingProcessor m1, m2, m3;
  auto webm_to_mkv =
      TranscodeVideo(Clip("small.webm"), Out("webm.mkv"), {}, m1);
  ASSERT_TRUE(webm_to_mkv.ok()) << webm_to_mkv.status().ToString();
  EXPECT_EQ(webm_to_mkv->video_codec, "vp8");
  EXPECT_EQ(webm_to_mkv->frames, 25);
  auto webm_to_mp4 =
      TranscodeVideo(Clip("small.webm"), Out("webm.mp4"), {}, m1);
  ASSERT_TRUE(webm_to_mp4.ok()) << webm_to_mp4.status().ToString();
  EXPECT_EQ(webm_to_mp4->streams_copied, 1);  // Opus in MP4

  // WebM output is VP9, the audio (Opus) copied.
  auto webm_to_webm =
      TranscodeVideo(Clip("small.webm"), Out("out.webm"), {}, m2);
  ASSERT_TRUE(webm_to_webm.ok()) << webm_to_webm.status().ToString();
  auto webm = ProbeClip(Out("out.webm"));
  ASSERT_TRUE(webm.ok());
  EXPECT_EQ(webm->First(AVMEDIA_TYPE_VIDEO)->codec, "vp9");
  ASSERT_NE(webm->First(AVMEDIA_TYPE_AUDIO), nullptr);
  EXPECT_EQ(webm->First(AVMEDIA_TYPE_AUDIO)->codec, "opus");
  int marked = 0;
  auto decoded = DecodeClip(Out("out.webm"), [&](const cv::Mat& bgr, double) {
    marked += HasMark(bgr);
  });
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, 25);
  EXPECT_EQ(marked, 25);

  // AVI (MJPEG + PCM) into QuickTime, which holds PCM.
  auto avi_to_mov = TranscodeVideo(Clip("small.avi"), Out("avi.mov"), {}, m3);
  ASSERT_TRUE(avi_to_mov.ok()) << avi_to_mov.status().ToString();
  EXPECT_EQ(avi_to_mov->video_codec, "mjpeg");
  auto mov = ProbeClip(Out("avi.mov"));
  ASSERT_TRUE(mov.ok());
  EXPECT_EQ(mov->First(AVMEDIA_TYPE_AUDIO)->codec, "pcm_s16le");
}

TEST_F(TranscodeTest, StreamsTheContainerCannotHoldAreAnErrorUnlessDropped) {
  MarkingProcessor marker;
  // SubRip has no MP4 form (MP4 wants mov_text).
  VideoOptions keep;
  keep.keep_subtitles = true;
  auto subs =
      TranscodeVideo(Clip("vfr-subs.mkv"), Out("subs.mp4"), keep, marker);
  ASSERT_FALSE(subs.ok());
  EXPECT_EQ(subs.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(subs.status().message().find("subrip"), std::string::npos)
      << subs.status().ToString();
  EXPECT_TRUE(marker.indices.empty());

  auto refused = TranscodeVideo(Clip("small.avi"), Out("out.mp4"), {}, marker);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(refused.status().message().find("pcm_s16le"), std::string::npos)
      << refused.status().ToString();
  EXPECT_EQ(FilesInDir(), 0u);

  VideoOptions options;
  options.drop_unsupported_streams = true;
  auto dropped =
      TranscodeVideo(Clip("small.avi"), Out("out.mp4"), options, marker);
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_EQ(dropped->streams_dropped, 1);
  EXPECT_EQ(dropped->unsupported_dropped, 1);
  auto out = ProbeClip(Out("out.mp4"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->Count(AVMEDIA_TYPE_AUDIO), 0);
  EXPECT_EQ(out->Count(AVMEDIA_TYPE_VIDEO), 1);
}

TEST_F(TranscodeTest, TruncatedInputFailsCleanlyOrDecodesWhatItCan) {
  MarkingProcessor marker;
  auto strict =
      TranscodeVideo(Clip("truncated.mp4"), Out("out.mp4"), {}, marker);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), Status::Code::kCorrupt)
      << strict.status().ToString();
  EXPECT_EQ(FilesInDir(), 0u);

  VideoOptions lenient;
  lenient.max_decode_errors = 1000;
  MarkingProcessor marker2;
  auto partial =
      TranscodeVideo(Clip("truncated.mp4"), Out("out.mp4"), lenient, marker2);
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  EXPECT_GT(partial->frames, 0);
  EXPECT_LT(partial->frames, 50);
  EXPECT_GT(partial->decode_errors, 0);
  EXPECT_EQ(FilesInDir(), 1u);

  MarkingProcessor marker3;
  auto head_only =
      TranscodeVideo(Clip("headonly.mp4"), Out("head.mp4"), {}, marker3);
  ASSERT_FALSE(head_only.ok());
  EXPECT_EQ(head_only.status().code(), Status::Code::kCorrupt)
      << head_only.status().ToString();
  EXPECT_TRUE(marker3.indices.empty());
}

TEST_F(TranscodeTest, GarbageAndMissingInputs) {
  const std::string garbage = Out("garbage.mp4");
  {
    std::ofstream f(garbage, std::ios::binary);
    cv::RNG rng(7);
    for (int i = 0; i < 100000; ++i)
      f.put(static_cast<char>(rng.uniform(0, 256)));
  }
  MarkingProcessor marker;
  auto r = TranscodeVideo(garbage, Out("out.mkv"), {}, marker);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorrupt) << r.status().ToString();
  EXPECT_EQ(FilesInDir(), 1u);  // just the garbage

  auto missing = TranscodeVideo(Out("nope.mp4"), Out("out.mp4"), {}, marker);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  auto bad_ext = TranscodeVideo(Clip("pan.mp4"), Out("out.gif"), {}, marker);
  EXPECT_EQ(bad_ext.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(marker.indices.empty());
}

TEST_F(TranscodeTest, RefusesToOverwriteUnlessAsked) {
  const std::string path = Out("out.mp4");
  std::ofstream(path) << "precious";
  MarkingProcessor marker;
  auto refused = TranscodeVideo(Clip("pan.mp4"), path, {}, marker);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(ReadAll(path), "precious");
  EXPECT_TRUE(marker.indices.empty());

  VideoOptions options;
  options.overwrite = true;
  auto replaced = TranscodeVideo(Clip("pan.mp4"), path, options, marker);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  auto out = ProbeClip(path);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->First(AVMEDIA_TYPE_VIDEO)->packet_hashes.size(), 50u);

  // Never onto its own input, even when asked to overwrite: that takes
  // in_place (streams_test.cpp).
  auto self = TranscodeVideo(path, path, options, marker);
  EXPECT_EQ(self.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(FilesInDir(), 1u);
}

TEST_F(TranscodeTest, ProcessorErrorAndCancellationLeaveNoOutput) {
  FrameFunction failing([](cv::Mat&, int64_t index, double) {
    return index == 5 ? Status::Internal("detector exploded") : Status::Ok();
  });
  auto failed = TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), {}, failing);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kInternal);
  EXPECT_NE(failed.status().message().find("frame 5"), std::string::npos);
  EXPECT_NE(failed.status().message().find("detector exploded"),
            std::string::npos);
  EXPECT_EQ(FilesInDir(), 0u);

  MarkingProcessor marker;
  auto cancelled =
      TranscodeVideo(Clip("pan.mp4"), Out("out.mp4"), {}, marker,
                     [](const VideoProgress& p) { return p.frames_done < 3; });
  ASSERT_FALSE(cancelled.ok());
  EXPECT_NE(cancelled.status().message().find("cancelled"), std::string::npos);
  EXPECT_EQ(marker.indices.size(), 3u);
  EXPECT_EQ(FilesInDir(), 0u);
}

TEST_F(TranscodeTest, DamageInTheMiddleIsReportedOrSkipped) {
  // Garbage over 4 KB in the middle of the media data, as a bad sector or
  // a broken download leaves it.
  std::string bytes = ReadAll(Clip("pan.mp4"));
  ASSERT_GT(bytes.size(), 20000u);
  cv::RNG rng(11);
  for (size_t i = bytes.size() / 2; i < bytes.size() / 2 + 4096; ++i) {
    bytes[i] = static_cast<char>(rng.uniform(0, 256));
  }
  const std::string damaged = Out("damaged.mp4");
  std::ofstream(damaged, std::ios::binary) << bytes;

  MarkingProcessor strict_marker;
  auto strict = TranscodeVideo(damaged, Out("strict.mp4"), {}, strict_marker);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().code(), Status::Code::kCorrupt)
      << strict.status().ToString();
  EXPECT_FALSE(fs::exists(Out("strict.mp4")));

  VideoOptions lenient;
  lenient.max_decode_errors = 1000;
  MarkingProcessor marker;
  auto skipped = TranscodeVideo(damaged, Out("lenient.mp4"), lenient, marker);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_GT(skipped->decode_errors, 0);
  EXPECT_GE(skipped->frames, 40);
  EXPECT_LE(skipped->frames, 50);
  int marked = 0;
  auto decoded =
      DecodeClip(Out("lenient.mp4"),
                 [&](const cv::Mat& bgr, double) { marked += HasMark(bgr); });
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, skipped->frames);
  EXPECT_EQ(marked, skipped->frames);
}

TEST_F(TranscodeTest, TenBitHevcAndOddSizedRgbBecomeEightBit420) {
  MarkingProcessor hevc_marker;
  auto hevc =
      TranscodeVideo(Clip("hevc10.mkv"), Out("hevc.mp4"), {}, hevc_marker);
  ASSERT_TRUE(hevc.ok()) << hevc.status().ToString();
  EXPECT_EQ(hevc->video_codec, "hevc");
  EXPECT_EQ(hevc->frames, 25);
  auto out = ProbeClip(Out("hevc.mp4"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->First(AVMEDIA_TYPE_VIDEO)->pixel_format, "yuv420p");

  // 161x121 RGB (FFV1): the processor sees all of it; the encoder gets the
  // nearest smaller even size.
  MarkingProcessor odd_marker;
  auto odd = TranscodeVideo(Clip("odd.mkv"), Out("odd.mkv"), {}, odd_marker);
  ASSERT_TRUE(odd.ok()) << odd.status().ToString();
  EXPECT_EQ(odd->frames, 10);
  ASSERT_FALSE(odd_marker.sizes.empty());
  EXPECT_EQ(odd_marker.sizes[0], cv::Size(161, 121));
  auto odd_out = ProbeClip(Out("odd.mkv"));
  ASSERT_TRUE(odd_out.ok());
  const auto* video = odd_out->First(AVMEDIA_TYPE_VIDEO);
  EXPECT_EQ(video->pixel_format, "yuv420p");
  EXPECT_EQ(video->width, 160);
  EXPECT_EQ(video->height, 120);
  int marked = 0;
  auto decoded = DecodeClip(Out("odd.mkv"), [&](const cv::Mat& bgr, double) {
    marked += HasMark(bgr);
  });
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, 10);
  EXPECT_EQ(marked, 10);
}

}  // namespace
}  // namespace faceveil
