// Unit tests of the transcoder's parts that need no video file.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
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

// `size` bytes that end where an inaccessible page begins: touching a byte
// past them faults, in any build (swscale is not instrumented by ASan).
class GuardedBuffer {
 public:
  explicit GuardedBuffer(size_t size) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    bytes_ = (size + page - 1) / page * page + page;
    void* base = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return;
    base_ = static_cast<uint8_t*>(base);
    if (mprotect(base_ + bytes_ - page, page, PROT_NONE) == 0) {
      data_ = base_ + bytes_ - page - size;
    }
  }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  ~GuardedBuffer() {
    if (base_ != nullptr) munmap(base_, bytes_);
  }
  // Null when the guard page could not be set up.
  uint8_t* data() const { return data_; }

 private:
  size_t bytes_ = 0;
  uint8_t* base_ = nullptr;
  uint8_t* data_ = nullptr;
};

// One BGR colour and its BT.601 limited-range YUV (what swscale uses).
const cv::Vec3b kBgr(40, 160, 200);
constexpr int kY = 152, kU = 69, kV = 154;

// Sizes whose rows swscale's SIMD code overran by up to 45 bytes (FFmpeg
// 5.1, AVX2): odd widths like odd.mkv's 161, the 360-wide upright clips and
// tiny frames.
const cv::Size kOverrunSizes[] = {{161, 121}, {97, 65}, {360, 640},
                                  {94, 64},   {2, 9},   {1, 2}};

TEST(FrameConvertTest, SwscaleReadsNothingPastTheBgrInput) {
  for (cv::Size size : kOverrunSizes) {
    SCOPED_TRACE(testing::Message() << size.width << "x" << size.height);
    // Exactly sized, ending at the guard page: the layout of a Mat made by
    // cv::rotate or a caller, which had no bytes to spare after its end.
    GuardedBuffer buffer(static_cast<size_t>(size.area()) * 3);
    ASSERT_NE(buffer.data(), nullptr);
    cv::Mat bgr(size, CV_8UC3, buffer.data());
    bgr.setTo(kBgr);
    // An even encoder size that differs from the input: the swscale path.
    const int width = std::max(2, (size.width - 1) & ~1);
    const int height = std::max(2, (size.height - 1) & ~1);
    FromBgrConverter to_yuv(width, height, AV_PIX_FMT_YUV420P);
    auto frame = to_yuv.Convert(bgr);
    ASSERT_TRUE(frame.ok()) << frame.status().ToString();
    const AVFrame& f = **frame;
    ASSERT_EQ(f.width, width);
    ASSERT_EQ(f.height, height);
    EXPECT_NEAR(f.data[0][0], kY, 2);
    EXPECT_NEAR(f.data[0][(height - 1) * f.linesize[0] + width - 1], kY, 2);
    EXPECT_NEAR(f.data[1][0], kU, 2);
    EXPECT_NEAR(f.data[2][0], kV, 2);
  }
}

TEST(FrameConvertTest, SwscaleWritesNothingPastTheBgrOutput) {
  for (cv::Size size : kOverrunSizes) {
    SCOPED_TRACE(testing::Message() << size.width << "x" << size.height);
    FramePtr frame(av_frame_alloc());
    ASSERT_TRUE(frame);
    frame->width = size.width;
    frame->height = size.height;
    frame->format = AV_PIX_FMT_YUV420P;
    ASSERT_GE(av_frame_get_buffer(frame.get(), 0), 0);
    const int chroma_rows = (size.height + 1) / 2;
    memset(frame->data[0], kY, frame->linesize[0] * size.height);
    memset(frame->data[1], kU, frame->linesize[1] * chroma_rows);
    memset(frame->data[2], kV, frame->linesize[2] * chroma_rows);
    // A caller's exactly sized Mat of the right size, ending at the guard
    // page: the converter must not write its pixels there.
    GuardedBuffer buffer(static_cast<size_t>(size.area()) * 3);
    ASSERT_NE(buffer.data(), nullptr);
    cv::Mat bgr(size, CV_8UC3, buffer.data());
    ToBgrConverter to_bgr(size.width, size.height);
    ASSERT_TRUE(to_bgr.Convert(*frame, bgr).ok());
    ASSERT_EQ(bgr.size(), size);
    for (cv::Point p : {cv::Point(0, 0), cv::Point(size.width - 1, 0),
                        cv::Point(size.width - 1, size.height - 1)}) {
      cv::Vec3b got = bgr.at<cv::Vec3b>(p);
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(got[c], kBgr[c], 3) << p << c;
    }
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
