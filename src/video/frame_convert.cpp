#include "video/frame_convert.h"

#include <cmath>
#include <cstddef>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>
#include <utility>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
}

namespace faceveil::video {
namespace {

// Same-size conversions only resample chroma; bilinear is exact enough there
// and much cheaper than the higher-order filters.
constexpr int kSwsFlags = SWS_BILINEAR;

// swscale's SIMD readers and writers handle whole vectors of pixels: a row
// whose width is not a multiple of the vector is read or written up to a
// vector past its end. Within an image that lands on the next row (written
// only after it); past the last row it leaves the buffer.
// Measured with FFmpeg 5.1 on x86-64 with AVX2: up to 25 bytes read past a
// BGR24 source and 45 written past a BGR24 destination (a row rounded up to
// 16 pixels). Every BGR buffer handed to swscale has at least this many
// bytes of its own allocation after its last pixel; the margin over the
// measured overrun covers wider vectors (AVX-512) elsewhere.
constexpr std::ptrdiff_t kSwsSlackBytes = 256;

// Bytes of `m`'s allocation after its last pixel. (Mat::dataend is the end
// of the whole allocation for a row range, not of the range.)
std::ptrdiff_t BytesAfterLastPixel(const cv::Mat& m) {
  const uint8_t* end = m.ptr(m.rows - 1) + m.cols * m.elemSize();
  return m.datalimit - end;
}

// A continuous `rows` x `cols` BGR image whose allocation goes on for
// kSwsSlackBytes or more after its last pixel (spare rows, never part of
// the image).
cv::Mat NewPaddedBgr(int rows, int cols) {
  const std::ptrdiff_t row_bytes = static_cast<std::ptrdiff_t>(cols) * 3;
  const int spare_rows =
      static_cast<int>((kSwsSlackBytes + row_bytes - 1) / row_bytes);
  cv::Mat padded(rows + spare_rows, cols, CV_8UC3);
  return padded.rowRange(0, rows);
}

std::string PixelFormatName(int format) {
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(format));
  return name != nullptr ? name : "unknown";
}

}  // namespace

int DisplayRotationDegrees(const AVStream* stream) {
  const uint8_t* matrix =
      av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
  if (matrix == nullptr) return 0;
  // av_display_rotation_get() is counter-clockwise; players (and ffmpeg's
  // autorotate) turn the picture clockwise by its negation.
  double ccw =
      av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(ccw)) return 0;
  long quarter = std::lround(-ccw / 90.0);
  return static_cast<int>(((quarter % 4) + 4) % 4) * 90;
}

void RotateClockwise(const cv::Mat& in, cv::Mat& out, int degrees) {
  switch (degrees) {
    case 90:
      cv::rotate(in, out, cv::ROTATE_90_CLOCKWISE);
      break;
    case 180:
      cv::rotate(in, out, cv::ROTATE_180);
      break;
    case 270:
      cv::rotate(in, out, cv::ROTATE_90_COUNTERCLOCKWISE);
      break;
    default:
      out = in;
  }
}

Status ToBgrConverter::Convert(const AVFrame& frame, cv::Mat& bgr) {
  if (frame.width <= 0 || frame.height <= 0) {
    return Status::Corrupt("decoded frame has no pixels");
  }
  SwsContext* ctx = sws_getCachedContext(
      sws_.release(), frame.width, frame.height,
      static_cast<AVPixelFormat>(frame.format), width_, height_,
      AV_PIX_FMT_BGR24, kSwsFlags, nullptr, nullptr, nullptr);
  sws_.reset(ctx);
  if (ctx == nullptr) {
    return Status::Unsupported(std::string("cannot convert pixel format ") +
                               PixelFormatName(frame.format) + " to BGR");
  }
  // Always a buffer of our own: swscale may write past the last pixel, and
  // past a caller's Mat that could be another image's pixels.
  bgr = NewPaddedBgr(height_, width_);
  uint8_t* dst[4] = {bgr.data, nullptr, nullptr, nullptr};
  int dst_stride[4] = {static_cast<int>(bgr.step), 0, 0, 0};
  int rows = sws_scale(ctx, frame.data, frame.linesize, 0, frame.height, dst,
                       dst_stride);
  if (rows != height_) return Status::Internal("pixel conversion failed");
  return Status::Ok();
}

Result<FramePtr> FromBgrConverter::Convert(const cv::Mat& bgr) {
  if (bgr.type() != CV_8UC3 || bgr.empty()) {
    return Status::InvalidArgument("frame is not 8-bit BGR");
  }
  if (format_ == AV_PIX_FMT_YUV420P && bgr.cols == width_ &&
      bgr.rows == height_) {
    return ConvertI420(bgr);
  }
  SwsContext* ctx = sws_getCachedContext(
      sws_.release(), bgr.cols, bgr.rows, AV_PIX_FMT_BGR24, width_, height_,
      format_, kSwsFlags, nullptr, nullptr, nullptr);
  sws_.reset(ctx);
  if (ctx == nullptr) return Status::Internal("cannot convert BGR for encoder");
  auto made = NewFrame();
  if (!made.ok()) return made.status();
  FramePtr frame = std::move(made).value();
  // swscale may read past the last pixel: a Mat without room there (one
  // cv::rotate or the caller made) is copied into one with it first.
  const cv::Mat* source = &bgr;
  if (BytesAfterLastPixel(bgr) < kSwsSlackBytes) {
    if (padded_.size() != bgr.size()) {
      padded_ = NewPaddedBgr(bgr.rows, bgr.cols);
    }
    bgr.copyTo(padded_);
    source = &padded_;
  }
  const uint8_t* src[4] = {source->data, nullptr, nullptr, nullptr};
  int src_stride[4] = {static_cast<int>(source->step), 0, 0, 0};
  int rows = sws_scale(ctx, src, src_stride, 0, bgr.rows, frame->data,
                       frame->linesize);
  if (rows != height_) return Status::Internal("pixel conversion failed");
  return frame;
}

Result<FramePtr> FromBgrConverter::NewFrame() const {
  FramePtr frame(av_frame_alloc());
  if (!frame) return Status::TooLarge("out of memory for a frame");
  frame->width = width_;
  frame->height = height_;
  frame->format = format_;
  int err = av_frame_get_buffer(frame.get(), 0);
  if (err < 0) return AvStatus(err, "allocating a frame");
  return frame;
}

Result<FramePtr> FromBgrConverter::ConvertI420(const cv::Mat& bgr) {
  // OpenCV's BGR to I420 (BT.601, limited range: the inverse of what
  // swscale does by default on the way in) is SIMD and parallel; swscale
  // 5.1 has no fast path from BGR24 and takes ~4x longer at 1080p.
  cv::cvtColor(bgr, i420_, cv::COLOR_BGR2YUV_I420);
  auto made = NewFrame();
  if (!made.ok()) return made.status();
  FramePtr frame = std::move(made).value();
  const uint8_t* y = i420_.data;
  const uint8_t* u = y + static_cast<size_t>(width_) * height_;
  const uint8_t* v = u + static_cast<size_t>(width_ / 2) * (height_ / 2);
  av_image_copy_plane(frame->data[0], frame->linesize[0], y, width_, width_,
                      height_);
  av_image_copy_plane(frame->data[1], frame->linesize[1], u, width_ / 2,
                      width_ / 2, height_ / 2);
  av_image_copy_plane(frame->data[2], frame->linesize[2], v, width_ / 2,
                      width_ / 2, height_ / 2);
  return frame;
}
}  // namespace faceveil::video
