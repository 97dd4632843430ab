// Pixels between FFmpeg frames and OpenCV: any decoded pixel format to
// 8-bit BGR and back to the encoder's format, plus the quarter-turn
// rotations that make frames upright for the processor.
#ifndef FACEVEIL_VIDEO_FRAME_CONVERT_H_
#define FACEVEIL_VIDEO_FRAME_CONVERT_H_

#include <opencv2/core/mat.hpp>

#include "faceveil/status.h"
#include "video/av_common.h"

namespace faceveil::video {

// Clockwise rotation, in degrees (0, 90, 180, 270), that shows `stream`'s
// pixels the way a player does, from its display matrix; 0 without one.
int DisplayRotationDegrees(const AVStream* stream);

// Rotates `in` clockwise by `degrees` (a multiple of 90) into `out`. `out`
// shares `in`'s pixels when degrees is 0.
void RotateClockwise(const cv::Mat& in, cv::Mat& out, int degrees);

// Converts frames of any size and pixel format to BGR of a fixed size
// (`width` x `height`); a stream that changes size mid-way is scaled back to
// the size it started with. Not thread-safe: one per thread.
class ToBgrConverter {
 public:
  ToBgrConverter(int width, int height) : width_(width), height_(height) {}
  // `bgr` gets a new buffer each call, with spare bytes after its last row
  // for swscale's vector writes (Mats that shared the old one keep it).
  Status Convert(const AVFrame& frame, cv::Mat& bgr);

 private:
  int width_;
  int height_;
  SwsPtr sws_;
};

// Converts BGR Mats to frames of the encoder's size and pixel format.
class FromBgrConverter {
 public:
  FromBgrConverter(int width, int height, AVPixelFormat format)
      : width_(width), height_(height), format_(format) {}
  // Fills a newly allocated frame; the caller sets its timestamps. `bgr` is
  // only read, never past its last pixel: where swscale runs, one with too
  // few bytes of its allocation after that (a Mat ToBgrConverter did not
  // make, typically) is copied first.
  Result<FramePtr> Convert(const cv::Mat& bgr);

 private:
  Result<FramePtr> ConvertI420(const cv::Mat& bgr);
  // An empty encoder frame of this converter's size and format.
  Result<FramePtr> NewFrame() const;
  int width_;
  int height_;
  AVPixelFormat format_;
  SwsPtr sws_;      // for sizes or formats the fast path does not take
  cv::Mat i420_;    // reused scratch of the fast path
  cv::Mat padded_;  // reused copy of an input without swscale's slack
};

}  // namespace faceveil::video

#endif  // FACEVEIL_VIDEO_FRAME_CONVERT_H_
