// Unit tests of the transcoder's parts that need no video file.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <thread>

extern "C" {
#include <libavutil/display.h>
}

#include "video/bounded_queue.h"
#include "video/frame_convert.h"
#include "video/metadata_policy.h"

namespace faceveil::video {
namespace {

TEST(MetadataPolicyTest, LocationAndDeviceNeverPass) {
  for (bool keep : {false, true}) {
    for (const char* key :
         {"location", "location-eng", "com.apple.quicktime.location.ISO6709",
          "com.apple.quicktime.make", "make", "model", "software", "encoder",
          "com.android.version", "GPSCoordinates"}) {
      EXPECT_FALSE(IsMetadataKeyAllowed(key, MetadataScope::kContainer, keep))
          << key;
      EXPECT_FALSE(IsMetadataKeyAllowed(key, MetadataScope::kStream, keep))
          << key;
    }
  }
}

TEST(MetadataPolicyTest, AllowListDependsOnKeepFlag) {
  EXPECT_FALSE(IsMetadataKeyAllowed("title", MetadataScope::kContainer, false));
  EXPECT_TRUE(IsMetadataKeyAllowed("Title", MetadataScope::kContainer, true));
  EXPECT_TRUE(IsMetadataKeyAllowed("language", MetadataScope::kStream, false));
  EXPECT_FALSE(
      IsMetadataKeyAllowed("handler_name", MetadataScope::kStream, false));
  EXPECT_TRUE(
      IsMetadataKeyAllowed("handler_name", MetadataScope::kStream, true));
}

TEST(MetadataPolicyTest, CopyCountsDropped) {
  AVDictionary* in = nullptr;
  av_dict_set(&in, "title", "Holiday", 0);
  av_dict_set(&in, "location", "+48.8584+002.2945/", 0);
  AVDictionary* out = nullptr;
  EXPECT_EQ(CopyAllowedMetadata(in, &out, MetadataScope::kContainer, true), 1);
  EXPECT_EQ(av_dict_count(out), 1);
  ASSERT_NE(av_dict_get(out, "title", nullptr, 0), nullptr);
  av_dict_free(&out);
  EXPECT_EQ(CopyAllowedMetadata(in, &out, MetadataScope::kContainer, false), 2);
  EXPECT_EQ(out, nullptr);
  av_dict_free(&in);
}

TEST(RotationTest, DisplayMatrixToClockwiseDegrees) {
  // av_display_rotation_set() takes a clockwise angle.
  for (int cw : {0, 90, 180, -90, 270}) {
    AVStream stream{};
    AVPacketSideData side{};
    int32_t matrix[9];
    av_display_rotation_set(matrix, cw);
    side.type = AV_PKT_DATA_DISPLAYMATRIX;
    side.data = reinterpret_cast<uint8_t*>(matrix);
    side.size = sizeof(matrix);
    stream.side_data = &side;
    stream.nb_side_data = 1;
    EXPECT_EQ(DisplayRotationDegrees(&stream), ((cw % 360) + 360) % 360) << cw;
  }
  AVStream none{};
  EXPECT_EQ(DisplayRotationDegrees(&none), 0);
}

TEST(RotationTest, RotateAndBackIsIdentity) {
  cv::Mat m(3, 5, CV_8UC3);
  cv::randu(m, 0, 255);
  for (int deg : {0, 90, 180, 270}) {
    cv::Mat r, back;
    RotateClockwise(m, r, deg);
    RotateClockwise(r, back, (360 - deg) % 360);
    EXPECT_EQ(cv::norm(m, back, cv::NORM_INF), 0) << deg;
  }
  cv::Mat r;
  RotateClockwise(m, r, 90);
  ASSERT_EQ(r.size(), cv::Size(3, 5));
  // Clockwise: the bottom-left pixel goes to the top-left.
  EXPECT_EQ(r.at<cv::Vec3b>(0, 0), m.at<cv::Vec3b>(2, 0));
}

TEST(FrameConvertTest, BgrRoundTripThroughYuv420IsClose) {
  // A smooth image (4:2:0 keeps only a quarter of the chroma samples).
  cv::Mat bgr(64, 96, CV_8UC3);
  for (int y = 0; y < bgr.rows; ++y) {
    for (int x = 0; x < bgr.cols; ++x) {
      bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(30 + 2 * x, 40 + 3 * y, 200 - x);
    }
  }
  for (bool fast : {true, false}) {
    SCOPED_TRACE(fast ? "I420 fast path" : "swscale path");
    // The swscale path is taken when the encoder size differs (odd input).
    FromBgrConverter to_yuv(fast ? 96 : 94, 64, AV_PIX_FMT_YUV420P);
    auto frame = to_yuv.Convert(bgr);
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    ToBgrConverter to_bgr(96, 64);
    cv::Mat back;
    ASSERT_TRUE(to_bgr.Convert(**frame, back).ok());
    ASSERT_EQ(back.size(), bgr.size());
    cv::Mat diff;
    cv::absdiff(bgr, back, diff);
    cv::Scalar mean = cv::mean(diff);
    for (int c = 0; c < 3; ++c) EXPECT_LT(mean[c], fast ? 3.0 : 4.0) << c;
  }
}

TEST(BoundedQueueTest, CloseDrainsAndAbortUnblocks) {
  BoundedQueue<int> q(2);
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(q.Push(i));
    q.Close();
  });
  int v = -1, expected = 0;
  while (q.Pop(v)) EXPECT_EQ(v, expected++);
  producer.join();
  EXPECT_EQ(expected, 100);

  BoundedQueue<int> blocked(1);
  ASSERT_TRUE(blocked.Push(1));
  std::thread stuck([&] { EXPECT_FALSE(blocked.Push(2)); });
  blocked.Abort();
  stuck.join();
  EXPECT_FALSE(blocked.Pop(v));
}

}  // namespace
}  // namespace faceveil::video
